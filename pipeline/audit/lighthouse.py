"""Lighthouse 12 (SEO, accessibility, best practices) over pages served on loopback:
one Node process and one headless Chromium for every page, one page after another."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field

from pipeline.audit.tools import LIGHTHOUSE_SCRIPT, chromium, need, node_package

CATEGORIES = ("seo", "accessibility", "best-practices")


@dataclass(frozen=True)
class PageScores:
    """Scores 0-100 per category (``None``: not scored) and the failing audits' ids."""

    url: str
    scores: dict[str, int | None]
    failing: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def perfect(self) -> bool:
        return self.error is None and all(self.scores.get(c) == 100 for c in CATEGORIES)


def run(urls: Sequence[str], timeout: float = 900) -> list[PageScores]:
    """Scores of each URL, in order."""
    if not urls:
        return []
    command = [need("node"), str(node_package(LIGHTHOUSE_SCRIPT)), chromium(), *urls]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                          check=False, cwd=LIGHTHOUSE_SCRIPT.parent)
    results = [_scores(json.loads(line)) for line in done.stdout.splitlines() if line.strip()]
    if len(results) != len(urls):
        raise RuntimeError(f"lighthouse stopped after {len(results)} of {len(urls)} pages: "
                           f"{done.stderr.strip()[-2000:]}")
    return results


def _scores(item: dict) -> PageScores:
    scores = {c: None if item["scores"].get(c) is None else round(item["scores"][c] * 100)
              for c in CATEGORIES}
    return PageScores(item["url"], scores, [a["id"] for a in item["failing"]], item.get("error"))
