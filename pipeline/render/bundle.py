"""One article's bundle: rendered body, localized labels, links and the ``article.json`` data.

``article.json`` follows ``schemas/article.schema.json`` (validated in the tests). The
head metadata (``seo.metadata.page_metadata``) supplies the page's ``<head>`` fragment and
the ``metadata`` object of the JSON, computed once per article.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from pipeline.content.assets import public_of
from pipeline.content.translations import source_hash, source_of, state_of
from pipeline.core import urls
from pipeline.core.addresses import json_file as json_file
from pipeline.core.datefmt import w3c_datetime
from pipeline.core.jsontypes import JSONObject
from pipeline.core.model import Article, Finding, Locale, Severity, Site
from pipeline.core.settings import Settings
from pipeline.render import i18n, images
from pipeline.render.markdown import Rendered, RenderPolicy, render_markdown
from pipeline.seo.metadata import PageMetadata, page_metadata

ARTICLE_SCHEMA = "seo-pipeline/article/1"


@dataclass(frozen=True)
class LocaleKit:
    """What rendering in one locale needs: the locale and its compiled UI catalog."""

    locale: Locale
    translations: gettext.NullTranslations


@dataclass(frozen=True)
class ArticleBundle:
    article: Article
    locale: Locale
    rendered: Rendered
    minutes: int
    reading_time: str
    date: str
    page_file: str  # relative to the output folder, not encoded
    json_file: str
    href: str  # root-relative, encoded
    url: str  # absolute canonical URL
    cover: str  # href of the cover image, '' when missing
    head_html: str | None
    metadata: JSONObject | None


_URLS: dict[tuple[object, ...], str] = {}


def url_of(make: Callable[..., str], settings: Settings, *args: str) -> str:
    """``make(settings, *args)`` for the ``urls`` builders of pages, links and files,
    memoised: they read nothing of ``settings`` but ``base_url`` and ``site.url_pattern``."""
    key = (make, settings.base_url, settings.site.url_pattern, *args)
    url = _URLS.get(key)
    if url is None:
        if len(_URLS) >= 4096:
            _URLS.clear()
        url = _URLS[key] = make(settings, *args)
    return url


def image_exists(public: Path, src: str) -> bool:
    """Remote images are assumed present; site paths must exist under ``public/``."""
    return public_of(public).image_exists(src)


def render_body(article: Article, policy: RenderPolicy, public: Path,
                exists: Callable[[str], bool] | None = None) -> Rendered:
    """The article's Markdown body rendered; ``exists`` answers (and may record) image
    lookups, by default against ``public/``."""
    return render_markdown(article.body, article.source.as_posix(), article.body_line, policy,
                           exists or partial(image_exists, public),
                           partial(images.size_attrs, public))


def build_bundle(site: Site, article: Article, kit: LocaleKit, policy: RenderPolicy,
                 rendered: Rendered | None = None, meta: PageMetadata | None = None,
                 ) -> tuple[ArticleBundle, list[Finding]]:
    """The bundle of one article; ``rendered`` and ``meta`` when already computed."""
    settings = site.settings
    public = settings.path("public")
    rendered = rendered or render_body(article, policy, public)
    findings = list(rendered.findings)
    cover = ""
    if image_exists(public, article.meta.cover_image):
        cover = url_of(urls.asset_href, settings, article.meta.cover_image)
    else:
        findings.append(Finding(article.source.as_posix(), article.line_of("coverImage"), 1,
                                "BN107", Severity.WARNING,
                                f"cover image not found: {article.meta.cover_image}",
                                "add it under public/; the page is built without it"))
    minutes = i18n.reading_minutes(rendered.words, settings.bundles.words_per_minute)
    page_file = url_of(urls.page_file, settings, article.locale, article.slug)
    meta = meta or page_metadata(site, article)
    head_html, metadata = meta.head_html, meta.data
    return ArticleBundle(
        article=article, locale=kit.locale, rendered=rendered, minutes=minutes,
        reading_time=i18n.reading_time_label(minutes, kit.locale, kit.translations),
        date=i18n.format_long_date(article.meta.date, kit.locale),
        page_file=page_file, json_file=json_file(page_file),
        href=url_of(urls.page_href, settings, article.locale, article.slug),
        url=url_of(urls.page_url, settings, article.locale, article.slug),
        cover=cover, head_html=head_html, metadata=metadata,
    ), findings


def alternates(site: Site, article: Article) -> list[dict[str, str]]:
    """Every existing version of the article (itself included), in locale order."""
    return [{"locale": a.locale, "hreflang": site.locale(a.locale).hreflang,
             "url": urls.page_url(site.settings, a.locale, a.slug)}
            for a in site.translations(article)]


def article_json(site: Site, bundle: ArticleBundle) -> JSONObject:
    """The ``article.json`` document of a bundle (see ``schemas/article.schema.json``)."""
    article, meta = bundle.article, bundle.article.meta
    source = source_of(site.group_of(article), site.settings.site.x_default)
    data: JSONObject = {
        "schema": ARTICLE_SCHEMA,
        "locale": article.locale,
        "lang": bundle.locale.hreflang,
        "dir": bundle.locale.direction,
        "slug": article.slug,
        "translationKey": article.translation_key,
        "url": bundle.url,
        "path": bundle.href,
        "source": article.source.as_posix(),
        "sourceHash": source_hash(article),
        "translation": {"of": meta.translation_of, "state": state_of(article, source)},
        "frontMatter": front_matter(article),
        "title": meta.title,
        "excerpt": meta.excerpt,
        "html": bundle.rendered.html,
        "text": bundle.rendered.text,
        "headings": [{"level": h.level, "id": h.id, "text": h.text}
                     for h in bundle.rendered.headings],
        "wordCount": bundle.rendered.words,
        "readingTime": {"minutes": bundle.minutes, "label": bundle.reading_time},
        "dateDisplay": bundle.date,
        "alternates": alternates(site, article),
    }
    if bundle.metadata is not None:
        data["metadata"] = bundle.metadata
    return data


def front_matter(article: Article) -> JSONObject:
    meta = article.meta
    data: JSONObject = {
        "title": meta.title, "excerpt": meta.excerpt, "coverImage": meta.cover_image,
        "coverAlt": meta.image_alt,
        "date": w3c_datetime(meta.date), "author": {"name": meta.author.name},
        "ogImage": {"url": meta.og_image}, "slug": meta.slug,
        "translationKey": meta.translation_key, "draft": meta.draft, "tags": list(meta.tags),
    }
    if meta.author.picture:
        data["author"]["picture"] = meta.author.picture
    if meta.lastmod is not None:
        data["lastmod"] = w3c_datetime(meta.lastmod)
    if meta.translation_of is not None:
        data["translationOf"] = meta.translation_of
    return data
