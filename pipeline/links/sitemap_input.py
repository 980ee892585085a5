"""A sitemap as input: every ``<loc>`` of a sitemap or sitemap index, gzip included.

``--sitemap`` takes a URL or a path. An index's children are read from beside a local
index when a file of that name is there, else fetched; fetches use the same address
policy, deadline and byte cap as link checks (``HttpChecker.fetch``). Each URL becomes
an occurrence at the ``<loc>``'s line and column in its sitemap. XML is parsed without
entities, DTDs or network access; a sitemap that cannot be read is a located error.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.content.tree import shown
from pipeline.core.model import Finding, Severity
from pipeline.links.types import Occurrence, Source

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
MAX_BYTES = 50 * 1024 * 1024  # the protocol's limit for one uncompressed sitemap
MAX_FILES = 1000  # sitemaps read for one run (an index lists at most 50,000)

Fetch = Callable[[str], bytes]  # raises OSError (or ValueError) with a readable message


def read(source: str, fetch: Fetch, root: Path) -> tuple[list[Occurrence], list[Finding]]:
    """Every URL the sitemap (or index) at ``source`` lists, and problems reading it."""
    found: list[Occurrence] = []
    problems: list[Finding] = []
    seen: set[str]
    queue, seen = [source], set()
    while queue and len(seen) < MAX_FILES:
        current = queue.pop(0)
        if current in seen:
            continue
        seen.add(current)
        shown = _shown(current, root)
        try:
            data = _unzip(_load(current, fetch, root))
            locs, is_index = _locs(data)
        except (OSError, ValueError, EOFError) as exc:
            problems.append(Finding(shown, getattr(exc, "lineno", 1) or 1, 1, "LNK030",
                                    Severity.ERROR, f"cannot read sitemap {current}: {exc}",
                                    "check the path or URL and that it is a sitemap"))
            continue
        for url, line, col in locs:
            if is_index:
                queue.append(_child(current, url, root))
            else:
                found.append(Occurrence(url, Source(shown, line, col, "sitemap")))
    return found, problems


def _shown(source: str, root: Path) -> str:
    """A URL as it is; a file as findings show it (``content.tree.shown``)."""
    return source if "://" in source else shown(Path(source).resolve(), root.resolve())


def _load(source: str, fetch: Fetch, root: Path) -> bytes:
    if urlsplit(source).scheme in ("http", "https"):
        return fetch(source)
    path = Path(source)
    if not path.is_file():
        raise OSError("no such file")
    if path.stat().st_size > MAX_BYTES:
        raise ValueError(f"larger than {MAX_BYTES} bytes")
    return path.read_bytes()


def _unzip(data: bytes) -> bytes:
    if not data.startswith(b"\x1f\x8b"):
        return data
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
        out = stream.read(MAX_BYTES + 1)
    if len(out) > MAX_BYTES:
        raise ValueError(f"uncompressed larger than {MAX_BYTES} bytes")
    return out


def _locs(data: bytes) -> tuple[list[tuple[str, int, int]], bool]:
    import lxml.etree

    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                                  huge_tree=False)
    try:
        root = lxml.etree.fromstring(data, parser=parser)
    except lxml.etree.XMLSyntaxError as exc:
        error = ValueError(f"invalid XML: {exc}")
        error.lineno = exc.lineno  # type: ignore[attr-defined]  # read with getattr in read()
        raise error from None
    tag = lxml.etree.QName(root).localname
    if tag not in ("urlset", "sitemapindex"):
        raise ValueError(f"root element <{tag}> is neither <urlset> nor <sitemapindex>")
    lines = data.split(b"\n")
    locs = []
    for loc in root.iter(f"{NS}loc", "loc"):
        text = (loc.text or "").strip()
        if text:
            line = loc.sourceline or 1
            raw = lines[line - 1] if line <= len(lines) else b""
            col = raw.find(b"<loc") + 1 or 1
            locs.append((text, line, col))
    return locs, tag == "sitemapindex"


def _child(index: str, url: str, root: Path) -> str:
    """A local index's child is the file of that name beside it, when there is one."""
    if urlsplit(index).scheme in ("http", "https"):
        return url
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    beside = Path(index).parent / name
    return str(beside) if name and beside.is_file() else url
