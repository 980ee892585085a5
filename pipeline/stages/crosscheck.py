"""Crosscheck stage: cross-article checks over the whole site (``pipeline.crosscheck``).

Reads the per-article summaries the work units computed (``crosscheck.summary``; an
unchanged article's comes from the engine's state) and writes ``reports/crosscheck.json``:
the CROSS001-CROSS006 findings and, under ``data``, the cannibalization clusters,
near-duplicate pairs with their shared paragraphs, orphans and link suggestions.
"""

from __future__ import annotations

from typing import cast

from pipeline.core.jsontypes import JSONObject
from pipeline.core.model import Site, StageResult
from pipeline.crosscheck.check import check
from pipeline.engine.incremental import stage_units
from pipeline.engine.shapes import CrossPart


def run(site: Site, options: object = None) -> StageResult:
    with stage_units(site, options) as units:
        # a CrossPart is JSON data: the checks read it as such
        summaries = cast(dict[str, JSONObject], units.part("cross", CrossPart))
        findings, data = check(site, summaries)
        return StageResult("crosscheck", findings, data=data,
                           run_stats={"articles": len(summaries)})
