#!/usr/bin/env python3
"""Benchmark: the Markdown renderer and the JSON encoder, old against new, interleaved.

Usage: .venv/bin/python bench/render_bench.py --corpus DIR [--bodies 20000] [--rounds 3]
    [--baseline REV]

DIR is a corpus of ``../shared/bench/gen_corpus.py`` (``--no-html``); its bodies are
cycled to ``--bodies``. The old renderer is ``pipeline/render/markdown.py`` of git
revision ``--baseline`` (markdown-it-py; needs ``mdit-py-plugins`` installed), loaded
beside the current one. Both render every body once per round, alternately; the JSON
part encodes an article.json-shaped document per body and one report with a finding per
body, with ``json.dumps(indent=2)`` and with ``pipeline.core.jsonfmt``. Prints CPU
seconds per round and the median, and checks that both sides give the same output.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.content.parsing import split  # noqa: E402
from pipeline.core.jsonfmt import dumps_json_bytes  # noqa: E402
from pipeline.core.model import Finding, Severity  # noqa: E402
from pipeline.render import markdown as new  # noqa: E402


def load_baseline(rev: str) -> Any:
    """``pipeline/render/markdown.py`` as it was at ``rev``, imported as its own module."""
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:pipeline/render/markdown.py"],
                            check=True, capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "baseline_markdown.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("baseline_markdown", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["baseline_markdown"] = module
    spec.loader.exec_module(module)
    return module


def load_bodies(corpus: Path, count: int) -> list[tuple[str, str, int]]:
    items = []
    for path in sorted((corpus / "content").glob("*/*.md")):
        parsed, _ = split(path.read_text(encoding="utf-8"), path.name)
        if parsed is not None:
            items.append((path.name, parsed.body, parsed.body_line))
    return [items[i % len(items)] for i in range(count)]


def timed(rounds: int, runs: dict[str, Callable[[], Any]]) -> dict[str, list[float]]:
    """CPU seconds of each run per round, the runs alternating within every round."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            start = time.process_time()
            run()
            times[name].append(time.process_time() - start)
    return times


def show(title: str, times: dict[str, list[float]]) -> None:
    print(title)
    for name, values in times.items():
        rounds = ", ".join(f"{v:.2f}" for v in values)
        print(f"  {name:24s} median {statistics.median(values):7.3f} s   rounds {rounds}")


def documents(items: list[tuple[str, str, int]]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    docs, findings = [], []
    for name, body, line in items:
        rendered = new.render_markdown(body, name, line, new.RenderPolicy())
        docs.append({"schema": "seo-pipeline/article/1", "slug": name, "html": rendered.html,
                     "text": rendered.text, "wordCount": rendered.words,
                     "headings": [{"level": h.level, "id": h.id, "text": h.text}
                                  for h in rendered.headings],
                     "readingTime": {"minutes": rendered.words // 200, "label": "x"}})
        findings.append(Finding(f"content/{name}", line, 1, "BN105", Severity.WARNING,
                                "image not found: /assets/x.png", "add the file").to_dict())
    report = {"schema": "seo-pipeline/report/1", "findings": findings, "ok": True}
    return docs, report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--bodies", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline", default="12199ca")
    args = parser.parse_args()
    old = load_baseline(args.baseline)
    items = load_bodies(args.corpus, args.bodies)
    print(f"{len(items):,} bodies, {sum(len(b) for _, b, _ in items) / 1e6:.1f} MB of Markdown")

    def render_with(module: Any) -> Callable[[], list[Any]]:
        policy = module.RenderPolicy()
        return lambda: [module.render_markdown(b, n, line, policy) for n, b, line in items]

    olds, news = render_with(old)(), render_with(new)()
    same = sum((a.html, a.text, a.words, [(h.level, h.id, h.text) for h in a.headings])
               == (b.html, b.text, b.words, [(h.level, h.id, h.text) for h in b.headings])
               for a, b in zip(olds, news, strict=True))
    print(f"same html, text, words and headings: {same:,} of {len(items):,}")
    show("render", timed(args.rounds, {f"markdown-it-py ({args.baseline})": render_with(old),
                                       "native (pyromark)": render_with(new)}))

    docs, report = documents(items)

    def stdlib() -> None:
        for doc in [*docs, report]:
            (json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()

    def jsonfmt() -> None:
        for doc in [*docs, report]:
            dumps_json_bytes(doc)

    identical = all(dumps_json_bytes(d) == (json.dumps(d, ensure_ascii=False, indent=2,
                                                       sort_keys=True) + "\n").encode()
                    for d in [*docs, report])
    print(f"JSON: {len(docs):,} article documents and a report of {len(docs):,} findings; "
          f"byte-identical: {identical}")
    show("json", timed(args.rounds, {"json.dumps(indent=2)": stdlib,
                                     "jsonfmt (orjson)": jsonfmt}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
