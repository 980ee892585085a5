"""Head metadata of an article page: title, description, canonical, hreflang, Open Graph,
Twitter card and JSON-LD ``BlogPosting``.

``page_metadata`` builds the data once (``PageMetadata.data``, JSON-serialisable) and
renders the escaped ``<head>`` fragment from that same data, so the page and
``article.json`` always carry the same values. Every URL comes from ``pipeline.core.urls``.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from pipeline.analysis.health import is_health
from pipeline.core import urls
from pipeline.core.datefmt import w3c_datetime
from pipeline.core.jsontypes import JSONObject, JSONValue
from pipeline.core.model import Article, Site
from pipeline.core.settings import Settings
from pipeline.seo import health, images
from pipeline.seo.alternates import alternates, article_url

# Characters that could end a <script> element or start markup, and the two line
# separators some JavaScript parsers treat as newlines, written as JSON escapes.
_SCRIPT_UNSAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                                "\u2028": "\\u2028", "\u2029": "\\u2029"})
_SCRIPT_ESCAPES = tuple((chr(code), escaped) for code, escaped in _SCRIPT_UNSAFE.items())


@dataclass(frozen=True)
class PageMetadata:
    """``head_html``: the escaped ``<head>`` fragment; ``data``: the same as plain data."""

    head_html: str
    data: JSONObject


def page_metadata(site: Site, article: Article) -> PageMetadata:
    """Everything a search engine or social network reads from the page's head."""
    data = metadata_data(site, article)
    return PageMetadata(render_head(data), data)


def metadata_data(site: Site, article: Article) -> JSONObject:
    """The metadata as JSON-serialisable data (see the module docstring)."""
    settings = site.settings
    meta = article.meta
    url = article_url(site, article)
    image = share_image(site, meta.og_image, alt=meta.image_alt)
    cluster = alternates(site, article)
    locale = site.locale(article.locale)
    other_locales = [site.locale(a.locale).og_locale for a in site.translations(article)
                     if a.locale != article.locale]
    return {
        "title": meta.title,
        "description": meta.excerpt,
        "canonical": url,
        "lang": locale.hreflang,
        "dir": locale.direction,
        "alternates": [{"hreflang": a.hreflang, "href": a.href} for a in cluster],
        "openGraph": _open_graph(site, article, url, image, locale.og_locale, other_locales),
        "twitter": _twitter(site, article, image),
        "jsonLd": _json_ld(site, article, url, image),
        "image": image,
        "display": {"canonical": _display(url), "image": _display(image["url"])},
        "site": {"name": settings.site.name},
    }


@lru_cache(maxsize=4096)  # a pure function of the URL; shared images repeat
def _display(url: str) -> str:
    return urls.display(url)


_ASSET_URLS: dict[tuple[str, str], str] = {}


def asset_url(settings: Settings, ref: str) -> str:
    """``urls.asset_url``, memoised: it reads nothing of ``settings`` but ``base_url``."""
    key = (settings.base_url, ref)
    url = _ASSET_URLS.get(key)
    if url is None:
        if len(_ASSET_URLS) >= 4096:
            _ASSET_URLS.clear()
        url = _ASSET_URLS[key] = urls.asset_url(settings, ref)
    return url


def share_image(site: Site, ref: str, alt: str) -> JSONObject:
    info = images.inspect(site.settings, ref)
    image: JSONObject = {"url": asset_url(site.settings, ref), "alt": alt}
    if isinstance(info, images.ImageInfo):
        image.update(width=info.width, height=info.height, type=info.mime)
    return image


def meta_pairs(items: list[tuple[str, object]]) -> list[dict[str, str]]:
    return [{"property": k, "content": str(v)} for k, v in items if v not in (None, "")]


def _open_graph(site: Site, article: Article, url: str, image: JSONObject, og_locale: str,
                other_locales: list[str]) -> list[dict[str, str]]:
    meta = article.meta
    items: list[tuple[str, object]] = [
        ("og:type", "article"), ("og:title", meta.title), ("og:description", meta.excerpt),
        ("og:url", url), ("og:site_name", site.settings.site.name), ("og:locale", og_locale),
        *[("og:locale:alternate", other) for other in other_locales],
        ("og:image", image["url"]), ("og:image:secure_url", secure_url(image["url"])),
        ("og:image:type", image.get("type")), ("og:image:width", image.get("width")),
        ("og:image:height", image.get("height")), ("og:image:alt", image["alt"]),
        ("article:published_time", w3c_datetime(meta.date)),
        ("article:modified_time", w3c_datetime(meta.modified)),
        ("article:author", meta.author.name),
        *[("article:tag", tag) for tag in meta.tags],
    ]
    return meta_pairs(items)


