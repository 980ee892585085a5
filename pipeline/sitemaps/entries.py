"""Sitemap entries of one locale: each published article with its cluster and cover."""

from __future__ import annotations

from collections.abc import Iterator

from pipeline import urls
from pipeline.alternates import alternates, article_url
from pipeline.model import Finding, Severity, Site
from pipeline.sitemaps.model import MAX_LOC, UrlEntry


def locale_entries(site: Site, locale: str, findings: list[Finding]) -> Iterator[UrlEntry]:
    """Entries in the site's deterministic order; over-long URLs become findings and are
    left out, as pages and as alternates of their translations."""
    for article in site.in_locale(locale):
        loc = article_url(site, article)
        if len(loc) > MAX_LOC:
            findings.append(Finding(article.source.as_posix(), article.line_of("slug"), 1,
                                    "SM002", Severity.WARNING,
                                    f"URL is {len(loc)} characters once encoded, over the "
                                    f"sitemap limit of {MAX_LOC}; left out of the sitemap",
                                    "use a shorter slug"))
            continue
        cluster = tuple(a for a in alternates(site, article) if len(a.href) <= MAX_LOC)
        yield UrlEntry(loc=loc, lastmod=article.meta.modified, alternates=cluster,
                       images=(urls.asset_url(site.settings, article.meta.cover_image),))
