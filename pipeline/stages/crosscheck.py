"""Crosscheck stage: cross-article checks over the whole site (``pipeline.crosscheck``).

Reads the per-article summaries the work units computed (``crosscheck.summary``; an
unchanged article's comes from the engine's state) and writes ``reports/crosscheck.json``:
the CROSS001-CROSS006 findings and, under ``data``, the cannibalization clusters,
near-duplicate pairs with their shared paragraphs, orphans and link suggestions.
"""

from __future__ import annotations

from pipeline.core.model import Site, StageResult
from pipeline.crosscheck.check import check
from pipeline.engine.incremental import unit_results
from pipeline.engine.outputs import run_outputs


def run(site: Site, options: object = None) -> StageResult:
    with run_outputs(site.settings, options) as outputs:
        units = unit_results(site, outputs, getattr(options, "jobs", 0) or 0,
                             getattr(options, "engine_executor", None))
        if getattr(options, "outputs", None) is None:
            outputs.discard("output")  # pages rendered on the way are published by bundles
        summaries = {source: result["cross"] for source, result in units.articles.items()}
        findings, data = check(site, summaries)
        return StageResult("crosscheck", findings, data=data,
                           run_stats={"articles": len(summaries)})
