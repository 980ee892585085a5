#!/usr/bin/env python3
"""Cross-article checks on a generated corpus: the per-article summary (work-unit side)
and the cross step over the summaries (main-process side), cold and after one edit.

    python3 ../shared/bench/gen_corpus.py --out /tmp/corpus --pairs 10000 --public --no-html
    .venv/bin/python bench/crosscheck.py /tmp/corpus

Loads the corpus (its ``content/`` with this project's ``site.toml`` and ``locales/``),
then measures, in this process (wall and CPU seconds):

  summaries     ``crosscheck.summary.summarize`` for every article, on top of the
                analysis' reading (``analysis.article.subject_of``, timed apart): the
                cost a cold build adds to its work units (spread over the workers)
  cold          ``crosscheck.check.check`` over every summary (what every build's
                crosscheck stage runs, whatever changed)
  body-edit     one English article's body changed: its summary again, then the check
  title-edit    one English article's title changed (the phrase map changes)

and the summaries' size (JSON bytes). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.analysis.article import subject_of  # noqa: E402
from pipeline.content.load import load_site  # noqa: E402
from pipeline.core.model import Article, Site  # noqa: E402
from pipeline.core.settings import load_settings  # noqa: E402
from pipeline.crosscheck.check import check  # noqa: E402
from pipeline.crosscheck.summary import summarize  # noqa: E402


class Clock:
    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def project(corpus: Path, work: Path) -> Path:
    root = work / "site"
    root.mkdir()
    shutil.copytree(corpus / "content", root / "content", copy_function=os.link)
    shutil.copy(ROOT / "site.toml", root / "site.toml")
    shutil.copytree(ROOT / "locales", root / "locales")
    (root / "public").mkdir()
    return root


def summaries_of(site: Site) -> tuple[dict[str, dict[str, Any]], Clock, Clock]:
    found: dict[str, dict[str, Any]] = {}
    reading, summing = Clock(), Clock()
    reading.wall = reading.cpu = summing.wall = summing.cpu = 0.0
    for article in site.published():
        with Clock() as r:
            subject = subject_of(site.settings, article)
        with Clock() as s:
            found[article.source.as_posix()] = summarize(site.settings, subject)
        reading.wall += r.wall
        reading.cpu += r.cpu
        summing.wall += s.wall
        summing.cpu += s.cpu
    return found, reading, summing


def edited(article: Article, change: str) -> Article:
    if change == "body":
        return dataclasses.replace(article, text=article.body + "\nOne more sentence.\n")
    meta = dataclasses.replace(article.meta, title=article.meta.title + " Clinic Guide")
    return dataclasses.replace(article, meta=meta)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = project(args.corpus, Path(tmp))
        site, _ = load_site(load_settings(root), use_cache=False)
        rows: list[tuple[str, Clock, str]] = []
        summaries, reading, summing = summaries_of(site)
        sizes = [len(orjson.dumps(s)) for s in summaries.values()]
        rows.append(("analysis reading (already in every unit)", reading, ""))
        rows.append(("summaries (added to the units)", summing,
                     f"{len(summaries)} articles, {sum(sizes) / len(sizes):.0f} bytes mean, "
                     f"{sum(sizes) / 2**20:.1f} MiB in all"))
        with Clock() as cold:
            findings, _ = check(site, summaries)
        counts = Counter(f.code for f in findings)
        rows.append(("cross step, cold", cold,
                     ", ".join(f"{c} {n}" for c, n in sorted(counts.items()))))
        first = next(a for a in site.published() if a.locale == "en")
        for change in ("body", "title"):
            article = edited(first, change)
            with Clock() as one:
                row = summarize(site.settings, subject_of(site.settings, article))
            with Clock() as step:
                check(site, {**summaries, article.source.as_posix(): row})
            rows.append((f"{change} edit: its summary", one, ""))
            rows.append((f"{change} edit: cross step", step, ""))
    print(f"machine: {os.cpu_count()} cores, {platform.platform()}, "
          f"load {os.getloadavg()[0]:.2f}")
    print("\n| step | wall s | CPU s | notes |\n|---|---|---|---|")
    for name, clock, note in rows:
        print(f"| {name} | {clock.wall:.2f} | {clock.cpu:.2f} | {note} |")


if __name__ == "__main__":
    main()
