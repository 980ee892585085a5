"""Analyze stage: per-article keyphrase, readability, length, image and link checks.

The analysis runs in each article's work unit (``analysis.article.analyze``), so an
unchanged article is not analysed again; this stage gathers its findings (AN0xx,
``analysis.catalogue``) and per-article data into ``reports/analyze.json``.
"""

from __future__ import annotations

from pipeline.content.records import finding_of
from pipeline.core.jsontypes import JSONObject
from pipeline.core.model import Finding, Site, StageResult
from pipeline.engine import resident
from pipeline.engine.incremental import stage_units
from pipeline.engine.shapes import AnalysisPart

# Each article's findings as last made, by its part (the same object while the part is
# unchanged: ``UnitResults.part``): a long-lived process (``serve --watch``) makes only the
# findings of the analyses an edit changed.
_KEPT: dict[str, tuple[AnalysisPart, list[Finding]]] = {}


def run(site: Site, options: object = None) -> StageResult:
    with stage_units(site, options) as units:
        parts = units.part("analysis", AnalysisPart)
        keeping = resident.keeping()
        kept = {}
        for source, part in parts.items():
            held = _KEPT.get(source) if keeping else None
            kept[source] = held if held is not None and held[0] is part else \
                (part, [finding_of(f) for f in part["findings"]])
        _KEPT.clear()
        if keeping:
            _KEPT.update(kept)
        findings = [f for source in parts for f in kept[source][1]]
        articles: JSONObject = {source: part["data"] for source, part in parts.items()}
        return StageResult("analyze", sorted(findings, key=Finding.sort_key),
                           data={"articles": articles},
                           run_stats={"units run": units.ran, "units reused": units.reused},
                           # decoded from JSON rows; every float is rounded to at most two
                           # places (analysis.checks, analysis.readability)
                           plain_data=True)
