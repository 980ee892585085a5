"""Audit a live site: ``seo-pipeline hreflang --url URL``.

``URL`` is a sitemap, a sitemap index or a ``robots.txt`` (its ``Sitemap:`` lines). The
sitemaps (gzip too) and every page they list are fetched, and so is every alternate a
sitemap or a page head names, with the links stage's policy (``hreflang.fetch``). Then
the same checks as the offline audit run on the sitemap entries and on the page heads
(self-reference, return links, x-default, canonicals, codes) and the two are compared.
Live-only codes: HL014 a listed or alternate URL redirects (hreflang and sitemaps must
name the final URL), HL015 it does not answer 200 (404, 5xx, network, refused).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urljoin

from lxml import etree

from pipeline.core import urls
from pipeline.core.model import Finding, Severity, StageResult
from pipeline.hreflang.cluster import check_pages, compare_sources, index_pages, norm
from pipeline.hreflang.fetch import Fetched, Fetcher
from pipeline.hreflang.model import AnnotatedPage
from pipeline.hreflang.sources import parse_head
from pipeline.sitemaps.reader import (
    MAX_UNCOMPRESSED,
    SitemapReadError,
    index_children,
    read_pages,
    root_kind,
)

MAX_SITEMAPS = 1000  # an index may list 50,000 children; a live audit stops earlier
GZIP_MAGIC = b"\x1f\x8b"


def audit_url(url: str, fetcher: Fetcher) -> StageResult:
    """Every finding of the live site reached from ``url``."""
    findings: list[Finding] = []
    start = _uri(url)
    sitemaps = _robots(start, fetcher, findings) if start.endswith("/robots.txt") else [start]
    read: list[str] = []
    entries = index_pages(_read_sitemaps(sitemaps, fetcher, findings, read))
    pages = dict(_fetch_all(list(entries), fetcher))
    alternates = {norm(a.href): a.href for p in entries.values() for a in p.alternates}
    heads = {key: _head(fetched) for key, fetched in pages.items() if fetched.problem is None}
    for head in list(heads.values()):
        alternates.update({norm(a.href): a.href for a in head.alternates})
    extra = dict(_fetch_all([alternates[k] for k in sorted(alternates) if k not in pages],
                            fetcher))
    pages.update(extra)
    heads.update({key: _head(f) for key, f in extra.items() if f.problem is None})
    unreachable = {key for key, fetched in pages.items() if fetched.problem is not None}
    findings += _problems(pages, entries, heads)
    findings += check_pages(entries, complete=False, unreachable=unreachable)
    findings += check_pages(heads, complete=False, unreachable=unreachable)
    listed = {key: head for key, head in heads.items() if key in entries}
    findings += compare_sources(listed, {k: v for k, v in entries.items() if k not in unreachable})
    return StageResult("hreflang", sorted(findings), data={
        "sitemaps": len(read), "sitemap_urls": len(entries), "pages": len(heads)})


def _uri(url: str) -> str:
    try:
        return urls.iri_to_uri(url.strip())
    except ValueError:
        return url.strip()


def _robots(url: str, fetcher: Fetcher, findings: list[Finding]) -> list[str]:
    fetched = fetcher.get(url, fetcher.policy.rules.max_bytes)
    if fetched.problem is not None:
        findings.append(Finding(urls.display(url), 1, 1, "HL012", Severity.ERROR,
                                f"robots.txt {fetched.problem}"))
        return []
    found = []
    text = (fetched.body or b"").decode("utf-8", errors="replace")
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() == "sitemap" and value.strip():
            found.append(_uri(urljoin(url, value.strip())))
    if not found:
        findings.append(Finding(urls.display(url), 1, 1, "HL012", Severity.ERROR,
                                "robots.txt names no sitemap",
                                "add 'Sitemap: <absolute URL of the sitemap index>'"))
    return found


def _read_sitemaps(start: list[str], fetcher: Fetcher, findings: list[Finding],
                   read: list[str]) -> Iterable[AnnotatedPage]:
    """Each ``<url>`` of the sitemaps reached from ``start`` (indexes followed); the
    sitemap files read are appended to ``read``."""
    queue, seen = list(start), {norm(u) for u in start}
    with tempfile.TemporaryDirectory(prefix="hreflang-") as folder:
        while queue and len(seen) <= MAX_SITEMAPS:
            url = queue.pop(0)
            shown = urls.display(url)
            fetched = fetcher.get(url, MAX_UNCOMPRESSED)
            if fetched.problem is not None:
                findings.append(Finding(shown, 1, 1, "HL012", Severity.ERROR,
                                        f"sitemap {fetched.problem}"))
                continue
            read.append(url)
            body = fetched.body or b""
            file = Path(folder) / f"{len(seen)}.xml{'.gz' if body[:2] == GZIP_MAGIC else ''}"
            file.write_bytes(body)
            try:
                if root_kind(file) == "siteindex":
                    for child in index_children(file):
                        child = _uri(urljoin(url, child))
                        if norm(child) not in seen:
                            seen.add(norm(child))
                            queue.append(child)
                    continue
                yield from read_pages(file, shown)
            except SitemapReadError as exc:
                findings.append(Finding(shown, exc.line, 1, "HL012", Severity.ERROR, str(exc)))
            except etree.LxmlError as exc:
                findings.append(Finding(shown, 1, 1, "HL012", Severity.ERROR,
                                        f"cannot parse: {exc}"))


def _fetch_all(page_urls: list[str], fetcher: Fetcher) -> Iterable[tuple[str, Fetched]]:
    """``(normalised URL, fetched page)`` for each URL, fetched concurrently."""
    limit = fetcher.policy.rules.max_bytes
    with ThreadPoolExecutor(max_workers=max(1, fetcher.policy.rules.workers)) as pool:
        for url, fetched in zip(page_urls, pool.map(lambda u: fetcher.get(u, limit), page_urls),
                                strict=True):
            yield norm(url), fetched


def _head(fetched: Fetched) -> AnnotatedPage:
    html = (fetched.body or b"").decode("utf-8", errors="replace")
    return parse_head(html, fetched.url, urls.display(fetched.url))


def _problems(pages: dict[str, Fetched], entries: dict[str, AnnotatedPage],
              heads: dict[str, AnnotatedPage]) -> list[Finding]:
    """HL014/HL015 once per failing URL, at the first place that names it."""
    named: dict[str, tuple[str, int]] = {}
    for page in [*entries.values(), *heads.values()]:
        named.setdefault(norm(page.url), (page.path, page.line))
        for alt in page.alternates:
            named.setdefault(norm(alt.href), (page.path, alt.line))
    findings = []
    for key, fetched in sorted(pages.items()):
        if fetched.problem is None:
            continue
        path, line = named.get(key, (urls.display(fetched.url), 1))
        code = "HL014" if fetched.redirected else "HL015"
        hint = ("name the final URL in sitemaps and hreflang links" if fetched.redirected
                else "list only pages that answer 200, or fix the page")
        findings.append(Finding(path, line, 1, code, Severity.ERROR,
                                f"{urls.display(fetched.url)} {fetched.problem}", hint))
    return findings
