"""The detector: URLs the last published site listed that this build no longer serves.

The previous site is the last published output folder (its ``manifest.json``, which
lists every article with its URL, translation key and JSON file; a build with errors
publishes nothing, so it is always what was last put online), else the last published
``sitemap/``, or ``--previous-sitemap`` / ``[redirects] previous``: a sitemap or index
by path or URL (the live site's), read as a stream with the sitemaps.org limits
(``sitemaps.walk``; URLs fetched with the links stage's policy). URLs are compared as
the output files that serve them (decoded, NFC), so no URL is encoded on the way. Each
URL that no page, redirect or ``[redirects] gone`` path serves any more is RD101
(error), at the article it most likely became: the one of the same translation key and
locale (from the previous ``manifest.json``, or from the sitemap's hreflang alternates),
else the most similar title, else slug, in the same locale and at least
``MIN_SIMILARITY`` alike (RD102 when no article is like it; the similarity search runs
for the first ``MAX_SEARCHES`` URLs only, so a build where every URL vanished stays
fast). Index, tag and pagination pages, other hosts and articles held back (draft,
scheduled, expired) are not reported. An unreadable previous sitemap is a warning
(RD103, RD104 a limit crossed).
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

import orjson

from pipeline.core import urls
from pipeline.core.addresses import PAGE_FOLDER, TAGS_FOLDER
from pipeline.core.jsontypes import JSONObject
from pipeline.core.model import Finding, Severity, Site
from pipeline.core.settings import Settings
from pipeline.engine.outputs import FolderRun
from pipeline.hreflang.model import AnnotatedPage
from pipeline.redirects.paths import normal, normal_decoded, of_href, output_file
from pipeline.redirects.plan import Redirect
from pipeline.redirects.site import base_path
from pipeline.sitemaps.model import INDEX_NAME
from pipeline.sitemaps.reader import Listed, sitemap_files
from pipeline.sitemaps.walk import Codes, Download, Places, SitemapWalk, is_url

CODES = Codes(unreadable="RD103", limit="RD104")
MANIFEST_NAME = "manifest.json"  # the bundles stage's list of what the output holds
MAX_JSON_BYTES = 1 << 20  # an old article.json read for its title
MIN_SIMILARITY = 0.5  # difflib ratio below which nothing is "like" the old title or slug
MAX_SEARCHES = 200  # similarity searches per build; past them, only translation keys
HINT = "add `aliases: [\"{old}\"]` to that file or run `seo-pipeline mv`"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--previous-sitemap", metavar="PATH_OR_URL", default=None,
                        help="compare the URLs published with this sitemap (default: "
                        "[redirects] previous, else the last published output)")


def disappeared(site: Site, dist: FolderRun, entries: list[JSONObject],
                written: set[str], redirects: list[Redirect],
                previous: str | None = None, old: Mapping[str, JSONObject] | None = None,
                served: set[str] | frozenset[str] = frozenset()) -> list[Finding]:
    """RD1xx findings: every previously published URL this build does not serve. ``old``:
    the last manifest's articles by URL when the caller has read them (else read here);
    ``served``: URLs of pages this run writes whose file is the one their path names as
    is (``stages.bundles.served_urls``), taken as served without decoding them."""
    settings = site.settings
    if previous and not is_url(previous):  # on the command line: from the working folder
        previous = str(Path(previous).resolve())
    place = previous or settings.redirects.previous
    old = _old_bundles(dist) if old is None else old
    quiet = written | _held(site) | {output_file(r.source) for r in redirects} | {
        output_file(normal(p)) for p in settings.redirects.gone}
    gone: dict[str, Listed] = {}

    def check(item: Listed) -> None:  # as files of the output: no URL is encoded
        if item.page.url in served:
            return
        path = _site_path(settings, item.page.url) if item.page.url else None
        if path is not None and output_file(path) not in quiet \
                and not _is_list_page(settings, path):
            gone.setdefault(path, item)

    findings: list[Finding] = []
    if place or not old:
        starts = _starts(settings, place)
        if not starts:
            return []
        with _downloader(settings, any(is_url(s) for s in starts)) as download:
            walk = SitemapWalk(Places(settings.root, download), starts, CODES)
            for item in walk:  # a stream: only what is gone is kept
                check(item)
        findings += [dataclasses.replace(f, severity=Severity.WARNING) for f in walk.findings]
    else:  # the last published output's own list of its articles: no sitemap to parse
        shown = f"{settings.paths.output}/{MANIFEST_NAME}"
        for url in old:  # in the manifest's order: the first of one path is shown
            if url not in served:
                check(Listed(AnnotatedPage(url, shown, 1, ()), 1, 1))
    if not gone:
        return findings
    old_by_path = {p: b for url, b in old.items() if (p := _site_path(settings, url))}
    candidates = Candidates(entries, base_path(settings))
    for path in sorted(gone):
        item = gone[path]
        findings.append(_finding(settings, item, path, _likely(settings, item, path,
                                                                 old_by_path, candidates)))
    return findings


def _starts(settings: Settings, place: str) -> list[str]:
    """Where the previous sitemap is read from (none when there is none yet)."""
    if place and is_url(place):
        return [place]
    path = (settings.root / place) if place else settings.path("sitemap")
    if path.is_dir():
        index = path / INDEX_NAME
        return [str(index)] if index.is_file() else [str(p) for p in sitemap_files(path)]
    return [str(path)] if place or path.is_file() else []


@contextmanager
def _downloader(settings: Settings, needed: bool) -> Iterator[Download | None]:
    """Downloads with the links stage's policy (``[links]``), when a URL is to be read."""
    if not needed:
        yield None
        return
    from pipeline.hreflang.fetch import Fetcher
    from pipeline.links.policy import build_policy

    fetcher = Fetcher(build_policy(settings.links, None))
    try:
        yield fetcher.download
    finally:
        fetcher.close()


