"""The sitemap index: one ``<sitemap>`` per sitemap file, with its newest ``lastmod``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from lxml import etree

from pipeline.core.datefmt import w3c_datetime
from pipeline.core.fsutil import atomic_open
from pipeline.sitemaps.model import SITEMAP_NS

_INDEX, _SITEMAP = f"{{{SITEMAP_NS}}}sitemapindex", f"{{{SITEMAP_NS}}}sitemap"
_LOC, _LASTMOD = f"{{{SITEMAP_NS}}}loc", f"{{{SITEMAP_NS}}}lastmod"


def write_index(path: Path, sitemaps: Sequence[tuple[str, datetime | None]]) -> Path:
    """Write an index of ``(absolute URL, lastmod)`` pairs atomically to ``path``."""
    with atomic_open(path, "wb") as raw:
        with etree.xmlfile(raw, encoding="utf-8") as xf:
            xf.write_declaration()
            with xf.element(_INDEX, nsmap={None: SITEMAP_NS}):
                for loc, lastmod in sitemaps:
                    xf.write("\n")
                    with xf.element(_SITEMAP):
                        with xf.element(_LOC):
                            xf.write(loc)
                        if lastmod is not None:
                            with xf.element(_LASTMOD):
                                xf.write(w3c_datetime(lastmod))
                xf.write("\n")
        raw.write(b"\n")
    return path
