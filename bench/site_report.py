#!/usr/bin/env python3
"""The site health report's own cost (stage ``report``) on large made-up stage reports:
each report's view and the digest (``sitereport.inputs``) and the page (``sitereport.page``).

    .venv/bin/python bench/site_report.py --articles 20000

Fabricates what a site of ``--articles`` articles could leave in ``reports/``: three
findings per article over five stages, a crosscheck report with a cluster, a
near-duplicate pair and a suggestion per 20 articles, and a links report with four links
per article; then times the views of those reports as ``report`` run alone reads them
plus ``gather``, and ``render`` (best of three, wall seconds), and prints a Markdown table
with the page size. In a build the views come from the stages' results instead (no file
read or parsed); the translation counts (``translation_counts``, one pass over the loaded
front matter) are not included.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.core.settings import load_settings  # noqa: E402
from pipeline.sitereport.inputs import Places, gather, view_of_report  # noqa: E402
from pipeline.sitereport.page import render  # noqa: E402

STAGES = ("validate", "metadata", "analyze", "crosscheck", "bundles")


def fabricate(articles: int) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, int]]]:
    def path(i: int) -> str:
        return f"content/{'en' if i % 2 else 'ar'}/article-{i}.md"

    reports: dict[str, dict[str, Any]] = {}
    for n, stage in enumerate(STAGES):
        findings = [{"path": path(i), "line": 2, "col": 1, "code": f"X{n}{i % 7}",
                     "severity": ("error", "warning", "info")[i % 3],
                     "message": f"finding {i} of {stage}", "hint": "fix it"}
                    for i in range(articles * 3 // len(STAGES))]
        reports[stage] = {"schema": "seo-pipeline/report/1", "stage": stage,
                          "findings": findings, "data": {}}
    member = {"line": 2, "title": "A title", "phrase": "a phrase", "url": "https://x/"}
    reports["crosscheck"]["data"] = {
        "clusters": [{"locale": "en", "reason": "phrase",
                      "members": [{**member, "path": path(i)}, {**member, "path": path(i + 1)}]}
                     for i in range(0, articles, 20)],
        "duplicates": [{"locale": "en", "similarity": 0.9,
                        "first": {"path": path(i), "title": "A"},
                        "second": {"path": path(i + 1), "title": "B"},
                        "passages": [{"line": 5, "otherLine": 7}] * 3}
                       for i in range(0, articles, 20)],
        "orphans": [{**member, "locale": "en", "path": path(i)} for i in range(0, articles, 20)],
        "suggestions": [{"path": path(i), "line": 9, "phrase": "p", "target": path(i + 1),
                         "url": "https://x/"} for i in range(0, articles, 20)]}
    reports["links"] = {"schema": "seo-pipeline/report/1", "stage": "links", "findings": [],
                        "data": {"links": [{"internal": i % 2 == 0, "state": "ok"}
                                           for i in range(articles * 4)]}}
    translations = {"en": {"source": articles // 2}, "ar": {"current": articles // 2}}
    return reports, translations


def best(fn: Any, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20000)
    args = parser.parse_args()
    settings = load_settings(ROOT)
    reports, translations = fabricate(args.articles)
    codes = settings.locale_codes

    def inputs_of() -> Any:
        places = Places(codes)
        views = {name: view_of_report(report, places, name) for name, report in reports.items()}
        return gather(settings, views, translations)

    inputs = inputs_of()
    page = render(settings, inputs).encode()
    print(f"site report, {args.articles} articles ({platform.python_version()}, "
          f"{platform.machine()})\n")
    print("| step | seconds |\n| --- | --- |")
    print(f"| views and gather (counts, digest) | {best(inputs_of):.3f} |")
    print(f"| render (page) | {best(lambda: render(settings, inputs)):.3f} |")
    print(f"\npage: {len(page):,} bytes")


if __name__ == "__main__":
    main()
