"""Read sitemap files (ours or another site's) back: each ``<url>`` with its alternates.

Parsing is streaming (``iterparse``), entity-free and network-free; gzip files are
decompressed with a ceiling so a compression bomb cannot exhaust memory or disk.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from lxml import etree

from pipeline.hreflang.model import AnnotatedPage, Annotation
from pipeline.sitemaps.model import SITEMAP_NS, XHTML_NS

MAX_UNCOMPRESSED = 50 * 1024 * 1024 + 1024 * 1024  # protocol limit plus some slack
_URL, _LOC = f"{{{SITEMAP_NS}}}url", f"{{{SITEMAP_NS}}}loc"
_LINK = f"{{{XHTML_NS}}}link"


class SitemapReadError(ValueError):
    """A sitemap file that cannot be read: message and line."""

    def __init__(self, message: str, line: int = 1):
        self.line = line
        super().__init__(message)


class _Capped:
    """A binary reader that fails after ``limit`` bytes."""

    def __init__(self, raw: IO[bytes], limit: int):
        self.raw, self.left = raw, limit

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size if size >= 0 else self.left + 1)
        self.left -= len(data)
        if self.left < 0:
            raise SitemapReadError(f"more than {MAX_UNCOMPRESSED:,} bytes uncompressed")
        return data


def sitemap_files(path: Path) -> list[Path]:
    """``path`` itself, or every ``*.xml`` / ``*.xml.gz`` below a folder, sorted."""
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file()
                  and p.name.endswith((".xml", ".xml.gz")) and not p.name.startswith("."))


def read_pages(path: Path, shown: str) -> Iterator[AnnotatedPage]:
    """Every ``<url>`` of one sitemap file; an index file yields nothing.

    Raises ``SitemapReadError`` for a file that is not well-formed or too large.
    """
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rb") as raw:
            events = etree.iterparse(_Capped(raw, MAX_UNCOMPRESSED), events=("end",),
                                     tag=_URL, resolve_entities=False, no_network=True,
                                     load_dtd=False, huge_tree=False)
            for _, url in events:
                yield _page(url, shown)
                url.clear(keep_tail=True)
                while url.getprevious() is not None:
                    del url.getparent()[0]
    except etree.XMLSyntaxError as exc:
        raise SitemapReadError(f"not well-formed XML: {exc.msg}", exc.lineno or 1) from None
    except (OSError, EOFError) as exc:
        raise SitemapReadError(f"cannot read: {exc}") from None


def _page(url: etree._Element, shown: str) -> AnnotatedPage:
    loc = url.findtext(_LOC, default="").strip()
    links = tuple(Annotation(link.get("hreflang", ""), link.get("href", "").strip(),
                             link.sourceline or url.sourceline or 1)
                  for link in url.iter(_LINK) if link.get("rel", "alternate") == "alternate")
    return AnnotatedPage(loc, shown, url.sourceline or 1, links)
