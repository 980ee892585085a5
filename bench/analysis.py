#!/usr/bin/env python3
"""Per-article cost of the analysis and of the crosscheck summary on a generated corpus.

    python3 ../shared/bench/gen_corpus.py --out /tmp/corpus --pairs 1000 --no-html --no-hugo
    .venv/bin/python bench/analysis.py /tmp/corpus [--dump out.json] [--repeat 3]

Loads the corpus (its ``content/`` with this project's ``site.toml`` and ``locales/``),
then runs, for every published article, what its work unit runs for the analysis:
``analysis.article.subject_of`` (reading, stems, readability), ``analyze`` (the checks)
and ``crosscheck.summary.summarize``; prints CPU milliseconds per article for each (best
of ``--repeat`` passes; the first pass also pays for cold per-word caches, reported apart).
``--dump`` writes every result (analysis data, findings, summaries) as JSON, so two
versions of the code can be compared byte for byte on the same corpus.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.analysis.article import analyze, subject_of  # noqa: E402
from pipeline.content.load import load_site  # noqa: E402
from pipeline.core.model import Article, Site  # noqa: E402
from pipeline.core.settings import load_settings  # noqa: E402
from pipeline.crosscheck.summary import summarize  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from crosscheck import project  # noqa: E402  (the same project set-up as the cross-check bench)


def one_pass(site: Site, articles: list[Article]) -> tuple[list[float], dict[str, Any]]:
    """CPU seconds of (reading, checks, summary) over ``articles``, and every result."""
    spent = [0.0, 0.0, 0.0]
    results: dict[str, Any] = {}
    clock = time.process_time
    for article in articles:
        t0 = clock()
        subject = subject_of(site.settings, article)
        t1 = clock()
        data, findings = analyze(site.settings, article, subject)
        t2 = clock()
        summary = summarize(site.settings, subject)
        t3 = clock()
        spent[0] += t1 - t0
        spent[1] += t2 - t1
        spent[2] += t3 - t2
        results[article.source.as_posix()] = {
            "analysis": data, "summary": summary,
            "findings": [[f.code, f.line, f.col, f.message] for f in findings]}
    return spent, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--dump", type=Path, help="write every result here (JSON)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site, _ = load_site(load_settings(project(args.corpus, Path(tmp))), use_cache=False)
        articles = list(site.published())
        passes = []
        for _ in range(max(1, args.repeat)):
            spent, results = one_pass(site, articles)
            passes.append(spent)
        if args.dump:
            args.dump.write_bytes(orjson.dumps(results, option=orjson.OPT_SORT_KEYS))
    n = len(articles)
    best = [min(p[i] for p in passes) for i in range(3)]
    print(f"machine: {os.cpu_count()} cores, {platform.platform()}, "
          f"load {os.getloadavg()[0]:.2f}; {n} articles, {len(passes)} passes")
    print("\n| step | first pass ms/article | best pass ms/article |\n|---|---|---|")
    for i, name in enumerate(("reading (subject_of)", "checks (analyze)", "summary")):
        print(f"| {name} | {1000 * passes[0][i] / n:.3f} | {1000 * best[i] / n:.3f} |")
    print(f"| all | {1000 * sum(passes[0]) / n:.3f} | {1000 * sum(best) / n:.3f} |")


if __name__ == "__main__":
    main()
