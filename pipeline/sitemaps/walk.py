"""Follow sitemaps from where a reader starts: every ``<url>`` reached, indexes' children
read one at a time, local or fetched, and every problem a located finding.

The one mechanism behind ``hreflang --sitemap``, the site's own sitemaps, ``hreflang
--url`` and ``links --sitemap``. A ``Places`` says where sitemaps are: local files
(regular files only, shown relative to the project) and, when it can download, URLs
(each written to an unnamed temporary file through a byte ceiling, then parsed as a
stream). An index's children are the files of that name beside a local index, else
fetched URLs (or, when nothing is fetched, a ``missing`` finding).

Limits (``reader.Limits``; sitemaps.org where the protocol has one): 50,000 URLs and
50 MiB uncompressed per file, 50,000 children per index, an index inside an index is
not followed; one run reads at most ``files`` files and keeps at most ``urls`` URLs.
Each limit crossed is a finding with the tool's ``limit`` code, at the line where
reading stopped, saying what was not read: nothing is cut silently.
"""

from __future__ import annotations

import tempfile
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO
from urllib.parse import urljoin, urlsplit

from pipeline.content.tree import shown as shown_path
from pipeline.core import urls
from pipeline.core.model import Finding, Severity
from pipeline.core.safe_read import open_regular
from pipeline.core.streams import ByteSink
from pipeline.sitemaps.reader import (
    PROTOCOL,
    Child,
    Crossed,
    Limits,
    Listed,
    SitemapReadError,
    TooLarge,
    read_items,
)

# Writes the body of a URL into the sink, at most ``max_bytes``; raises ``OSError`` (or
# ``SitemapReadError``) with a readable reason otherwise.
Download = Callable[[str, ByteSink, int], None]


@dataclass(frozen=True)
class Codes:
    """The calling tool's finding codes."""

    unreadable: str  # a file that cannot be read or is no sitemap (error)
    limit: str  # a limit crossed: what is not read (error)
    missing: str = ""  # a child not beside its local index, when nothing is fetched (warning)


def is_url(place: str) -> bool:
    return urlsplit(place).scheme in ("http", "https")


def _uri(url: str) -> str:
    try:
        return urls.iri_to_uri(url.strip())
    except ValueError:
        return url.strip()


class Places:
    """Local sitemap files (shown relative to ``root``; none when not ``local``) and,
    with ``download``, sitemap URLs."""

    def __init__(self, root: Path, download: Download | None = None, local: bool = True):
        self.root, self.download, self.local = root.resolve(), download, local

    def key(self, place: str) -> str:
        if is_url(place):
            try:
                return urls.normalise(place)
            except ValueError:
                return place
        return str(Path(place).resolve())

    def shown(self, place: str) -> str:
        if is_url(place):
            try:
                return urls.display(place)
            except ValueError:
                return place
        return shown_path(Path(place).resolve(), self.root)

    @contextmanager
    def open(self, place: str, limit: int) -> Iterator[IO[bytes]]:
        """The bytes of ``place``; ``SitemapReadError`` when they cannot be had."""
        if not is_url(place):
            if not self.local:
                raise SitemapReadError("is not an http(s) URL; not read")
            try:
                handle = open_regular(place)
            except OSError as exc:
                raise SitemapReadError(f"cannot open: {exc.strerror or exc}") from None
            with handle:
                yield handle
            return
        if self.download is None:
            raise SitemapReadError("is a URL; only local files are read here")
        with tempfile.TemporaryFile(prefix="sitemap-") as sink:
            try:
                self.download(place, _Ceiling(sink, limit), limit + 1)
            except OSError as exc:
                raise SitemapReadError(str(exc)) from None
            sink.seek(0)
            yield sink

    def child(self, index: str, loc: str) -> str:
        """Where the child ``loc`` of ``index`` is read from; ``ValueError`` saying why
        it is not read. A remote index's children are http(s) URLs only."""
        if is_url(index):
            child = _uri(urljoin(index, loc))
            if not is_url(child):
                raise ValueError("is not an http(s) URL")
            return child
        try:
            name = PurePosixPath(urlsplit(urls.display(loc)).path).name
        except ValueError:
            name = PurePosixPath(urlsplit(loc).path).name
        beside = Path(index).parent / name
        if name and beside.is_file():
            return str(beside)
        if self.download is not None and is_url(loc):
            return _uri(loc)
        raise ValueError("is not beside it")


