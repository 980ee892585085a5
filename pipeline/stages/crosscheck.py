"""Crosscheck stage: cross-article checks over the whole site (``pipeline.crosscheck``).

Reads the per-article summaries the work units computed (``crosscheck.summary``; an
unchanged article's comes from the engine's state) and writes ``reports/crosscheck.json``:
the CROSS001-CROSS006 findings and, under ``data``, the cannibalization clusters,
near-duplicate pairs with their shared paragraphs, orphans and link suggestions.
"""

from __future__ import annotations

from pipeline.core.model import Site, StageResult
from pipeline.crosscheck.check import check
from pipeline.engine.incremental import stage_units


def run(site: Site, options: object = None) -> StageResult:
    with stage_units(site, options) as units:
        summaries = {source: result["cross"] for source, result in units.articles.items()}
        findings, data = check(site, summaries)
        return StageResult("crosscheck", findings, data=data,
                           run_stats={"articles": len(summaries)})
