"""HTML pages from the Jinja2 templates in ``pipeline/render/templates`` (autoescape on).

Every page gets a ``page`` object (lang, dir, title, links, language switcher) and the
UI strings of its locale through the gettext extension. Links are root-relative, so
the pages work from any host serving the output folder.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from types import CodeType

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from jinja2.bccache import Bucket, BytecodeCache
from markupsafe import Markup

from pipeline.content.tags import tag_names, tag_slug
from pipeline.core import urls
from pipeline.core.datefmt import w3c_datetime
from pipeline.core.jsontypes import JSONObject
from pipeline.core.model import Locale, Site
from pipeline.core.settings import Settings
from pipeline.render import images as responsive
from pipeline.render import search
from pipeline.render.bundle import ArticleBundle, LocaleKit, url_of
from pipeline.render.i18n import N_, format_number, html_lang
from pipeline.render.listing import ListPart
from pipeline.seo import images
from pipeline.seo.alternates import root_url
from pipeline.seo.breadcrumbs import Crumb, breadcrumb_list
from pipeline.seo.home import chooser_metadata, list_metadata
from pipeline.seo.metadata import render_head, script_json

STYLESHEET_FILE = "static/site.css"
SEARCH_SCRIPT_FILE = "static/search.js"  # written only with [bundles] search (bundles.py)
STATIC_FILES = {STYLESHEET_FILE: "site.css"}  # output path -> file in pipeline/static
ROOT_FILE = "index.html"
# The site's own icon under public/, in order of preference (else an empty icon, so
# browsers do not ask for a /favicon.ico that is not there).
FAVICONS = {"/favicon.svg": "image/svg+xml", "/favicon.png": "image/png",
            "/favicon.ico": "image/x-icon"}
NOT_FOUND_FILE = "404.html"

# UI strings the Python side puts into pages, marked for extraction.
CHOOSE_LANGUAGE = N_("Read the articles in this language")
NOT_FOUND_HEADING = N_("Page not found")
NOT_FOUND_MESSAGE = N_("The page you asked for does not exist or has moved.")
NOT_FOUND_LINK = N_("Go to the articles")
INDEX_DESCRIPTION = N_("All articles of %(site)s")
CHOOSER_DESCRIPTION = N_("%(site)s: articles in %(languages)s. Choose your language.")
HOME = N_("Home")
ARTICLES = N_("Articles")
PAGE_LABEL = N_("Page %(number)s")
PAGE_OF = N_("Page %(number)s of %(total)s")
TAG_DESCRIPTION = N_("Articles tagged %(tag)s on %(site)s")
FEED_TYPES = {"atom": ("application/atom+xml", "Atom"), "rss": ("application/rss+xml", "RSS"),
              "json": ("application/feed+json", "JSON Feed")}


class _CompiledTemplates(BytecodeCache):
    """Compiled templates shared by the environments below (one per catalog, all with the
    same settings), in memory: a template's code is reused while its source is unchanged
    (the bucket's checksum is the source's), so a catalog costs no recompilation."""

    def __init__(self) -> None:
        self._code: dict[str, tuple[str, CodeType | None]] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        entry = self._code.get(bucket.key)
        if entry is not None and entry[0] == bucket.checksum:
            bucket.code = entry[1]

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = (bucket.checksum, bucket.code)


_COMPILED = _CompiledTemplates()


@lru_cache(maxsize=16)  # one per catalog; watch mode loads catalogs anew on every build
def _environment(translations: gettext.NullTranslations) -> Environment:
    env = Environment(
        loader=PackageLoader("pipeline.render", "templates"),
        bytecode_cache=_COMPILED,
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]  # i18n ext
    env.globals["_"] = _plain_gettext(translations.gettext)
    return env


def _plain_gettext(gettext: Callable[[str], str]) -> Callable[..., Markup]:
    """What the i18n extension's newstyle ``_`` returns in an autoescaped template (every
    template here is), without resolving ``gettext`` through the context on each call."""

    plain: dict[str, Markup] = {}  # the strings without variables, per catalog

    def _(__string: str, **variables: object) -> Markup:
        if variables:
            return Markup(gettext(__string)) % variables
        text = plain.get(__string)
        if text is None:
            text = plain[__string] = Markup(gettext(__string)) % variables
        return text

    return _


class _Fields:
    """A template value read by attribute: Jinja tries attributes before items, so a
    dict costs it a caught ``AttributeError`` on every ``page.title``."""

    def __init__(self, fields: Mapping[str, object]):
        self.__dict__.update(fields)


def render(kit_translations: gettext.NullTranslations, name: str, **context: object) -> str:
    return _environment(kit_translations).get_template(name).render(**context)


def _page(site: Site, locale: Locale, title: str, switcher: Sequence[object],
          **extra: object) -> dict[str, object]:
    settings = site.settings
    return {"lang": html_lang(locale), "dir": locale.direction, "numbering": locale.numbering,
            "title": title,
            "site_name": settings.site.name, "publisher": settings.site.publisher,
            "stylesheet": url_of(urls.file_href, settings, STYLESHEET_FILE),
            "favicon": favicon(settings),
            "home": url_of(urls.locale_index_href, settings, locale.code), "switcher": switcher,
            "head_html": None, "feeds": feed_links(settings, locale), "breadcrumbs": None,
            "search": url_of(search.page_href, settings, locale.code)
            if settings.bundles.search else None, **extra}


def feed_links(settings: Settings, locale: Locale) -> list[_Fields]:
    """The locale's feeds, for ``<link rel="alternate">`` in every page head and the
    index pages' links."""
    return [_Fields({"href": url_of(_feed_href, settings, locale.code, kind),
                     "type": FEED_TYPES[kind][0], "label": FEED_TYPES[kind][1],
                     "title": f"{settings.site.name} ({locale.name}): {FEED_TYPES[kind][1]}"})
            for kind in settings.feeds.formats]


