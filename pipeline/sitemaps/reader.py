"""Read sitemap files (ours or another site's) back: each ``<url>`` with its alternates.

Parsing is streaming (``iterparse``), entity-free and network-free; gzip files are
decompressed with a ceiling so a compression bomb cannot exhaust memory or disk.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from io import BufferedIOBase
from pathlib import Path

from lxml import etree

from pipeline.hreflang.model import AnnotatedPage, Annotation
from pipeline.sitemaps.model import SITEMAP_NS, XHTML_NS

MAX_UNCOMPRESSED = 50 * 1024 * 1024 + 1024 * 1024  # protocol limit plus some slack
SAFE_PARSER = {"resolve_entities": False, "no_network": True, "load_dtd": False,
               "huge_tree": False}
_URL, _LOC = f"{{{SITEMAP_NS}}}url", f"{{{SITEMAP_NS}}}loc"
_SITEMAP = f"{{{SITEMAP_NS}}}sitemap"
_KINDS = {f"{{{SITEMAP_NS}}}urlset": "sitemap", f"{{{SITEMAP_NS}}}sitemapindex": "siteindex"}
_LINK = f"{{{XHTML_NS}}}link"


class SitemapReadError(ValueError):
    """A sitemap file that cannot be read: message and line."""

    def __init__(self, message: str, line: int = 1):
        self.line = line
        super().__init__(message)


class _Capped:
    """A binary reader that fails after ``limit`` bytes."""

    def __init__(self, raw: BufferedIOBase, limit: int):  # a GzipFile or a BufferedReader
        self.raw, self.left = raw, limit

    def __enter__(self) -> _Capped:
        return self

    def __exit__(self, *exc: object) -> None:
        self.raw.close()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size if size >= 0 else self.left + 1)
        self.left -= len(data)
        if self.left < 0:
            raise SitemapReadError(f"more than {MAX_UNCOMPRESSED:,} bytes uncompressed")
        return data


def open_sitemap(path: Path) -> _Capped:
    """A binary reader of the XML, gunzipped for ``.gz``, failing past the size ceiling."""
    raw = gzip.open(path, "rb") if path.name.endswith(".gz") else open(path, "rb")  # noqa: SIM115
    return _Capped(raw, MAX_UNCOMPRESSED)


def root_kind(path: Path) -> str | None:
    """``sitemap``, ``siteindex`` or ``None``, from the root element alone."""
    with open_sitemap(path) as fh:
        for _, element in etree.iterparse(fh, events=("start",), **SAFE_PARSER):
            return _KINDS.get(element.tag)
    return None


def index_children(path: Path) -> list[str]:
    """The ``<loc>`` of every ``<sitemap>`` of an index file."""
    with open_sitemap(path) as fh:
        return [(element.findtext(_LOC) or "").strip()
                for _, element in etree.iterparse(fh, events=("end",), tag=_SITEMAP,
                                                  **SAFE_PARSER)]


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
    try:
        with open_sitemap(path) as fh:
            for _, url in etree.iterparse(fh, events=("end",), tag=_URL, **SAFE_PARSER):
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