def secure_url(url: str) -> str | None:
    return url if url.startswith("https://") else None


def _twitter(site: Site, article: Article, image: JSONObject) -> list[dict[str, str]]:
    meta = article.meta
    items = [("twitter:card", "summary_large_image"),
             ("twitter:site", site.settings.site.twitter_site),
             ("twitter:title", meta.title), ("twitter:description", meta.excerpt),
             ("twitter:image", image["url"]), ("twitter:image:alt", image["alt"])]
    return [{"name": p["property"], "content": p["content"]} for p in meta_pairs(items)]


def _json_ld(site: Site, article: Article, url: str, image: JSONObject) -> JSONObject:
    """A ``BlogPosting``; for health content or an FAQ, one ``@graph`` that joins it with
    the publisher, ``MedicalWebPage``, ``MedicalProcedure`` and ``FAQPage`` (``seo.health``)."""
    settings = site.settings
    meta = article.meta
    language = site.locale(article.locale).hreflang
    image_object = {"@type": "ImageObject", "url": image["url"]}
    if "width" in image:
        image_object.update(width=image["width"], height=image["height"])
    absolute = functools.partial(asset_url, settings)
    data: JSONObject = {
        "@context": "https://schema.org", "@type": "BlogPosting",
        "headline": meta.title, "description": meta.excerpt, "image": image_object,
        "datePublished": w3c_datetime(meta.date), "dateModified": w3c_datetime(meta.modified),
        "author": health.party(meta.author, absolute), "publisher": publisher(site),
        "inLanguage": language, "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
    }
    if meta.tags:
        data["keywords"] = list(meta.tags)
    extra = health.health_nodes(article, url, language, absolute) \
        if is_health(article) else []
    if pairs := health.faq(article):
        extra.append(health.faq_node(pairs, url, language))
    if not extra:
        return data
    organization = {**publisher(site), "@id": f"{settings.base_url}/#organization"}
    del data["@context"]
    data.update({"@id": f"{url}#article", "publisher": {"@id": organization["@id"]}})
    if extra[0]["@type"] == "MedicalWebPage":
        data["mainEntityOfPage"] = {"@id": url}
    return {"@context": "https://schema.org", "@graph": [data, organization, *extra]}


def publisher(site: Site) -> JSONObject:
    """JSON-LD ``Organization`` of the publisher (``site.publisher``, else the site name)."""
    settings = site.settings
    data: JSONObject = {"@type": "Organization",
                            "name": settings.site.publisher or settings.site.name,
                            "url": settings.base_url + "/"}
    if settings.site.publisher_logo:
        data["logo"] = {"@type": "ImageObject",
                        "url": asset_url(settings, settings.site.publisher_logo)}
    return data


def script_json(data: JSONValue) -> str:
    """JSON safe inside ``<script>``: no ``</script>``, ``<!--`` or ``&`` can appear raw."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # The same as ``text.translate(_SCRIPT_UNSAFE)`` (no replacement holds a character
    # that is replaced), without a table lookup per character of non-ASCII text.
    for char, escaped in _SCRIPT_ESCAPES:
        if char in text:
            text = text.replace(char, escaped)
    return text


def render_head(data: JSONObject) -> str:
    """The ``<head>`` fragment, one element per line, every value escaped."""
    q = _attribute
    lines = [f"<title>{escape(data['title'], quote=False)}</title>",
             f'<meta name="description" content="{q(data["description"])}">',
             f'<link rel="canonical" href="{q(data["canonical"])}">']
    lines += [f'<link rel="alternate" hreflang="{q(a["hreflang"])}" href="{q(a["href"])}">'
              for a in data["alternates"]]
    lines += [f'<meta property="{q(p["property"])}" content="{q(p["content"])}">'
              for p in data["openGraph"]]
    lines += [f'<meta name="{q(p["name"])}" content="{q(p["content"])}">'
              for p in data["twitter"]]
    lines.append(f'<script type="application/ld+json">{script_json(data["jsonLd"])}</script>')
    return "\n".join(lines) + "\n"


def _attribute(value: object) -> str:
    """``escape(str(value), quote=True)``, skipping the replacements when none applies."""
    text = value if type(value) is str else str(value)
    if "&" in text or "<" in text or ">" in text or '"' in text or "'" in text:
        return escape(text, quote=True)
    return text


def _tag(element: str, /, **attributes: str) -> str:
    attrs = "".join(f' {key}="{escape(str(value), quote=True)}"'
                    for key, value in attributes.items())
    return f"<{element}{attrs}>"
