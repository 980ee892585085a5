"""Sitemap entries of one locale: its home page (and, for the ``x-default`` locale, the
root language chooser) with the home cluster, then each published article with its
cluster and cover."""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.core import urls
from pipeline.core.model import Finding, Severity, Site
from pipeline.seo.alternates import alternates, article_url, home_alternates, root_url
from pipeline.sitemaps.model import MAX_LOC, UrlEntry


def locale_entries(site: Site, locale: str, findings: list[Finding]) -> Iterator[UrlEntry]:
    """Entries in the site's deterministic order; over-long URLs become findings and are
    left out, as pages and as alternates of their translations."""
    yield from home_entries(site, locale)
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


def home_entries(site: Site, locale: str) -> Iterator[UrlEntry]:
    """The locale's index page; the root chooser too in the ``x-default`` locale's file.

    ``lastmod`` is the newest change among the articles the page lists.
    """
    cluster = home_alternates(site)
    if locale == site.settings.site.x_default:
        newest = max((a.meta.modified for a in site.published()), default=None)
        yield UrlEntry(loc=root_url(site), lastmod=newest, alternates=cluster)
    newest = max((a.meta.modified for a in site.in_locale(locale)), default=None)
    yield UrlEntry(loc=urls.locale_index_url(site.settings, locale), lastmod=newest,
                   alternates=cluster)
