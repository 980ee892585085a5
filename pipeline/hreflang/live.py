"""Audit a live site: ``seo-pipeline hreflang --url URL``.

``URL`` is a sitemap, a sitemap index or a ``robots.txt`` (its ``Sitemap:`` lines). The
sitemaps (gzip too) and every page they list are fetched, and so is every alternate a
sitemap or a page head names, with the links stage's policy (``hreflang.fetch``). Then
the same checks as the offline audit run on the sitemap entries and on the page heads
(self-reference, return links, x-default, canonicals, codes) and the two are compared.
Sitemaps are read as streams one at a time (``sitemaps.walk``: protocol limits are
findings, HL016); pages are fetched a few at a time, read up to ``</head>`` only, and
only their head's annotations are kept, so memory does not grow with page sizes. No URL to audit is HL017.
Live-only codes: HL014 a listed or alternate URL redirects (hreflang and sitemaps must
name the final URL), HL015 it does not answer 200 (404, 5xx, network, refused).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from pipeline.core import urls
from pipeline.core.model import Finding, Severity, StageResult
from pipeline.hreflang.cluster import check_pages, compare_sources, index_pages, norm
from pipeline.hreflang.fetch import Fetched, Fetcher
from pipeline.hreflang.model import AnnotatedPage
from pipeline.hreflang.sources import HL_CODES, nothing_audited, parse_head
from pipeline.sitemaps.walk import Places, SitemapWalk


@dataclass(frozen=True, slots=True)
class Reached:
    """What is kept of a fetched page: how it answered and its head's annotations (the
    body itself is dropped as soon as the head is read)."""

    url: str
    problem: str | None
    redirected: bool
    head: AnnotatedPage | None


def audit_url(url: str, fetcher: Fetcher) -> StageResult:
    """Every finding of the live site reached from ``url``."""
    findings: list[Finding] = []
    start = _uri(url)
    sitemaps = _robots(start, fetcher, findings) if start.endswith("/robots.txt") else [start]
    walk = SitemapWalk(Places(Path.cwd(), fetcher.download, local=False), sitemaps, HL_CODES)
    entries = index_pages(listed.page for listed in walk)
    findings += walk.findings
    if not entries:
        findings.append(nothing_audited(urls.display(start)))
    pages = dict(_visit(list(entries), fetcher))
    alternates = {norm(a.href): a.href for p in entries.values() for a in p.alternates}
    for reached in pages.values():
        if reached.head is not None:
            alternates.update({norm(a.href): a.href for a in reached.head.alternates})
    pages.update(_visit([alternates[k] for k in sorted(alternates) if k not in pages], fetcher))
    heads = {key: r.head for key, r in pages.items() if r.head is not None}
    unreachable = {key for key, reached in pages.items() if reached.problem is not None}
    findings += _problems(pages, entries, heads)
    findings += check_pages(entries, complete=False, unreachable=unreachable)
    findings += check_pages(heads, complete=False, unreachable=unreachable)
    listed = {key: head for key, head in heads.items() if key in entries}
    findings += compare_sources(listed, {k: v for k, v in entries.items() if k not in unreachable})
    return StageResult("hreflang", sorted(findings), data={
        "sitemaps": len(walk.read), "sitemap_urls": len(entries), "pages": len(heads)})


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


def _visit(page_urls: Iterable[str], fetcher: Fetcher) -> Iterator[tuple[str, Reached]]:
    """``(normalised URL, what is kept of the page)`` for each URL, fetched concurrently
    with at most twice ``workers`` pages in flight: memory does not grow with the
    number or the size of the pages."""
    workers = max(1, fetcher.policy.rules.workers)
    limit = fetcher.policy.rules.max_bytes

    def reach(url: str) -> tuple[str, Reached]:
        fetched = fetcher.get(url, limit, head_only=True)
        head = _head(fetched) if fetched.problem is None else None
        return norm(url), Reached(fetched.url, fetched.problem, fetched.redirected, head)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: set[Future[tuple[str, Reached]]] = set()
        for url in page_urls:
            pending.add(pool.submit(reach, url))
            if len(pending) >= 2 * workers:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                yield from (future.result() for future in done)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            yield from (future.result() for future in done)


def _head(fetched: Fetched) -> AnnotatedPage:
    """The annotations of a page's head (read up to ``</head>`` only)."""
    html = (fetched.body or b"").decode("utf-8", errors="replace")
    return parse_head(html, fetched.url, urls.display(fetched.url))


def _problems(pages: dict[str, Reached], entries: dict[str, AnnotatedPage],
              heads: dict[str, AnnotatedPage]) -> list[Finding]:
    """HL014/HL015 once per failing URL, at the first place that names it."""
    named: dict[str, tuple[str, int]] = {}
    for page in [*entries.values(), *heads.values()]:
        named.setdefault(norm(page.url), (page.path, page.line))
        for alt in page.alternates:
            named.setdefault(norm(alt.href), (page.path, alt.line))
    findings = []
    for key, reached in sorted(pages.items()):
        if reached.problem is None:
            continue
        path, line = named.get(key, (urls.display(reached.url), 1))
        code = "HL014" if reached.redirected else "HL015"
        hint = ("name the final URL in sitemaps and hreflang links" if reached.redirected
                else "list only pages that answer 200, or fix the page")
        findings.append(Finding(path, line, 1, code, Severity.ERROR,
                                f"{urls.display(reached.url)} {reached.problem}", hint))
    return findings
