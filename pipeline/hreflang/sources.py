"""Where annotations come from: page heads (built pages, else the metadata the pages get)
and sitemap files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from pipeline.core import urls
from pipeline.core.model import Article, Finding, Severity, Site
from pipeline.hreflang.model import AnnotatedPage, Annotation
from pipeline.seo.alternates import article_url, home_alternates, root_url
from pipeline.seo.metadata import page_metadata
from pipeline.sitemaps.reader import (
    SitemapReadError,
    index_children,
    read_pages,
    root_kind,
    sitemap_files,
)


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


def sitemap_pages(path: Path, root: Path, findings: list[Finding]) -> Iterator[AnnotatedPage]:
    """Every ``<url>`` of the sitemap file or folder ``path``; unreadable files reported.

    An index's children are read from the index's own folder (by file name; nothing is
    fetched); children missing there are reported and skipped.
    """
    queue = sitemap_files(path)
    seen = {p.resolve() for p in queue}
    while queue:
        file = queue.pop(0)
        shown = file.relative_to(root).as_posix() if file.is_relative_to(root) else str(file)
        try:
            if root_kind(file) == "siteindex":
                queue += _children(file, shown, seen, findings)
                continue
            yield from read_pages(file, shown)
        except SitemapReadError as exc:
            findings.append(Finding(shown, exc.line, 1, "HL012", Severity.ERROR, str(exc)))
        except etree.LxmlError as exc:
            findings.append(Finding(shown, 1, 1, "HL012", Severity.ERROR, f"cannot parse: {exc}"))


def _children(index: Path, shown: str, seen: set[Path], findings: list[Finding]) -> list[Path]:
    found = []
    for loc in index_children(index):
        name = PurePosixPath(urlsplit(urls.display(loc)).path).name
        child = index.parent / name
        if not name or not child.is_file():
            findings.append(Finding(shown, 1, 1, "HL013", Severity.WARNING,
                                    f"index lists {loc}, which is not beside it; not audited",
                                    "put the child sitemaps in the same folder"))
        elif child.resolve() not in seen:
            seen.add(child.resolve())
            found.append(child)
    return found
