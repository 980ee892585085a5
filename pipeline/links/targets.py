"""Raw links -> unique targets: external URIs (normalised) or site-internal paths.

Internal means: no scheme (relative or site-absolute paths), or an absolute URL on the
site's own host whose path names a locale, an article page or a file under ``public/``.
Relative links resolve against the article's page URL, except links to Markdown files,
which resolve against the source file. Identical targets share one ``Target``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

from pipeline.core.model import Article, Site
from pipeline.core.urls import host_of, iri_to_uri, normalise, page_path, quote_component
from pipeline.links.internal import public_file
from pipeline.links.types import Occurrence, State, Target, Verdict

SKIPPED_SCHEMES = frozenset({"mailto", "tel", "sms", "javascript", "data", "ftp", "irc"})
MARKDOWN_SUFFIXES = (".md", ".markdown")
T = TypeVar("T")


Classified = tuple[str, str, bool, str, Verdict | None]  # key, uri, internal, fragment, known


def collect(site: Site, links: list[tuple[Article, Occurrence]]) -> dict[str, Target]:
    """Unique targets keyed by their normalised form, each with all its occurrences."""
    own_host = host_of(site.settings.base_url)
    return collect_by(links, lambda article, occ: classify(site, article, occ.raw, own_host))


def collect_by(links: list[tuple[T, Occurrence]],
               classify_one: Callable[[T, Occurrence], Classified]) -> dict[str, Target]:
    """``collect`` with another classification (built pages, sitemaps)."""
    targets: dict[str, Target] = {}
    for origin, occurrence in links:
        key, uri, internal, fragment, verdict = classify_one(origin, occurrence)
        target = targets.get(key)
        if target is None:
            target = targets[key] = Target(key, uri, internal, verdict=verdict)
        target.occurrences.append(occurrence)
        if fragment:
            target.fragments.add(fragment)
    return targets


def external(raw: str) -> Classified:
    """An absolute URL taken as external whatever its host (sitemap input)."""
    base, _, fragment = raw.strip().partition("#")
    try:
        uri = normalise(base)
    except ValueError as exc:
        return f"invalid:{base}", base, False, fragment, Verdict(State.INVALID, detail=str(exc))
    if urlsplit(uri).scheme not in ("http", "https"):
        return uri, uri, False, "", Verdict(State.SKIPPED, detail="not http(s)")
    return uri, uri, False, fragment, None


def classify(site: Site, article: Article, raw: str, own_host: str) -> Classified:
    """``(key, uri, internal, fragment, verdict known without checking)`` for one link."""
    base, _, fragment = raw.strip().partition("#")
    try:
        parts = urlsplit(base)
    except ValueError as exc:
        return f"invalid:{base}", base, False, fragment, Verdict(State.INVALID, detail=str(exc))
    scheme = parts.scheme.lower()
    if not base:
        if fragment:  # '#part' of this very page: checked against its own heading ids
            return _internal(page_path(site.settings, article.locale, article.slug), fragment)
        same_page = Verdict(State.SKIPPED, detail="same-page")
        return f"page:{article.source.as_posix()}", "", True, "", same_page
    if scheme in SKIPPED_SCHEMES or (scheme and scheme not in ("http", "https")):
        return f"{scheme}:{parts.path}", base, False, "", Verdict(State.SKIPPED, detail=f"{scheme}:")
    if base.startswith("//"):
        base, scheme = "https:" + base, "https"
    if scheme:
        try:
            uri = normalise(base)
        except ValueError as exc:
            return f"invalid:{base}", base, False, fragment, Verdict(State.INVALID, detail=str(exc))
        if host_of(uri) == own_host and _is_site_path(site, urlsplit(uri).path):
            return _internal(urlsplit(uri).path, fragment)
        return uri, uri, False, fragment, None
    if parts.path.endswith(MARKDOWN_SUFFIXES):
        folder = posixpath.dirname(article.source.as_posix())
        source = posixpath.normpath(posixpath.join(folder, parts.path))
        return f"source:{source}", source, True, fragment, None
    page = page_path(site.settings, article.locale, article.slug)
    return _internal(resolve_path(page, quote_component(parts.path)), fragment)


def resolve_path(page: str, ref: str) -> str:
    """``ref`` resolved against the site path ``page`` (RFC 3986 5.2, dot segments removed)."""
    joined = ref if ref.startswith("/") else page[: page.rfind("/") + 1] + ref
    path = "/" + posixpath.normpath(joined).lstrip("/")
    if (ref.endswith("/") or ref.split("/")[-1] in ("", ".", "..")) and not path.endswith("/"):
        path += "/"
    return path


def _internal(path: str, fragment: str) -> tuple[str, str, bool, str, None]:
    path = iri_to_uri(path)
    return f"internal:{path}", path, True, fragment, None


def _is_site_path(site: Site, path: str) -> bool:
    first = path.strip("/").split("/")[0]
    return first in site.settings.locale_codes or \
        public_file(site.settings.path("public"), path) is not None