def _key(url: str) -> str:
    try:
        return urls.normalise(urls.iri_to_uri(url))
    except ValueError:
        return url


def _held(site: Site) -> set[str]:
    """Output files of articles held back on purpose (drafts, scheduled, expired)."""
    held = site.held  # the complement of ``site.published()``, without hashing paths
    return {urls.address(site.settings, a.locale, a.slug).file for a in site.articles
            if a.meta.draft or (held and a.source.as_posix() in held)}


def _site_path(settings: Settings, url: str) -> str | None:
    """The normal site path (``paths.normal``) of a URL of this site, else None."""
    prefix = settings.base_url + "/"
    if url.startswith(prefix) and "?" not in url and "#" not in url:
        raw = url[len(prefix) - 1:]  # as this pipeline writes it: no normalising needed
    else:
        key = _key(url)
        if not key.startswith(_key(prefix)):
            return None
        raw = urlsplit(key).path[len(base_path(settings)):]
    try:
        path = unquote(raw, errors="strict")
    except UnicodeDecodeError:
        return None
    return normal_decoded(path) if path.startswith("/") else None


def _is_list_page(settings: Settings, path: str) -> bool:
    """``/``, ``/en/``, ``/en/page/2/``, ``/en/tags/...``: lists that shrink and grow."""
    parts = path.strip("/").split("/")
    if parts == [""]:
        return True
    if parts[0] not in settings.locale_codes:
        return False
    return len(parts) == 1 or parts[1] == TAGS_FOLDER or \
        (parts[1] == PAGE_FOLDER and len(parts) == 3 and parts[2].isdigit())


def _old_bundles(dist: FolderRun) -> dict[str, JSONObject]:
    """The previous output's articles by URL (its ``manifest.json``), when it has one."""
    folder = dist.publication.folder.target
    if MANIFEST_NAME not in dist.current:
        return {}
    try:
        data = orjson.loads((folder / MANIFEST_NAME).read_bytes())
        items = data["bundles"]
        found = {str(b["url"]): b for b in items if isinstance(b, dict) and "url" in b}
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError):
        return {}
    for bundle in found.values():
        bundle["_folder"] = folder
    return found


def _old_title(bundle: JSONObject) -> str:
    path = Path(bundle["_folder"]) / str(bundle.get("json", ""))
    try:
        if path.is_file() and path.stat().st_size <= MAX_JSON_BYTES:
            data = orjson.loads(path.read_bytes())
            return str(data.get("title", "")) if isinstance(data, dict) else ""
    except (OSError, orjson.JSONDecodeError):
        pass
    return ""


