"""Where annotations come from: page heads (built pages, else the metadata the pages get)
and sitemap files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import lxml.html

from pipeline.core import urls
from pipeline.core.model import Article, Finding, Severity, Site
from pipeline.hreflang.model import AnnotatedPage, Annotation
from pipeline.seo.alternates import article_url, home_alternates, root_url
from pipeline.seo.metadata import page_metadata
from pipeline.sitemaps.entries import list_pages
from pipeline.sitemaps.reader import sitemap_files
from pipeline.sitemaps.walk import Codes, Places, SitemapWalk


def parse_head(html: str, url: str, shown: str, line: int = 0) -> AnnotatedPage:
    """hreflang links and canonical of an HTML page or head fragment.

    ``line``: report every annotation at this line (for a fragment that is no file).
    """
    root = lxml.html.document_fromstring(html or "<html></html>")
    alternates, canonical, canonical_line = [], None, 0
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        href = link.get("href")
        if href is None:
            continue
        where = line or link.sourceline or 1
        if "alternate" in rel and link.get("hreflang") is not None:
            alternates.append(Annotation(link.get("hreflang", ""), _resolve(url, href), where))
        elif "canonical" in rel and canonical is None:
            canonical, canonical_line = _resolve(url, href), where
    return AnnotatedPage(url, shown, line or 1, tuple(alternates), canonical, canonical_line)


def _resolve(base: str, href: str) -> str:
    try:
        return urls.resolve(base, href)
    except ValueError:
        return href


def built_page(site: Site, article: Article) -> Path:
    """Where the bundles stage writes an article's page in the site output."""
    path = urls.asset_path(urls.page_path(site.settings, article.locale, article.slug)) or ""
    if not path or path.endswith("/"):
        path += "index.html"
    return site.settings.path("output") / path


def head_pages(site: Site) -> Iterator[AnnotatedPage]:
    """Each published article's head: the built page when there is one, else the metadata;
    then the home pages (built, else the cluster the bundles stage gives them)."""
    root = site.settings.root
    yield from home_heads(site)
    for article in site.published():
        url = article_url(site, article)
        page = built_page(site, article)
        if page.is_file():
            shown = page.relative_to(root).as_posix() if page.is_relative_to(root) else str(page)
            yield parse_head(page.read_text(encoding="utf-8", errors="replace"), url, shown)
        else:
            yield parse_head(page_metadata(site, article).head_html, url,
                             article.source.as_posix(), article.line_of("translationKey"))


def home_heads(site: Site) -> Iterator[AnnotatedPage]:
    """The root chooser and every locale's index page."""
    output = site.settings.path("output")
    pages = [(root_url(site), output / "index.html")] + [
        (urls.locale_index_url(site.settings, loc.code), output / loc.code / "index.html")
        for loc in site.locales]
    cluster = home_alternates(site)
    for url, page in pages:
        shown = page.relative_to(site.settings.root).as_posix() if page.is_relative_to(
            site.settings.root) else str(page)
        if page.is_file():
            yield parse_head(page.read_text(encoding="utf-8", errors="replace"), url, shown)
        else:
            annotations = tuple(Annotation(a.hreflang, a.href, 1) for a in cluster)
            yield AnnotatedPage(url, shown, 1, annotations, url, 1)
    yield from list_heads(site)


def list_heads(site: Site) -> Iterator[AnnotatedPage]:
    """Index pages after the first and every tag page (built, else the cluster the
    sitemaps give them: both come from one place)."""
    output = site.settings.path("output")
    for loc in site.locales:
        for file, entry in list_pages(site, loc.code):
            page = output / file
            shown = page.relative_to(site.settings.root).as_posix() if page.is_relative_to(
                site.settings.root) else str(page)
            if page.is_file():
                yield parse_head(page.read_text(encoding="utf-8", errors="replace"),
                                 entry.loc, shown)
            else:
                annotations = tuple(Annotation(a.hreflang, a.href, 1) for a in entry.alternates)
                yield AnnotatedPage(entry.loc, shown, 1, annotations, entry.loc, 1)


HL_CODES = Codes(unreadable="HL012", limit="HL016", missing="HL013")


def nothing_audited(where: str) -> Finding:
    """HL017: no sitemap URL was read, so nothing was audited (never a silent 'ok')."""
    return Finding(where, 1, 1, "HL017", Severity.ERROR,
                   "no page was audited: no URL was read from the sitemaps",
                   "point the audit at a sitemap, a sitemap index or robots.txt that lists "
                   "pages")


def sitemap_pages(path: Path, root: Path, findings: list[Finding]) -> Iterator[AnnotatedPage]:
    """Every ``<url>`` of the sitemap file or folder ``path``; problems (unreadable
    files HL012, limits HL016) added to ``findings`` once read.

    An index's children are read from the index's own folder (by file name; nothing is
    fetched); children missing there are reported (HL013) and skipped.
    """
    walk = SitemapWalk(Places(root), [str(p) for p in sitemap_files(path)], HL_CODES)
    for listed in walk:
        yield listed.page
    findings += walk.findings
