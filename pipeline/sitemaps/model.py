"""Values the sitemap writer takes and returns; the XML namespaces it uses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipeline.seo.alternates import Alternate

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
IMAGE_NS = "http://www.google.com/schemas/sitemap-image/1.1"
NSMAP = {None: SITEMAP_NS, "xhtml": XHTML_NS, "image": IMAGE_NS}
INDEX_NAME = "sitemap_index.xml"
ALIAS_NAME = "sitemap.xml"  # the same index under the name crawlers and tools probe first
MAX_LOC = 2048  # protocol limit on a URL's length
MAX_PER_FILE = 50_000  # protocol limit on URLs per sitemap and sitemaps per index
MAX_BYTES_PER_FILE = 50 * 1024 * 1024  # protocol limit on a sitemap's uncompressed size


@dataclass(frozen=True, slots=True)
class UrlEntry:
    """One ``<url>``: encoded location, last change, hreflang alternates, image URLs."""

    loc: str
    lastmod: datetime | None = None
    alternates: tuple[Alternate, ...] = ()
    images: tuple[str, ...] = ()


@dataclass(frozen=True)
class Limits:
    """Split a sitemap before ``max_urls`` URLs or ``max_bytes`` uncompressed bytes."""

    max_urls: int = MAX_PER_FILE
    max_bytes: int = 50 * 1024 * 1024
    gzip: bool = False


@dataclass(frozen=True)
class WrittenFile:
    """A finished sitemap file: where it is, what it holds, its newest ``lastmod``."""

    path: Path
    urls: int
    size: int  # uncompressed bytes
    lastmod: datetime | None


class EntryTooLarge(ValueError):
    """A single ``<url>`` does not fit in a file of ``max_bytes``."""

    def __init__(self, loc: str, max_bytes: int):
        self.loc = loc
        super().__init__(f"the <url> of {loc} alone exceeds {max_bytes} bytes")