def _feed_href(settings: Settings, locale: str, kind: str) -> str:
    return urls.feed(settings, locale, kind).href


def trail(site: Site, kit: LocaleKit, *steps: Crumb) -> list[Crumb]:
    """Home (the language chooser) › the locale's articles › ``steps``."""
    say = kit.translations.gettext
    return [Crumb(say(HOME), root_url(site)),
            Crumb(say(ARTICLES), urls.locale_index_url(site.settings, kit.locale.code)),
            *steps]


def breadcrumbs(crumbs: list[Crumb], standalone: bool = True) -> _Fields:
    """The trail for the template: links, the current page last, and its JSON-LD (None
    when not ``standalone``: the page's JSON-LD ``@graph`` holds it, see ``graph_head``)."""
    return _Fields({"items": [_Fields({"name": c.name, "href": c.href,
                                       "current": n == len(crumbs)})
                              for n, c in enumerate(crumbs, 1)],
                    "json_ld": Markup(script_json(breadcrumb_list(crumbs)))
                    if standalone else None})


def graph_head(metadata: JSONObject, crumbs: list[Crumb]) -> str:
    """The head of a page whose JSON-LD is one ``@graph`` (health content, FAQ): its
    ``BreadcrumbList`` joins the graph, linked from the ``MedicalWebPage``, instead of
    standing in a script of its own."""
    ld = metadata["jsonLd"]
    trail_id = f"{metadata['canonical']}#breadcrumb"
    trail_ld = {"@id": trail_id, **{k: v for k, v in breadcrumb_list(crumbs).items()
                                    if k != "@context"}}
    graph = [{**node, "breadcrumb": {"@id": trail_id}} if node["@type"] == "MedicalWebPage"
             else node for node in ld["@graph"]]
    return render_head({**metadata, "jsonLd": {**ld, "@graph": [*graph, trail_ld]}})


def favicon(settings: Settings) -> dict[str, str] | None:
    """The first of ``FAVICONS`` that is a regular file in ``public/``, as href and type."""
    public = settings.path("public")
    for ref, kind in FAVICONS.items():
        path = public / ref.lstrip("/")
        if path.is_file() and not path.is_symlink():
            return {"href": url_of(urls.file_href, settings, ref.lstrip("/")), "type": kind}
    return None


def _language(locale: Locale) -> dict[str, str]:
    return {"lang": html_lang(locale), "dir": locale.direction, "name": locale.name}


def article_switcher(site: Site, bundle: ArticleBundle) -> list[dict[str, object]]:
    """The article's locale and its existing translations only, in locale order.

    Empty when the article has no translation: a switcher with one entry is noise.
    """
    versions = site.translations(bundle.article)
    return [{**_language(site.locale(a.locale)), "current": a is bundle.article,
             "href": url_of(urls.page_href, site.settings, a.locale, a.slug)}
            for a in versions] if len(versions) > 1 else []


def index_switcher(site: Site, current: Locale) -> list[dict[str, object]]:
    return [{**_language(loc), "current": loc.code == current.code,
             "href": urls.locale_index_href(site.settings, loc.code)} for loc in site.locales]


