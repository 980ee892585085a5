"""The one build call of watch mode: ``rebuild(root, config)``.

Watch mode depends on nothing else about how a build works: it calls ``rebuild`` after
each batch of saves, prints the summary it returns and tells open pages to reload, or,
on ``BuildFailed``, prints the error summary and keeps the previous pages.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.core.model import Severity
from pipeline.core.settings import ConfigError
from pipeline.render import search
from pipeline.report import findings_lines, human_line, summary_line
from pipeline.runner import build_project


class BuildFailed(Exception):
    """A build that found errors; ``str()`` is the summary, ``lines`` the errors."""

    def __init__(self, summary: str, lines: list[str]):
        super().__init__(summary)
        self.lines = lines


def _options(root: Path, config: Path | None) -> argparse.Namespace:
    """What the offline stages read from the command line, at their defaults."""
    return argparse.Namespace(root=root, config=config, format="human", strict=False, jobs=0)


def rebuild(root: Path, config: Path | None) -> str:
    """Build the site incrementally (only what the saves changed); the one-line summary
    followed by the warnings it found (the first ten, then how many more), or
    ``BuildFailed`` when it has errors."""
    return rebuild_pages(root, config)[0]


def changed_pages(written: tuple[str, ...], removed: tuple[str, ...],
                  prefix: str = "/") -> tuple[str, ...] | None:
    """The URL paths of the pages among the output files a build wrote or removed; None
    when a file every page may use changed (a stylesheet, an image, a font...). The
    search index is read when a search runs, so a change to it reloads no page."""
    pages = []
    for rel in (*written, *removed):
        if rel.startswith(f"{search.BUNDLE}/"):
            continue
        if rel == "index.html" or rel.endswith("/index.html"):
            pages.append(prefix + rel[: -len("index.html")])
        elif not rel.endswith((".json", ".xml", ".xml.gz", ".txt", ".jsonl")):
            return None
    return tuple(sorted(pages))


def rebuild_pages(root: Path, config: Path | None) -> tuple[str, tuple[str, ...] | None]:
    """``rebuild``, and the URL paths of the pages it changed (``changed_pages``)."""
    try:
        done = build_project(root, config, _options(root, config))
        results = done.results
    except ConfigError as exc:
        lines = [human_line(f) for f in exc.findings]
        raise BuildFailed(f"configuration: {len(lines)} error(s)", lines) from None
    summary = "; ".join(summary_line(r) for r in results)
    errors = [human_line(f) for r in results for f in r.findings if f.is_error]
    if errors:
        raise BuildFailed(summary, errors)
    warnings = [f for r in results for f in r.findings if f.severity is Severity.WARNING]
    output = done.changes.get("output")
    prefix = urlsplit(done.settings.base_url).path or "/"
    pages = changed_pages(output.written, output.removed, prefix if prefix.endswith("/")
                          else prefix + "/") if output is not None else ()
    return "\n".join([summary, *findings_lines(warnings)]), pages
