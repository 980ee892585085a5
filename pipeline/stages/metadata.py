"""Metadata stage: lint the head metadata of every published article and report it.

Writes ``reports/metadata.json`` only (through the runner); its ``data.articles`` maps
``<locale>/<slug>`` to the metadata the pages carry. The bundles stage inserts the same
metadata into the pages with ``pipeline.metadata.page_metadata``.
"""

from __future__ import annotations

from pipeline.metadata import metadata_data
from pipeline.metadata_lint import lint
from pipeline.model import Site, StageResult


def run(site: Site, options: object = None) -> StageResult:
    articles = {f"{a.locale}/{a.slug}": metadata_data(site, a) for a in site.published()}
    return StageResult("metadata", lint(site), data={"articles": articles})
