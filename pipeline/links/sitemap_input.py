"""A sitemap as input: every ``<loc>`` of a sitemap or sitemap index, gzip included.

``--sitemap`` takes a URL or a path. Reading is ``pipeline.sitemaps.walk``, the one
mechanism every sitemap reader uses: streamed, an index's children read from beside a
local index when a file of that name is there, else fetched with the same address
policy, deadline and byte cap as link checks (``HttpChecker.fetch_into``); the
sitemaps.org limits (50,000 URLs and 50 MiB per file, 50,000 children per index, no
index inside an index) and the run's own (``Limits.files``, ``Limits.urls``) are
findings (LNK031) that say what was not read. Each URL becomes an occurrence at the
``<loc>``'s line and column in its sitemap. A sitemap that cannot be read is LNK030;
no URL read at all is LNK032.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.core.model import Finding, Severity
from pipeline.links.types import Occurrence, Source
from pipeline.sitemaps.walk import Codes, Download, Places, SitemapWalk

CODES = Codes(unreadable="LNK030", limit="LNK031")


def read(source: str, download: Download, root: Path) -> tuple[list[Occurrence], list[Finding]]:
    """Every URL the sitemap (or index) at ``source`` lists, and problems reading it."""
    places = Places(root, download)
    walk = SitemapWalk(places, [source], CODES)
    found = [Occurrence(listed.page.url, Source(listed.page.path, listed.loc_line,
                                                listed.loc_col, "sitemap"))
             for listed in walk if listed.page.url]
    problems = walk.findings
    if not found:
        problems.append(Finding(places.shown(source), 1, 1, "LNK032", Severity.ERROR,
                                "no URL was read from the sitemap: nothing was checked",
                                "check that the sitemap (or its index's children) lists pages"))
    return found, problems
