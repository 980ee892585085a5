"""Crosscheck stage: cross-article checks over the whole site (``pipeline.crosscheck``).

Reads the per-article summaries the work units computed (``crosscheck.summary``; an
unchanged article's comes from the engine's state) and writes ``reports/crosscheck.json``:
the CROSS001-CROSS006 findings and, under ``data``, the cannibalization clusters,
near-duplicate pairs with their shared paragraphs, orphans and link suggestions. In a
build, the last run's result is patched where summaries changed (``crosscheck.patch``)
and the state to patch next time is written when the run commits.
"""

from __future__ import annotations

from typing import cast

from pipeline.core.jsontypes import JSONObject
from pipeline.core.model import Site, StageResult
from pipeline.crosscheck import patch
from pipeline.crosscheck.check import compute, group_shapes, render
from pipeline.engine.incremental import stage_units
from pipeline.engine.options import RunOptions
from pipeline.engine.shapes import CrossPart


def run(site: Site, options: object = None) -> StageResult:
    run_options = RunOptions.of(options)
    outputs = run_options.outputs
    with stage_units(site, options) as units:
        # a CrossPart is JSON data: the checks read it as such
        summaries = cast(dict[str, JSONObject], units.part("cross", CrossPart))
        shapes = group_shapes(site)
        if outputs is None:  # called outside a run: no state to keep
            result, patched = compute(shapes, summaries), False
        else:
            code = patch.state_code(site)
            result, documents, patched = patch.run(shapes, summaries,
                                                   site.settings.path("cache"), code,
                                                   run_options.force)
        findings, data = render(result, summaries)
        if outputs is not None:
            patch.with_views(documents, result)
            for name, doc in documents.items():
                outputs.record(name, code, doc)
        stats: dict[str, int | float | bool] = {"articles": len(summaries), "patched": patched}
        # the data holds strings, integers and similarities of 0.6 and more: plain JSON
        return StageResult("crosscheck", findings, data=data, run_stats=stats,
                           plain_data=True)
