"""Streaming sitemap writer: lxml's incremental ``xmlfile``, split by URL count and size.

Memory stays bounded however many entries come in: one ``<url>`` is serialised at a
time, flushed, and counted. When it would push a file past ``max_bytes`` (closing tag
included) the file is truncated back to the previous ``<url>``, closed, and the entry
starts the next file. Files are ``<stem>-1.xml``, ``<stem>-2.xml``, ... and with gzip
``.xml.gz`` compressed with a zero mtime and no file name, so bytes are reproducible.
"""

from __future__ import annotations

import gzip
import os
import shutil
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import IO

from lxml import etree

from pipeline.core.datefmt import w3c_datetime
from pipeline.sitemaps.model import (
    IMAGE_NS,
    NSMAP,
    SITEMAP_NS,
    XHTML_NS,
    EntryTooLarge,
    Limits,
    UrlEntry,
    WrittenFile,
)

_URLSET, _URL = f"{{{SITEMAP_NS}}}urlset", f"{{{SITEMAP_NS}}}url"
_LOC, _LASTMOD = f"{{{SITEMAP_NS}}}loc", f"{{{SITEMAP_NS}}}lastmod"
_LINK = f"{{{XHTML_NS}}}link"
_IMAGE, _IMAGE_LOC = f"{{{IMAGE_NS}}}image", f"{{{IMAGE_NS}}}loc"
_FOOTER = len(b"\n</urlset>\n")


class _Counter:
    """A file wrapper that counts bytes and can roll back to an earlier size."""

    def __init__(self, raw: IO[bytes]):
        self.raw = raw
        self.size = 0

    def write(self, data: bytes) -> None:
        self.size += len(data)
        self.raw.write(data)

    def truncate(self, size: int) -> None:
        self.raw.seek(size)
        self.raw.truncate()
        self.size = size


def write_url(xf: etree.xmlfile, entry: UrlEntry) -> None:
    """Serialise one ``<url>`` element into an open ``xmlfile``."""
    with xf.element(_URL):
        with xf.element(_LOC):
            xf.write(entry.loc)
        if entry.lastmod is not None:
            with xf.element(_LASTMOD):
                xf.write(w3c_datetime(entry.lastmod))
        for alt in entry.alternates:
            with xf.element(_LINK, {"rel": "alternate", "hreflang": alt.hreflang,
                                    "href": alt.href}):
                pass
        for image in entry.images:
            with xf.element(_IMAGE), xf.element(_IMAGE_LOC):
                xf.write(image)


class _Part:
    """One sitemap file being written."""

    def __init__(self, final: Path, limits: Limits):
        self.final = final
        self.limits = limits
        self.tmp = final.with_name(f".{final.name}.part")
        self.urls = 0
        self.lastmod: datetime | None = None
        self._raw = open(self.tmp, "wb")  # noqa: SIM115 (closed by close/abort)
        self._out = _Counter(self._raw)
        self._file = etree.xmlfile(self._out, encoding="utf-8")
        self._xf = self._file.__enter__()
        self._xf.write_declaration()
        self._root = self._xf.element(_URLSET, nsmap=NSMAP)
        self._root.__enter__()

    def add(self, entry: UrlEntry) -> bool:
        """Write ``entry``; roll it back and return False when it does not fit."""
        before = self._out.size
        self._xf.write("\n")
        write_url(self._xf, entry)
        self._xf.flush()
        if self._out.size + _FOOTER > self.limits.max_bytes:
            self._out.truncate(before)
            return False
        self.urls += 1
        if entry.lastmod is not None and (self.lastmod is None or entry.lastmod > self.lastmod):
            self.lastmod = entry.lastmod
        return True

    def close(self) -> WrittenFile:
        self._xf.write("\n")
        self._root.__exit__(None, None, None)
        self._file.__exit__(None, None, None)
        self._raw.write(b"\n")
        size = self._raw.tell()
        self._raw.close()
        return WrittenFile(_finish(self.tmp, self.final, self.limits.gzip), self.urls, size,
                           self.lastmod)

    def abort(self) -> None:
        self._raw.close()
        self.tmp.unlink(missing_ok=True)


def _finish(tmp: Path, final: Path, compress: bool) -> Path:
    """Rename the finished XML into place, or gzip it reproducibly."""
    if not compress:
        os.replace(tmp, final)
        return final
    target = final.with_name(final.name + ".gz")
    with open(tmp, "rb") as src, open(target, "wb") as raw, gzip.GzipFile(
        filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9
    ) as out:
        shutil.copyfileobj(src, out, 1 << 20)
    tmp.unlink()
    return target


def write_sitemaps(entries: Iterable[UrlEntry], directory: Path, stem: str,
                   limits: Limits) -> list[WrittenFile]:
    """Write ``entries`` in order to ``directory/<stem>-N.xml[.gz]``; return the files.

    Raises ``EntryTooLarge`` when one entry cannot fit in a file of ``max_bytes``.
    """
    directory.mkdir(parents=True, exist_ok=True)
    files: list[WrittenFile] = []
    part: _Part | None = None
    try:
        for entry in entries:
            if part is None:
                part = _Part(directory / f"{stem}-{len(files) + 1}.xml", limits)
            if not part.add(entry):
                if part.urls == 0:
                    raise EntryTooLarge(entry.loc, limits.max_bytes)
                files.append(part.close())
                part = _Part(directory / f"{stem}-{len(files) + 1}.xml", limits)
                if not part.add(entry):
                    raise EntryTooLarge(entry.loc, limits.max_bytes)
            if part.urls >= limits.max_urls:
                files.append(part.close())
                part = None
        if part is not None:
            files.append(part.close())
            part = None
    finally:
        if part is not None:
            part.abort()
    return files
