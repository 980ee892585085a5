"""Read one sitemap or sitemap index file as a stream: each ``<url>`` (or each child
``<sitemap>``) is handed on and freed before the next is read.

Parsing is lxml ``iterparse`` without entities, DTDs, network or ``huge_tree``; gzip
(recognised by its magic bytes) is decompressed through a counter, so neither a
compression bomb nor a huge file is read past ``max_bytes`` uncompressed. Memory does
not grow with the file: every element is cleared once read (inside a ``<url>`` too),
and at most ``max_alternates`` links of one ``<url>`` are kept. Each limit crossed is a
``Crossed`` item in the stream, with its line, and reading stops there. Tags are matched
by local name in the sitemaps.org namespace or none; alternates are ``xhtml:link``.
``walk`` follows indexes and turns items into findings.
"""

from __future__ import annotations

import gzip
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from lxml import etree

from pipeline.core.streams import ByteSource
from pipeline.hreflang.model import AnnotatedPage, Annotation
from pipeline.sitemaps.model import MAX_BYTES_PER_FILE, MAX_PER_FILE, SITEMAP_NS, XHTML_NS

SAFE_PARSER = {"resolve_entities": False, "no_network": True, "load_dtd": False,
               "huge_tree": False}
MAX_ALTERNATES = 1000  # xhtml:link per <url> kept (a cluster of every language and region)
GZIP_MAGIC = b"\x1f\x8b"
_KINDS = {"urlset": "sitemap", "sitemapindex": "siteindex"}
_LINK = f"{{{XHTML_NS}}}link"
_LOC_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,30}:)?loc[\s>/]")
_TAIL = 40  # bytes kept from one chunk to the next, so a cut ``<loc`` is still found


class SitemapReadError(Exception):
    """A sitemap file that cannot be read: message and line."""

    def __init__(self, message: str, line: int = 1):
        self.line = line
        super().__init__(message)


class TooLarge(SitemapReadError):
    """More than the byte limit (uncompressed)."""


@dataclass(frozen=True, slots=True)
class Limits:
    """What one file may hold (sitemaps.org) and what one reading run keeps."""

    urls_per_file: int = MAX_PER_FILE
    children_per_index: int = MAX_PER_FILE
    bytes_per_file: int = MAX_BYTES_PER_FILE
    alternates_per_url: int = MAX_ALTERNATES
    files: int = MAX_PER_FILE + 1  # one full index and its children
    urls: int = 5 * MAX_PER_FILE  # URLs kept by one run, over every file


PROTOCOL = Limits()


@dataclass(frozen=True, slots=True)
class Listed:
    """One ``<url>``: the page as the sitemap annotates it, and where its ``<loc>`` is."""

    page: AnnotatedPage
    loc_line: int
    loc_col: int


@dataclass(frozen=True, slots=True)
class Child:
    """One ``<sitemap>`` of an index: the child's location as written, and where."""

    loc: str
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class Crossed:
    """A limit crossed at ``line``; ``stops``: the rest of the file is not read."""

    message: str
    line: int
    stops: bool = True


class _Counted:
    """The XML bytes for the parser: fails past ``limit`` and notes where each ``<loc``
    tag starts (line, column), since lxml gives lines only."""

    def __init__(self, raw: ByteSource, limit: int, locate: bool = True):
        self.raw, self.limit, self.total, self.locate = raw, limit, 0, locate
        self.tail, self.tail_line, self.tail_col = b"", 1, 1
        self.locs: deque[tuple[int, int]] = deque()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size if 0 < size <= 1 << 20 else 1 << 16)
        self.total += len(data)
        if self.total > self.limit:
            raise TooLarge(f"more than {self.limit:,} bytes uncompressed (sitemaps.org "
                           "allows 50 MiB per file); the rest is not read")
        if self.locate:
            self._note_locs(data)
        return data

    def _note_locs(self, data: bytes) -> None:
        text, kept = self.tail + data, len(self.tail)
        line, col, start = self.tail_line, self.tail_col, 0
        for match in _LOC_TAG.finditer(text):
            at = match.start()
            line += text.count(b"\n", start, at)
            newline = text.rfind(b"\n", start, at)
            col = at - newline if newline >= 0 else col + at - start
            start = at
            if match.end() > kept:  # not found in the previous chunk already
                self.locs.append((line, col))
        cut = max(len(text) - _TAIL, start)
        line += text.count(b"\n", start, cut)
        newline = text.rfind(b"\n", start, cut)
        self.tail_col = cut - newline if newline >= 0 else col + cut - start
        self.tail_line, self.tail = line, text[cut:]

    def column(self, line: int) -> int:
        """The column of the next ``<loc`` tag on ``line`` (1 when none was noted)."""
        while self.locs and self.locs[0][0] < line:
            self.locs.popleft()
        if self.locs and self.locs[0][0] == line:
            return self.locs.popleft()[1]
        return 1


def xml_stream(raw: IO[bytes], limit: int) -> ByteSource:
    """``raw`` (seekable), gunzipped when it starts with the gzip magic bytes."""
    magic = b""
    while len(magic) < 2 and (more := raw.read(2 - len(magic))):
        magic += more
    raw.seek(0)
    return gzip.GzipFile(fileobj=raw, mode="rb") if magic == GZIP_MAGIC else raw


