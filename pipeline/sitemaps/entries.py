"""Sitemap entries of one locale: its home page (and, for the ``x-default`` locale, the
root language chooser) with the home cluster, then each published article with its
cluster and cover, then the index's further pages and every page of each tag (the first
with the tag's cluster: the same tag in the other locales)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from pipeline.content.tags import group_by_tag, slugs_by_key
from pipeline.core import urls
from pipeline.core.model import Article, Finding, Severity, Site
from pipeline.render.listing import paginate
from pipeline.seo.alternates import (
    alternates,
    article_url,
    home_alternates,
    root_url,
    tag_alternates,
)
from pipeline.seo.home import newest_first
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
    yield from list_entries(site, locale)


def list_entries(site: Site, locale: str) -> Iterator[UrlEntry]:
    """Index pages after the first, then every page of each tag of ``locale``; each
    page's ``lastmod`` is the newest change among the articles it lists."""
    return (entry for _, entry in list_pages(site, locale))


def list_pages(site: Site, locale: str) -> Iterator[tuple[str, UrlEntry]]:
    """``list_entries`` with each page's output file (relative to the output folder)."""
    settings = site.settings
    per_page = settings.bundles.per_page
    mine = newest_first(site.in_locale(locale))
    for number, chunk in enumerate(paginate(mine, per_page)[1:], 2):
        address = urls.list_page(settings, locale, "", number)
        yield address.file, UrlEntry(loc=address.url, lastmod=_newest(chunk))
    groups = {loc.code: group_by_tag(settings, loc.code, [(a, a.meta.tags) for a in
                                                          newest_first(site.in_locale(loc.code))])
              for loc in site.locales}
    slugs = slugs_by_key(groups)
    for slug, tag in groups[locale].items():
        for number, chunk in enumerate(paginate(tag.members, per_page), 1):
            cluster = tag_alternates(site, slugs[tag.key]) if number == 1 else ()
            address = urls.list_page(settings, locale, slug, number)
            yield address.file, UrlEntry(loc=address.url, lastmod=_newest(chunk),
                                         alternates=cluster)


def _newest(articles: Sequence[Article]) -> datetime | None:
    return max((a.meta.modified for a in articles), default=None)


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
