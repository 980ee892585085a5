"""Analyze stage: per-article keyphrase, readability, length, image and link checks.

The analysis runs in each article's work unit (``analysis.article.analyze``), so an
unchanged article is not analysed again; this stage gathers its findings (AN0xx,
``analysis.catalogue``) and per-article data into ``reports/analyze.json``.
"""

from __future__ import annotations

from pipeline.content.records import finding_of
from pipeline.core.jsontypes import JSONObject
from pipeline.core.model import Finding, Site, StageResult
from pipeline.engine.incremental import stage_units
from pipeline.engine.shapes import AnalysisPart

# Each article's analysis as last decoded, by the text of its part: a long-lived process
# (``serve --watch``) decodes only the analyses an edit changed.
_KEPT: dict[str, tuple[str, JSONObject, list[Finding]]] = {}


def run(site: Site, options: object = None) -> StageResult:
    with stage_units(site, options) as units:
        texts = {source: result["analysis"] for source, result in units.articles.items()}
        kept = {s: held for s, text in texts.items()
                if (held := _KEPT.get(s)) is not None and held[0] == text}
        for source, part in units.part("analysis", AnalysisPart,
                                       [s for s in texts if s not in kept]).items():
            kept[source] = (texts[source], part["data"],
                            [finding_of(f) for f in part["findings"]])
        _KEPT.clear()
        _KEPT.update(kept)
        findings = [f for source in texts for f in kept[source][2]]
        articles = {source: kept[source][1] for source in texts}
        return StageResult("analyze", sorted(findings, key=Finding.sort_key),
                           data={"articles": articles},
                           run_stats={"units run": units.ran, "units reused": units.reused})