def _local(tag: object) -> str | None:
    """The local name of a sitemaps.org (or namespace-less) tag, else ``None``."""
    if not isinstance(tag, str):
        return None  # comments, processing instructions
    if tag.startswith("{"):
        space, _, name = tag[1:].partition("}")
        return name if space == SITEMAP_NS else None
    return tag


def read_items(raw: IO[bytes], shown: str,
               limits: Limits = PROTOCOL) -> Iterator[str | Listed | Child | Crossed]:
    """The kind (``sitemap`` or ``siteindex``), then each entry of one file.

    ``raw``: the file's bytes (seekable; gzip or not). Raises ``SitemapReadError`` for a
    file that is not a sitemap or not well-formed, ``TooLarge`` past the byte limit.
    """
    counted = _Counted(xml_stream(raw, limits.bytes_per_file), limits.bytes_per_file)
    try:
        yield from _items(counted, shown, limits)
    except etree.XMLSyntaxError as exc:
        raise SitemapReadError(f"not well-formed XML: {exc.msg}", exc.lineno or 1) from None
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise SitemapReadError(f"cannot read: {exc}") from None


def _items(counted: _Counted, shown: str,
           limits: Limits) -> Iterator[str | Listed | Child | Crossed]:
    root: etree._Element | None = None
    kind, entries, depth = "", 0, 0
    links: list[Annotation] = []
    loc, loc_line, loc_col, cut = "", 0, 1, False
    for event, element in etree.iterparse(counted, events=("start", "end"), **SAFE_PARSER):
        if event == "start":
            depth += 1
            if root is None:
                root, kind = element, _KINDS.get(_local(element.tag) or "", "")
                if not kind:
                    raise SitemapReadError(f"root element <{element.tag}> is neither "
                                           f"<urlset> nor <sitemapindex> of {SITEMAP_NS}",
                                           element.sourceline or 1)
                yield kind
            elif depth == 2:
                loc, loc_line, loc_col, links, cut = "", 0, 1, [], False
            continue
        depth -= 1
        name = _local(element.tag)
        if depth == 2 and name == "loc":
            loc = (element.text or "").strip()
            loc_line = element.sourceline or 1
            loc_col = counted.column(loc_line)
        elif depth == 2 and element.tag == _LINK and kind == "sitemap" \
                and element.get("rel", "alternate") == "alternate":
            if len(links) < limits.alternates_per_url:
                links.append(Annotation(element.get("hreflang", ""),
                                        element.get("href", "").strip(),
                                        element.sourceline or 1))
            elif not cut:
                cut = True
                yield Crossed(f"more than {limits.alternates_per_url:,} alternates in one "
                              "<url>; the rest are not read", element.sourceline or 1, False)
        elif depth == 1 and name in ("url", "sitemap"):
            entries += 1
            line = element.sourceline or 1
            if kind == "sitemap" and name == "url":
                if entries > limits.urls_per_file:
                    yield Crossed(f"more than {limits.urls_per_file:,} <url> entries "
                                  "(sitemaps.org limit); this one and the rest are not read",
                                  line)
                    return
                yield Listed(AnnotatedPage(loc, shown, line, tuple(links)), loc_line or line,
                             loc_col)
            elif kind == "siteindex" and name == "sitemap":
                if entries > limits.children_per_index:
                    yield Crossed(f"more than {limits.children_per_index:,} <sitemap> "
                                  "entries (sitemaps.org limit); this one and the rest are "
                                  "not read", line)
                    return
                yield Child(loc, loc_line or line, loc_col)
        if depth >= 1:  # free what has been read: this element's content, earlier siblings
            element.clear(keep_tail=False)
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]


def open_sitemap(path: Path, limit: int = MAX_BYTES_PER_FILE) -> _Closing:
    """A binary reader of the XML of a local file, gunzipped for gzip, failing past
    ``limit`` bytes uncompressed (for the schema check)."""
    raw = open(path, "rb")  # noqa: SIM115 - closed by _Closing
    return _Closing(raw, _Counted(xml_stream(raw, limit), limit, locate=False))


class _Closing:
    """A ``_Counted`` reader that closes its file."""

    def __init__(self, raw: IO[bytes], counted: _Counted):
        self.raw, self.counted = raw, counted

    def __enter__(self) -> _Counted:
        return self.counted

    def __exit__(self, *exc: object) -> None:
        self.raw.close()


def root_kind(path: Path) -> str | None:
    """``sitemap``, ``siteindex`` or ``None``, from the root element alone."""
    with open_sitemap(path) as fh:
        for _, element in etree.iterparse(fh, events=("start",), **SAFE_PARSER):
            return _KINDS.get(_local(element.tag) or "")
    return None


def sitemap_files(path: Path) -> list[Path]:
    """``path`` itself, or every ``*.xml`` / ``*.xml.gz`` below a folder, sorted."""
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file()
                  and p.name.endswith((".xml", ".xml.gz")) and not p.name.startswith("."))
