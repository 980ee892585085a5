"""Site-internal targets checked offline: article pages, locale indexes, files in ``public/``.

A link to an article with a ``#fragment`` is checked against the heading ids its page
gets from the renderer the bundles stage uses, so no build is needed first.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from urllib.parse import unquote

from pipeline.content.assets import public_of
from pipeline.core.model import Article, Site
from pipeline.links.fragments import norm_anchor
from pipeline.links.types import State, Target, Verdict


def check(site: Site, target: Target) -> Verdict:
    """Whether an internal target exists in the model or under ``public/``."""
    if target.key.startswith("source:"):
        return _check_source(site, target.uri)
    path = unquote(target.uri)
    codes = site.settings.locale_codes
    if path in ("", "/") or path.strip("/") in codes:
        return Verdict(State.OK, detail="site page")
    page = page_match(site.settings.site.url_pattern, path)
    if page is not None and page[0] in codes:
        locale, slug = page
        article = site.find(locale, slug)
        if article is not None:
            return Verdict(State.OK, detail="article", anchors=article_anchors(site, article))
        return Verdict(State.BROKEN, detail="no-such-article",
                       suggestion=_suggest_slug(site, locale, slug))
    if public_file(site.settings.path("public"), target.uri) is not None:
        return Verdict(State.OK, detail="public file")
    return Verdict(State.BROKEN, detail="missing-file")


def article_anchors(site: Site, article: Article) -> frozenset[str]:
    """The heading ids the article's page will carry, as the bundles stage renders them."""
    from pipeline.render.markdown import heading_ids, policy_of  # only when needed

    headings = heading_ids(article.body, policy_of(site.settings.bundles))
    return frozenset(norm_anchor(h.id) for h in headings if h.id)


def public_file(public: Path, path: str) -> Path | None:
    """The file under ``public/`` that a site path names (``index.html`` for folders),
    through the one lookup under ``public/`` (``content.assets``)."""
    lookup = public_of(public)
    relative = lookup.relative(path if path.startswith("/") else "/" + path)
    if relative is None:
        return None
    folder = relative.rstrip("/")
    for candidate in (folder, f"{folder}/index.html" if folder else "index.html"):
        if candidate and lookup.is_file("/" + candidate):
            return Path(lookup.folder, candidate)
    return None


def page_match(pattern: str, path: str) -> tuple[str, str] | None:
    regex = re.escape(pattern.rstrip("/")).replace(r"\{locale\}", "(?P<locale>[^/]+)")
    regex = regex.replace(r"\{slug\}", "(?P<slug>[^/]+)")
    match = re.fullmatch(regex + "/?", path)
    if not match:
        return None
    groups = match.groupdict()
    return groups.get("locale", ""), groups["slug"]


def _suggest_slug(site: Site, locale: str, slug: str) -> str:
    slugs = [a.slug for a in site.in_locale(locale)]
    close = difflib.get_close_matches(slug, slugs, n=1)
    return f"/{locale}/{close[0]}/" if close else ""


def _check_source(site: Site, source: str) -> Verdict:
    for article in site.articles:
        if article.source.as_posix() == source:
            return Verdict(State.OK, detail="article source")
    if (site.settings.root / source).is_file():
        return Verdict(State.OK, detail="file")
    return Verdict(State.BROKEN, detail="missing-file")
