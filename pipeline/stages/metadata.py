"""Metadata stage: lint the head metadata of every published article and record it.

Writes ``reports/metadata.jsonl``: one JSON object per article and line,
``{"page": "<locale>/<slug>", "metadata": {...}}``; ``reports/metadata.json`` (through the
runner) holds the findings and the counts. The metadata comes from the engine's work
units, which compute it once per article for this stage and the bundles stage alike
(``seo.metadata.page_metadata``), and only for articles whose inputs changed.
"""

from __future__ import annotations

import orjson

from pipeline.core.model import Article, Finding, Site, StageResult
from pipeline.engine.executors import Executor
from pipeline.engine.incremental import METADATA_FILE, unit_results
from pipeline.engine.options import RunOptions
from pipeline.engine.outputs import Outputs, run_outputs
from pipeline.engine.publish import digest
from pipeline.seo.lint import locale_limits, site_findings
from pipeline.seo.metadata import metadata_data

RECORDS_FILE = METADATA_FILE


def run(site: Site, args: object = None) -> StageResult:
    run_options = RunOptions.of(args)
    with run_outputs(site.settings, run_options) as outputs:
        result = build(site, outputs, run_options.jobs, run_options.executor)
        if run_options.outputs is None:
            outputs.discard("output")  # pages rendered on the way are published by bundles
        return result


def _line(site: Site, article: Article) -> bytes:
    """The metadata line of an article whose unit was reused but whose line is not at
    hand (the last run did not publish ``metadata.jsonl``), from its group alone."""
    group = Site(site.settings, tuple(site.translations(article)))
    record = {"page": f"{article.locale}/{article.slug}",
              "metadata": metadata_data(group, article)}
    return orjson.dumps(record, option=orjson.OPT_SORT_KEYS) + b"\n"


def build(site: Site, outputs: Outputs, jobs: int = 0,
          executor: Executor | None = None) -> StageResult:
    units = unit_results(site, outputs, jobs, executor)
    _, findings = locale_limits(site)
    findings += units.findings_of("metaFindings")
    findings += site_findings(list(site.published()))
    offsets: dict[str, tuple[int, int]] = {}
    chunks = []
    position = 0
    by_source = {a.source.as_posix(): a for a in site.published()}
    for source in units.articles:
        line = units.metadata_lines.get(source) or _line(site, by_source[source])
        offsets[source] = (position, position + len(line))
        position += len(line)
        chunks.append(line)
    data = b"".join(chunks)
    outputs.folder("reports").put(RECORDS_FILE, data)
    outputs.metadata_lines = (offsets, digest(data))
    target = site.settings.path("reports") / RECORDS_FILE
    return StageResult("metadata", sorted(findings, key=Finding.sort_key), outputs=[target],
                       data={"articles": len(offsets), "records": RECORDS_FILE})