class _Ceiling:
    """A sink that refuses bytes past ``limit`` (a download larger than a sitemap may be)."""

    def __init__(self, sink: ByteSink, limit: int):
        self.sink, self.left, self.limit = sink, limit, limit

    def write(self, data: bytes) -> int:
        self.left -= len(data)
        if self.left < 0:
            raise TooLarge(f"more than {self.limit:,} bytes (sitemaps.org allows 50 MiB "
                           "per file); not read")
        return self.sink.write(data)


class SitemapWalk:
    """Iterate for every ``<url>`` reached from ``starts`` as ``Listed``; afterwards
    ``findings`` holds the problems and ``read`` the files read."""

    def __init__(self, places: Places, starts: list[str], codes: Codes,
                 limits: Limits = PROTOCOL):
        self.places, self.starts, self.codes, self.limits = places, starts, codes, limits
        self.findings: list[Finding] = []
        self.read: list[str] = []
        self.urls = 0
        self._opened = 0
        self._stopped = False

    def __iter__(self) -> Iterator[Listed]:
        queue: deque[tuple[str, bool]] = deque()
        seen: set[str] = set()
        for place in self.starts:
            if self.places.key(place) not in seen:
                seen.add(self.places.key(place))
                queue.append((place, False))
        while queue and not self._stopped:
            place, is_child = queue.popleft()
            if self._opened >= self.limits.files:
                self._add(self.codes.limit, self.places.shown(place), 1,
                          f"more than {self.limits.files:,} sitemap files; this one and "
                          f"{len(queue):,} more are not read")
                return
            self._opened += 1
            yield from self._file(place, is_child, queue, seen)

    def _file(self, place: str, is_child: bool, queue: deque[tuple[str, bool]],
              seen: set[str]) -> Iterator[Listed]:
        shown = self.places.shown(place)
        line = 1
        try:
            with self.places.open(place, self.limits.bytes_per_file) as raw:
                items = read_items(raw, shown, self.limits)
                kind = next(items, "")
                self.read.append(place)
                if kind == "siteindex" and is_child:
                    self._add(self.codes.limit, shown, 1,
                              "a sitemap index listed by another index is not read "
                              "(sitemaps.org: an index lists sitemaps only)",
                              "list its sitemaps in the top index")
                    return
                for item in items:
                    if isinstance(item, Listed):
                        line = item.page.line
                        if self.urls >= self.limits.urls:
                            self._too_many_urls(shown, item.loc_line, len(queue))
                            return
                        self.urls += 1
                        yield item
                    elif isinstance(item, Child):
                        line = item.line
                        self._child(place, shown, item, queue, seen)
                    elif isinstance(item, Crossed):
                        self._add(self.codes.limit, shown, item.line, item.message)
        except TooLarge as exc:
            self._add(self.codes.limit, shown, max(line, exc.line), str(exc),
                      "split the sitemap: at most 50,000 URLs and 50 MiB per file")
        except SitemapReadError as exc:
            self._add(self.codes.unreadable, shown, exc.line, f"sitemap {exc}",
                      "check the path or URL and that it is a sitemap or sitemap index")

    def _child(self, index: str, shown: str, child: Child, queue: deque[tuple[str, bool]],
               seen: set[str]) -> None:
        try:
            if not child.loc:
                raise ValueError("is empty")
            place = self.places.child(index, child.loc)
        except ValueError as exc:
            missing = bool(self.codes.missing) and not is_url(index)
            self._add(self.codes.missing if missing else self.codes.unreadable, shown,
                      child.line, f"index lists {child.loc or '<loc>'}, which {exc}; not read",
                      "put the child sitemaps in the same folder" if missing else
                      "list the http(s) URLs of the sitemaps",
                      Severity.WARNING if missing else Severity.ERROR, child.col)
            return
        key = self.places.key(place)
        if key not in seen:
            seen.add(key)
            queue.append((place, True))

    def _too_many_urls(self, shown: str, line: int, queued: int) -> None:
        self._stopped = True
        self._add(self.codes.limit, shown, line,
                  f"more than {self.limits.urls:,} URLs in the sitemaps read; this one, "
                  f"the rest of this file and {queued:,} more sitemaps are not read",
                  "audit the sitemaps one by one")

    def _add(self, code: str, shown: str, line: int, message: str, hint: str = "",
             severity: Severity = Severity.ERROR, col: int = 1) -> None:
        self.findings.append(Finding(shown, line or 1, col, code, severity, message, hint))
