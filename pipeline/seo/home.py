"""Head metadata of the home pages: the root language chooser (JSON-LD ``WebSite``) and
each locale's article index (``CollectionPage`` whose ``mainEntity`` is an ``ItemList``).

Same shape as an article's (``PageMetadata``, rendered by ``metadata.render_head``):
title, description, canonical, the home cluster of hreflang alternates, Open Graph
(``og:type`` ``website``), a Twitter card and JSON-LD, each in the page's own language.
The share image is the newest listed article's, with that article's alt text.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.core import urls
from pipeline.core.jsontypes import JSONObject
from pipeline.core.model import Article, Locale, Site
from pipeline.seo.alternates import Alternate, article_url, home_alternates, root_url
from pipeline.seo.metadata import (
    PageMetadata,
    meta_pairs,
    publisher,
    render_head,
    secure_url,
    share_image,
)


def newest_first(articles: Sequence[Article]) -> list[Article]:
    """Newest first, then by slug: the order of the index pages and their ``ItemList``."""
    return sorted(articles, key=lambda a: (-a.meta.date.timestamp(), a.slug))


def chooser_metadata(site: Site, title: str, description: str) -> PageMetadata:
    """The root page, in the ``x_default`` locale's language."""
    locale = site.locale(site.settings.site.x_default)
    url = root_url(site)
    articles = newest_first([a for a in site.published() if a.locale == locale.code])
    json_ld = {"@context": "https://schema.org", "@type": "WebSite", "name": title,
               "description": description, "url": url,
               "inLanguage": [loc.hreflang for loc in site.locales],
               "publisher": publisher(site)}
    return _metadata(site, locale, url, title, description, articles, json_ld,
                     [loc for loc in site.locales if loc.code != locale.code])


def index_metadata(site: Site, locale: Locale, title: str, description: str,
                   articles: Sequence[Article]) -> PageMetadata:
    """A locale's index page listing ``articles`` (shown newest first)."""
    url = urls.locale_index_url(site.settings, locale.code)
    ordered = newest_first(articles)
    items = [{"@type": "ListItem", "position": n, "url": article_url(site, a),
              "name": a.meta.title} for n, a in enumerate(ordered, 1)]
    json_ld = {"@context": "https://schema.org", "@type": "CollectionPage", "name": title,
               "description": description, "url": url, "inLanguage": locale.hreflang,
               "isPartOf": {"@type": "WebSite", "name": site.settings.site.name,
                            "url": root_url(site)},
               "mainEntity": {"@type": "ItemList", "numberOfItems": len(items),
                              "itemListElement": items}}
    return _metadata(site, locale, url, title, description, ordered, json_ld,
                     [loc for loc in site.locales if loc.code != locale.code])


def list_metadata(site: Site, locale: Locale, url: str, title: str, description: str,
                  items: Sequence[tuple[str, str]], first: int, lead: Article | None,
                  cluster: Sequence[Alternate]) -> PageMetadata:
    """One page of a paginated list (a locale's index or a tag's): a ``CollectionPage``
    whose ``ItemList`` holds the page's ``items`` (URL, name), numbered from ``first``;
    ``cluster`` its hreflang alternates (none for pages after the first)."""
    elements = [{"@type": "ListItem", "position": n, "url": item_url, "name": name}
                for n, (item_url, name) in enumerate(items, first)]
    json_ld = {"@context": "https://schema.org", "@type": "CollectionPage", "name": title,
               "description": description, "url": url, "inLanguage": locale.hreflang,
               "isPartOf": {"@type": "WebSite", "name": site.settings.site.name,
                            "url": root_url(site)},
               "mainEntity": {"@type": "ItemList", "numberOfItems": len(elements),
                              "itemListElement": elements}}
    others = {a.hreflang for a in cluster}
    return _metadata(site, locale, url, title, description, [lead] if lead else [], json_ld,
                     [loc for loc in site.locales
                      if loc.code != locale.code and loc.hreflang in others], cluster)


def _metadata(site: Site, locale: Locale, url: str, title: str, description: str,
              articles: Sequence[Article], json_ld: JSONObject,
              others: Sequence[Locale],
              cluster: Sequence[Alternate] | None = None) -> PageMetadata:
    lead = articles[0] if articles else None
    image = share_image(site, lead.meta.og_image, lead.meta.image_alt) if lead else None
    if image is not None:
        json_ld["image"] = image["url"]
    og: list[tuple[str, object]] = [
        ("og:type", "website"), ("og:title", title), ("og:description", description),
        ("og:url", url), ("og:site_name", site.settings.site.name),
        ("og:locale", locale.og_locale), *[("og:locale:alternate", o.og_locale) for o in others]]
    card = "summary"
    twitter: list[tuple[str, object]] = [("twitter:site", site.settings.site.twitter_site),
                                      ("twitter:title", title),
                                      ("twitter:description", description)]
    if image is not None:
        card = "summary_large_image"
        og += [("og:image", image["url"]), ("og:image:secure_url", secure_url(image["url"])),
               ("og:image:type", image.get("type")), ("og:image:width", image.get("width")),
               ("og:image:height", image.get("height")), ("og:image:alt", image["alt"])]
        twitter += [("twitter:image", image["url"]), ("twitter:image:alt", image["alt"])]
    data: JSONObject = {
        "title": title, "description": description, "canonical": url,
        "lang": locale.hreflang, "dir": locale.direction,
        "alternates": [{"hreflang": a.hreflang, "href": a.href}
                       for a in (home_alternates(site) if cluster is None else cluster)],
        "openGraph": meta_pairs(og),
        "twitter": [{"name": p["property"], "content": p["content"]}
                    for p in meta_pairs([("twitter:card", card), *twitter])],
        "jsonLd": json_ld,
    }
    return PageMetadata(render_head(data), data)