def article_page(site: Site, bundle: ArticleBundle, kit: LocaleKit,
                 related: list[list[str]] | None = None) -> str:
    """The article's page; ``related``: ``[href, title]`` of its related articles."""
    article = bundle.article
    meta = article.meta
    others = [a for a in site.translations(article) if a is not article]
    steps = trail(site, kit, Crumb(meta.title, bundle.url))
    head_html, in_graph = bundle.head_html, False
    if head_html and bundle.metadata is not None and "@graph" in bundle.metadata["jsonLd"]:
        head_html, in_graph = graph_head(bundle.metadata, steps), True
    crumbs = breadcrumbs(steps, standalone=not in_graph)
    switcher = [_Fields(item) for item in article_switcher(site, bundle)]
    page = _page(site, kit.locale, meta.title, switcher,
                 description=meta.excerpt, canonical=bundle.url, breadcrumbs=crumbs,
                 head_html=Markup(head_html) if head_html else None)
    toc = [h for h in bundle.rendered.headings if h.level in (2, 3)]
    context = {
        "title": meta.title, "author": meta.author.name, "date": bundle.date,
        "datetime": w3c_datetime(meta.date), "reading_time": bundle.reading_time,
        "cover": _Fields(responsive.cover_context(site.settings, meta.cover_image, bundle.cover))
        if bundle.cover else None,
        "cover_alt": meta.image_alt, "body": Markup(bundle.rendered.html),
        "toc": toc if len(toc) >= 3 else [],
        "tags": tag_links(site.settings, article.locale, list(meta.tags)),
        "translations": [_Fields({**_language(site.locale(a.locale)), "title": a.meta.title,
                                  "href": url_of(urls.page_href, site.settings, a.locale,
                                                a.slug)})
                         for a in others],
        "related": [_Fields({"href": href, "title": title}) for href, title in related or []],
    }
    return render(kit.translations, "article.html", page=_Fields(page),
                  article=_Fields(context))


def index_entry(bundle: ArticleBundle, settings: Settings) -> JSONObject:
    """What list pages and feeds show of one article (small, JSON-serialisable); the
    article's HTML too when feeds carry full content (``[feeds] content``)."""
    article, meta = bundle.article, bundle.article.meta
    entry: JSONObject
    entry = {"title": meta.title, "href": bundle.href, "url": bundle.url, "date": bundle.date,
             "datetime": w3c_datetime(meta.date), "updated": w3c_datetime(meta.modified),
             "reading_time": bundle.reading_time, "excerpt": meta.excerpt,
             "author": meta.author.name, "tags": list(meta.tags),
             "cover": feed_cover(settings, bundle), "order": [-meta.date.timestamp(), meta.slug],
             "source": article.source.as_posix(), "key": meta.translation_key,
             "locale": article.locale}
    if meta.aliases:  # old paths redirecting here (``pipeline/redirects``), with their line
        entry["aliases"] = [[path, article.line_of("aliases")] for path in meta.aliases]
    if settings.feeds.content == "full":
        entry["html"] = bundle.rendered.html
    return entry


def feed_cover(settings: Settings, bundle: ArticleBundle) -> JSONObject | None:
    """The cover as a feed enclosure: absolute URL, media type and size in bytes."""
    if not bundle.cover:
        return None
    ref = bundle.article.meta.cover_image
    info = images.inspect(settings, ref)
    path = images.local_file(settings, ref)
    return {"url": urls.asset_url(settings, ref),
            "type": info.mime if isinstance(info, images.ImageInfo) else "",
            "length": path.stat().st_size if path is not None and path.is_file() else 0}


def page_label(kit: LocaleKit, number: int) -> str:
    """'Page 2' / 'الصفحة ٢': the suffix of a list page after the first."""
    return kit.translations.gettext(PAGE_LABEL) % {"number": format_number(number, kit.locale)}


