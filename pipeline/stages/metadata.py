"""Metadata stage: lint the head metadata of every published article and record it.

Writes ``reports/metadata.jsonl``: one JSON object per article and line,
``{"page": "<locale>/<slug>", "metadata": {...}}``, streamed so a large site never holds
every article's metadata in memory; ``reports/metadata.json`` (through the runner) holds
the findings and the counts. The bundles stage inserts the same metadata into the pages
with ``pipeline.metadata.page_metadata``.
"""

from __future__ import annotations

import json

from pipeline.core.fsutil import atomic_open
from pipeline.core.model import Site, StageResult
from pipeline.seo.lint import lint
from pipeline.seo.metadata import metadata_data

RECORDS_FILE = "metadata.jsonl"


def run(site: Site, options: object = None) -> StageResult:
    target = site.settings.path("reports") / RECORDS_FILE
    count = 0
    with atomic_open(target, "w") as out:
        for article in site.published():
            record = {"page": f"{article.locale}/{article.slug}",
                      "metadata": metadata_data(site, article)}
            out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    return StageResult("metadata", lint(site), outputs=[target],
                       data={"articles": count, "records": RECORDS_FILE})
