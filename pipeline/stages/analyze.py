"""Analyze stage: per-article keyphrase, readability, length, image and link checks.

The analysis runs in each article's work unit (``analysis.article.analyze``), so an
unchanged article is not analysed again; this stage gathers its findings (AN0xx,
``analysis.catalogue``) and per-article data into ``reports/analyze.json``.
"""

from __future__ import annotations

from pipeline.core.model import Site, StageResult
from pipeline.engine.incremental import stage_units


def run(site: Site, options: object = None) -> StageResult:
    with stage_units(site, options) as units:
        findings = units.findings_of("analysisFindings")
        articles = {source: result["analysis"] for source, result in units.articles.items()}
        return StageResult("analyze", sorted(findings),
                           data={"articles": articles},
                           run_stats={"units run": units.ran, "units reused": units.reused})