def list_page(site: Site, kit: LocaleKit, part: ListPart) -> str:
    """One page of a locale's index or of a tag's list (``part``), newest first."""
    settings = site.settings
    say = kit.translations.gettext
    code = kit.locale.code
    slug = part.tag.slug if part.tag else ""
    url = urls.list_page(settings, code, slug, part.page).url
    heading = part.tag.name if part.tag else say(ARTICLES)
    description = (say(TAG_DESCRIPTION) % {"tag": heading, "site": settings.site.name}
                   if part.tag else say(INDEX_DESCRIPTION) % {"site": settings.site.name})
    steps = [Crumb(heading, urls.list_page(settings, code, slug).url)] if part.tag else []
    title = f"{heading} · {settings.site.name}"
    if part.page > 1:
        label = page_label(kit, part.page)
        title = f"{heading} · {label} · {settings.site.name}"
        description = f"{description} · {label}"
        steps.append(Crumb(label, url))
    items = [(e["url"], e["title"]) for e in part.entries]
    head = list_metadata(site, kit.locale, url, title, description, items, part.first,
                         part.lead, part.cluster)

    def href(number: int) -> str | None:
        if not 1 <= number <= part.pages:
            return None
        return urls.list_page(settings, code, slug, number).href

    pager = _Fields({"prev": href(part.page - 1), "next": href(part.page + 1),
                     "label": say(PAGE_OF) % {"number": format_number(part.page, kit.locale),
                                              "total": format_number(part.pages, kit.locale)}})
    page = _page(site, kit.locale, title, index_switcher(site, kit.locale) if not part.tag
                 and part.page == 1 else [], description=description, canonical=url,
                 head_html=Markup(head.head_html), pager=pager if part.pages > 1 else None,
                 breadcrumbs=breadcrumbs(trail(site, kit, *steps)))
    entries = [_Fields({**e, "tags": tag_links(settings, code, e["tags"])})
               for e in part.entries]
    return render(kit.translations, "index.html", page=_Fields(page), heading=heading,
                  entries=entries)


def tag_links(settings: Settings, locale: str, tags: list[str]) -> list[_Fields]:
    """An article's tags as links to their pages in ``locale``, one per page."""
    names = tag_names(settings)
    seen: dict[str, _Fields] = {}
    for raw in tags:
        name = names.name(locale, names.key(locale, raw))
        slug = tag_slug(name)
        if slug not in seen:
            seen[slug] = _Fields({"name": name,
                                  "href": urls.list_page(settings, locale, slug).href})
    return list(seen.values())


def _choices(site: Site, kits: dict[str, LocaleKit]) -> list[dict[str, str]]:
    """Per locale: its index link and the chooser/404 strings in its own language."""
    choices = []
    for loc in site.locales:
        say = kits[loc.code].translations.gettext
        choices.append({**_language(loc),
                        "href": urls.locale_index_href(site.settings, loc.code),
                        "prompt": say(CHOOSE_LANGUAGE), "heading": say(NOT_FOUND_HEADING),
                        "message": say(NOT_FOUND_MESSAGE), "link": say(NOT_FOUND_LINK)})
    return choices


def _default_kit(site: Site, kits: dict[str, LocaleKit]) -> LocaleKit:
    return kits[site.settings.site.x_default]


def chooser_page(site: Site, kits: dict[str, LocaleKit]) -> str:
    """The root page: one link per locale, each labelled in its own language."""
    kit = _default_kit(site, kits)
    name = site.settings.site.name
    description = kit.translations.gettext(CHOOSER_DESCRIPTION) % {
        "site": name, "languages": ", ".join(loc.name for loc in site.locales)}
    head = chooser_metadata(site, name, description)
    page = _page(site, kit.locale, name, [],
                 home=urls.site_href(site.settings, "/"), canonical=root_url(site),
                 head_html=Markup(head.head_html))
    return render(kit.translations, "chooser.html", page=page, choices=_choices(site, kits))


def not_found_page(site: Site, kits: dict[str, LocaleKit]) -> str:
    """One 404 page for every path, its message in every locale."""
    kit = _default_kit(site, kits)
    page = _page(site, kit.locale, f"404 · {site.settings.site.name}", [],
                 home=urls.site_href(site.settings, "/"))
    return render(kit.translations, "404.html", page=page, choices=_choices(site, kits))


SEARCH_DESCRIPTION = N_("Search the articles of %(site)s.")


def search_page(site: Site, kit: LocaleKit, merged: list[str]) -> str:
    """The locale's search page (Pagefind: ``render/search.py``); ``noindex``, as a page
    of search results should be; ``merged``: the index shards it adds to the main one."""
    settings = site.settings
    code = kit.locale.code
    say = kit.translations.gettext
    switcher = [{**item, "href": url_of(search.page_href, settings, loc.code)}
                for item, loc in zip(index_switcher(site, kit.locale), site.locales,
                                     strict=True)]
    page = _page(site, kit.locale, f"{say('Search')} · {settings.site.name}", switcher,
                 description=say(SEARCH_DESCRIPTION) % {"site": settings.site.name},
                 canonical=search.page_url(settings, code))
    return render(kit.translations, "search.html", page=_Fields(page),
                  search={"script": url_of(urls.file_href, settings, SEARCH_SCRIPT_FILE),
                          "bundle": search.bundle_href(settings),
                          "base": urls.site_href(settings, "/"), "merged": " ".join(merged)})
