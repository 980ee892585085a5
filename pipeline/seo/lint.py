"""Metadata lint: what a search result or a share card would show badly.

Codes: META001 title length, META002 description length, META003 image URL not
absolute, META004 image file missing, META005 image smaller than the minimum,
META006 image unreadable, META007 image not measured (external), META008 duplicate
title, META009 duplicate description, META010 bad ``metadata.locale_limits`` entry.
Lengths follow the one rule of ``seo.lengths`` (grapheme clusters, so Arabic vowel marks
do not count as characters of their own) and are reported here only (validate reports
them for files it keeps out of the site, which never reach this stage);
``metadata.locale_limits`` (``"ar:title_max=70"``) sets limits per locale.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

import regex

from pipeline.core import urls
from pipeline.core.model import Article, Finding, Severity, Site
from pipeline.core.settings import Settings
from pipeline.seo import images
from pipeline.seo.lengths import outside
from pipeline.seo.metadata import asset_url

LIMIT_KEYS = ("title_min", "title_max", "description_min", "description_max")
_LIMIT = regex.compile(r"\s*([a-z0-9-]+)\s*:\s*(\w+)\s*=\s*(\d+)\s*")


def locale_limits(site: Site) -> tuple[dict[str, dict[str, int]], list[Finding]]:
    """Length limits per locale code: the defaults with ``locale_limits`` applied."""
    rules = site.settings.metadata
    limits = {loc.code: {key: getattr(rules, key) for key in LIMIT_KEYS}
              for loc in site.locales}
    findings = []
    for entry in rules.locale_limits:
        match = _LIMIT.fullmatch(entry)
        if match is None or match[1] not in limits or match[2] not in LIMIT_KEYS:
            findings.append(Finding("site.toml", 1, 1, "META010", Severity.ERROR,
                                    f"metadata.locale_limits entry {entry!r} is not "
                                    "'<locale>:<limit>=<number>' for a configured locale",
                                    f"limits: {', '.join(LIMIT_KEYS)}; e.g. 'ar:title_max=70'"))
            continue
        limits[match[1]][match[2]] = int(match[3])
    return limits, findings


def lint(site: Site) -> list[Finding]:
    """Every metadata finding over the published articles."""
    articles = list(site.published())
    limits, findings = locale_limits(site)
    for article in articles:
        findings += article_findings(site.settings, article, limits[article.locale])
    return sorted(findings + site_findings(articles))


def locale_limits_of(settings: Settings) -> dict[str, dict[str, int]]:
    """``locale_limits`` of the settings alone (its findings come from ``locale_limits``)."""
    return locale_limits(Site(settings, ()))[0]


def article_findings(settings: Settings, article: Article,
                     limits: dict[str, int]) -> list[Finding]:
    """What one article's metadata shows badly, on its own."""
    return _lengths(article, limits) + _image(Site(settings, ()), article)


def site_findings(articles: list[Article]) -> list[Finding]:
    """Findings across articles: duplicate titles and descriptions, one per cluster."""
    return (_duplicates(articles, lambda a: a.meta.title, "title", "META008", "title")
            + _duplicates(articles, lambda a: a.meta.excerpt, "excerpt", "META009",
                          "description (excerpt)"))


def _at(article: Article, key: str, code: str, severity: Severity, message: str,
        hint: str = "") -> Finding:
    return Finding(article.source.as_posix(), article.line_of(key), 1, code, severity,
                   message, hint)


def _lengths(article: Article, limits: dict[str, int]) -> list[Finding]:
    return length_findings(article.source.as_posix(), article.line_of, article.locale,
                           {"title": article.meta.title, "excerpt": article.meta.excerpt},
                           limits)


def length_findings(path: str, line_of: Callable[[str], int], locale: str,
                    texts: dict[str, str], limits: dict[str, int]) -> list[Finding]:
    """The one length finding per field (META001 title, META002 excerpt) of ``texts``.

    Also used by validate for a file schema errors keep out of the site (which never
    reaches this stage), so each problem is reported once."""
    checks = (("title", limits["title_min"], limits["title_max"], "META001", "title"),
              ("excerpt", limits["description_min"], limits["description_max"], "META002",
               "description (excerpt)"))
    findings = []
    for key, low, high, code, label in checks:
        size = outside(texts[key], low, high) if key in texts else None
        if size is not None:
            findings.append(Finding(path, line_of(key), 1, code, Severity.WARNING,
                                    f"{label} is {size} characters in '{locale}'; "
                                    f"{low}-{high} fits search results",
                                    "shorten it" if size > high else "say more"))
    return findings


def _image(site: Site, article: Article) -> list[Finding]:
    ref = article.meta.og_image
    key = "ogImage.url" if "ogImage" in article.key_lines else "coverImage"
    if not ref.strip():
        return [_at(article, key, "META003", Severity.ERROR, "no share image",
                    "set ogImage.url or coverImage")]
    url = asset_url(site.settings, ref)
    if not urls.is_absolute(url):
        return [_at(article, key, "META003", Severity.ERROR,
                    f"share image URL is not absolute: {url}", "use /assets/... or https://...")]
    info = images.inspect(site.settings, ref)
    if isinstance(info, images.ImageProblem):
        codes = {"missing": ("META004", Severity.ERROR, "add the file under public/"),
                 "unreadable": ("META006", Severity.ERROR, "save it as JPEG, PNG or WebP"),
                 "external": ("META007", Severity.INFO, "only local files are measured")}
        code, severity, hint = codes[info.kind]
        return [_at(article, key, code, severity, f"share image: {info.detail}", hint)]
    rules = site.settings.metadata
    if info.width < rules.image_min_width or info.height < rules.image_min_height:
        return [_at(article, key, "META005", Severity.WARNING,
                    f"share image is {info.width}x{info.height}, smaller than "
                    f"{rules.image_min_width}x{rules.image_min_height}",
                    "large cards need at least 1200x630 pixels")]
    return []


def _duplicates(articles: Iterable[Article], value: Callable[[Article], str], key: str,
                code: str, label: str) -> list[Finding]:
    groups: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        groups[" ".join(value(article).casefold().split())].append(article)
    findings = []
    for group in groups.values():  # one finding per cluster, at its first member
        if len(group) < 2:
            continue
        group = sorted(group, key=lambda a: a.source.as_posix())
        members = ", ".join(a.source.as_posix() for a in group)
        findings.append(_at(group[0], key, code, Severity.WARNING,
                            f"{len(group)} articles share one {label}: {members}",
                            "each page needs its own; a copied text may be untranslated"))
    return findings
