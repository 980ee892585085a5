"""hreflang clusters: an article's (every published translation, then ``x-default``) and
the home pages' (every locale's index page, then ``x-default`` as the language chooser).

Head tags, sitemaps and the hreflang validator all take their alternates from here, so
the three can never disagree about which URL stands for which language.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.core import urls
from pipeline.core.model import Article, Site

X_DEFAULT = "x-default"


@dataclass(frozen=True, slots=True)
class Alternate:
    """One ``hreflang`` annotation: a language code (or ``x-default``) and an encoded URL."""

    hreflang: str
    href: str


def article_url(site: Site, article: Article) -> str:
    """Absolute, encoded URL of an article page."""
    return urls.page_url(site.settings, article.locale, article.slug)


def alternates(site: Site, article: Article) -> tuple[Alternate, ...]:
    """Self and every translation in configured locale order, plus ``x-default``.

    ``x-default`` points to the ``site.x_default`` locale's version when it is published,
    else to the first published one in locale order: a cluster whose default-language
    side is a draft, scheduled or expired (or never written) still has its x-default.
    """
    cluster = site.translations(article)
    result = [Alternate(site.locale(a.locale).hreflang, article_url(site, a)) for a in cluster]
    default = next((a for a in cluster if a.locale == site.settings.site.x_default),
                   cluster[0] if cluster else None)
    if default is not None:
        result.append(Alternate(X_DEFAULT, article_url(site, default)))
    return tuple(result)


def root_url(site: Site) -> str:
    """Absolute URL of the language chooser at the site root."""
    return urls.site_url(site.settings, "/")


def home_alternates(site: Site) -> tuple[Alternate, ...]:
    """Every locale's index page, plus ``x-default``: the root language chooser."""
    result = [Alternate(loc.hreflang, urls.locale_index_url(site.settings, loc.code))
              for loc in site.locales]
    result.append(Alternate(X_DEFAULT, root_url(site)))
    return tuple(result)


def tag_alternates(site: Site, slugs: dict[str, str]) -> tuple[Alternate, ...]:
    """The first pages of one tag in every locale that has it (``slugs``: locale ->
    tag slug), in locale order, plus ``x-default`` when the ``x_default`` locale has it;
    none for a tag of one locale only (no other language version to point to)."""
    settings = site.settings
    if len(slugs) < 2:
        return ()
    result = [Alternate(loc.hreflang, urls.list_page(settings, loc.code, slugs[loc.code]).url)
              for loc in site.locales if loc.code in slugs]
    default = settings.site.x_default
    if default in slugs:
        result.append(Alternate(X_DEFAULT, urls.list_page(settings, default, slugs[default]).url))
    return tuple(result)