class Candidates:
    """The current articles, indexed once: by (translation key, locale), by URL, and per
    locale for the similarity search, which runs at most ``MAX_SEARCHES`` times a build
    (a changed ``url_pattern`` can make every URL disappear at once)."""

    def __init__(self, entries: list[JSONObject], base: str):
        self.base = base
        self.by_key = {(e["key"], e["locale"]): e for e in entries}
        self.key_by_url = {_key(e["url"]): e["key"] for e in entries}
        self.by_locale: dict[str, list[JSONObject]] = {}
        for entry in sorted(entries, key=lambda e: e["url"]):
            self.by_locale.setdefault(entry["locale"], []).append(entry)
        self.searches = 0

    def search(self, text: str, locale: str, by_title: bool) -> JSONObject | None:
        if self.searches >= MAX_SEARCHES:
            return None
        self.searches += 1
        if by_title:
            return _most_similar(text, self.by_locale.get(locale, []), lambda e: e["title"])
        return _most_similar(text, self.by_locale.get(locale, []), lambda e: of_href(
            self.base, e["href"]).strip("/").rsplit("/", 1)[-1])


def _likely(settings: Settings, item: Listed, path: str, old: Mapping[str, JSONObject],
            candidates: Candidates) -> tuple[JSONObject, str] | None:
    """The current article the old URL (at site path ``path``) most likely became, and why."""
    bundle = old.get(path)
    key = _key(item.page.url)
    locale = str(bundle.get("locale")) if bundle else _locale_of(settings, item, key, path)
    translation = bundle.get("translationKey") if bundle else _key_by_alternates(
        item, key, candidates.key_by_url)
    if translation and (translation, locale) in candidates.by_key:
        return candidates.by_key[(translation, locale)], "same translationKey"
    title = _old_title(bundle) if bundle and candidates.searches < MAX_SEARCHES else ""
    if title:
        best = candidates.search(title, locale, by_title=True)
        return (best, "most similar title") if best else None
    best = candidates.search(path.strip("/").rsplit("/", 1)[-1], locale, by_title=False)
    return (best, "most similar address") if best else None


def _locale_of(settings: Settings, item: Listed, key: str, path: str) -> str:
    by_hreflang = {loc.hreflang.lower(): loc.code for loc in settings.locales}
    for alternate in item.page.alternates:
        if _key(alternate.href) == key and alternate.hreflang.lower() in by_hreflang:
            return by_hreflang[alternate.hreflang.lower()]
    first = path.strip("/").split("/")[0]
    return first if first in settings.locale_codes else ""


def _key_by_alternates(item: Listed, key: str, by_url: dict[str, str]) -> str | None:
    """The translation key of an alternate of the old URL that is still published."""
    for alternate in item.page.alternates:
        other = _key(alternate.href)
        if other != key and other in by_url:
            return by_url[other]
    return None


def _most_similar(text: str, entries: list[JSONObject],
                  of: Callable[[JSONObject], str]) -> JSONObject | None:
    best, score = None, MIN_SIMILARITY
    wanted = text.casefold()
    for entry in entries:  # sorted by URL: the first of equals wins
        ratio = difflib.SequenceMatcher(None, wanted, str(of(entry)).casefold()).ratio()
        if ratio > score or (ratio == score and best is None):
            best, score = entry, ratio
    return best


def _finding(settings: Settings, item: Listed, path: str,
             likely: tuple[JSONObject, str] | None) -> Finding:
    old_url = urls.display(item.page.url)
    if likely is None:
        return Finding(item.page.path, item.loc_line, item.loc_col, "RD102", Severity.ERROR,
                       f"{old_url} was published and is gone, and no article is like it",
                       f"redirect it: [redirects] rules = [\"{path} /NEW/\"], or list it in "
                       "[redirects] gone")
    entry, why = likely
    return Finding(entry["source"], 1, 1, "RD101", Severity.ERROR,
                   f"{old_url} was published and is gone (no page or redirect serves it); "
                   f"it most likely became {urls.display(entry['url'])} ({why})",
                   HINT.format(old=path))
