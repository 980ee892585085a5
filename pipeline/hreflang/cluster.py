"""hreflang checks over a set of annotated pages (pure: data in, findings out).

Codes: HL001 invalid code, HL002 unusual language/region, HL003 no self-reference,
HL004 no return link, HL005 alternate outside the audited set, HL006 one code with
several URLs, HL007 no x-default, HL008 canonical to another language, HL009 canonical
to another page, HL010 head and sitemap disagree, HL011 page in only one source
(HL012 unreadable sitemap, HL013 index child not found, HL016 a sitemaps.org or reading
limit crossed (what was not read) and HL017 no URL read, nothing audited come from
``sources`` and ``pipeline.sitemaps.walk``; HL014 redirecting URL and HL015 URL not
answering 200 from the live audit, ``live``).

Self-reference and return links are judged by language code: ``x-default`` never stands
in for either. The one page whose own code is ``x-default`` is the language chooser: a
URL no page of its cluster lists under a language code (``is_language_version``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

from pipeline.core import urls
from pipeline.core.model import Finding, Severity
from pipeline.hreflang.codes import X_DEFAULT, check_code
from pipeline.hreflang.model import AnnotatedPage, Annotation


@lru_cache(maxsize=1 << 18)
def norm(url: str) -> str:
    """Comparison form of a URL; an unparsable one is compared as written (memoised: a
    URL of a cluster is met once per member)."""
    try:
        return urls.normalise(url)
    except ValueError:
        return url


def index_pages(pages: Iterable[AnnotatedPage]) -> dict[str, AnnotatedPage]:
    """Pages by normalised URL (the first declaration of a URL wins)."""
    index: dict[str, AnnotatedPage] = {}
    for page in pages:
        index.setdefault(norm(page.url), page)
    return index


def check_pages(index: dict[str, AnnotatedPage], complete: bool,
                unreachable: frozenset[str] | set[str] = frozenset()) -> list[Finding]:
    """Every cluster problem. ``complete``: every alternate should be in ``index``;
    ``unreachable``: normalised URLs already reported as not answering (not HL005 too)."""
    findings: list[Finding] = []
    for own, page in index.items():
        if page.alternates:
            findings += _page(own, page, index, complete, unreachable)
    return findings


def _at(page: AnnotatedPage, line: int, code: str, severity: Severity, message: str,
        hint: str = "") -> Finding:
    return Finding(page.path, line or page.line, 1, code, severity, message, hint)


def _page(own: str, page: AnnotatedPage, index: dict[str, AnnotatedPage],
          complete: bool, unreachable: frozenset[str] | set[str]) -> list[Finding]:
    declared = [(a, norm(a.href)) for a in page.alternates]
    findings = _codes(page)
    findings += _one_url_per_code(page, declared)
    language_page = is_language_version(own, declared, index)
    findings += _self_reference(own, page, declared, language_page)
    if not any(a.hreflang.lower() == X_DEFAULT for a, _ in declared):
        findings.append(_at(page, page.line, "HL007", Severity.WARNING,
                            f"{urls.display(page.url)} has no x-default alternate",
                            "add hreflang=\"x-default\" for users of other languages"))
    findings += _return_links(own, page, declared, index, complete, language_page,
                              unreachable)
    findings += _canonical(own, page, declared, index)
    return findings


def _codes_for(own: str, declared: Iterable[tuple[Annotation, str]]) -> set[str]:
    """The codes (lower case, ``x-default`` included) under which ``own`` is listed."""
    return {a.hreflang.lower() for a, href in declared if href == own}


def is_language_version(own: str, declared: list[tuple[Annotation, str]],
                        index: dict[str, AnnotatedPage]) -> bool:
    """Is the page a language version, i.e. listed under a language code by itself or by a
    page of its cluster? If not, and it lists itself as ``x-default``, it is a language
    chooser: the one kind of page whose self-reference and return links are x-default."""
    if _codes_for(own, declared) - {X_DEFAULT}:
        return True
    for href in {href for _, href in declared if href != own}:
        target = index.get(href)
        if target is not None and _codes_for(
                own, ((b, norm(b.href)) for b in target.alternates)) - {X_DEFAULT}:
            return True
    return False


def _self_reference(own: str, page: AnnotatedPage, declared: list[tuple[Annotation, str]],
                    language_page: bool) -> list[Finding]:
    codes = _codes_for(own, declared)
    shown = urls.display(page.url)
    if language_page and codes == {X_DEFAULT}:
        return [_at(page, page.line, "HL003", Severity.ERROR,
                    f"{shown} lists itself only as x-default, not with its language code",
                    "x-default is an extra: each language version also names itself with "
                    "its own hreflang")]
    if not codes:
        return [_at(page, page.line, "HL003", Severity.ERROR,
                    f"{shown} does not list itself among its alternates",
                    "every page names its own URL with its own hreflang")]
    return []


def _codes(page: AnnotatedPage) -> list[Finding]:
    findings, seen = [], set()
    for alt in page.alternates:
        if alt.hreflang in seen:
            continue
        seen.add(alt.hreflang)
        problem = check_code(alt.hreflang)
        if problem is not None:
            findings.append(_at(page, alt.line, problem.code, problem.severity, problem.message,
                                problem.hint))
    return findings


def _one_url_per_code(page: AnnotatedPage, declared: list[tuple[Annotation, str]]) -> list[Finding]:
    by_code: dict[str, list[tuple[Annotation, str]]] = defaultdict(list)
    for alt, href in declared:
        by_code[alt.hreflang.lower()].append((alt, href))
    findings = []
    for code, items in by_code.items():
        targets = sorted({href for _, href in items})
        if len(targets) > 1:
            findings.append(_at(page, items[1][0].line, "HL006", Severity.ERROR,
                                f"hreflang '{code}' points to {len(targets)} URLs: "
                                f"{', '.join(urls.display(t) for t in targets)}",
                                "keep one URL per language code"))
    return findings


def _return_links(own: str, page: AnnotatedPage, declared: list[tuple[Annotation, str]],
                  index: dict[str, AnnotatedPage], complete: bool, language_page: bool,
                  unreachable: frozenset[str] | set[str]) -> list[Finding]:
    """Each alternate must list this page back: by a language code when this page is a
    language version (an x-default link back does not count), as x-default when it is
    the language chooser."""
    findings, seen = [], {own}
    for alt, href in declared:
        if href in seen:
            continue
        seen.add(href)
        target = index.get(href)
        if target is None and href in unreachable:
            continue
        if target is None:
            severity = Severity.ERROR if complete else Severity.WARNING
            where = "is not a page of this site" if complete else (
                "is not in the audited sitemaps; its return link is not checked")
            findings.append(_at(page, alt.line, "HL005", severity,
                                f"alternate '{alt.hreflang}' {urls.display(alt.href)} {where}"))
            continue
        back = _codes_for(own, ((b, norm(b.href)) for b in target.alternates))
        if language_page:
            back.discard(X_DEFAULT)
        if not back:
            only_default = language_page and _codes_for(
                own, ((b, norm(b.href)) for b in target.alternates)) == {X_DEFAULT}
            detail = " except as x-default" if only_default else ""
            findings.append(_at(page, alt.line, "HL004", Severity.ERROR,
                                f"alternate '{alt.hreflang}' {urls.display(alt.href)} does not "
                                f"link back to {urls.display(page.url)}{detail}",
                                "hreflang links must be reciprocal and name each language "
                                "version by its language code, or search engines ignore them"))
    return findings


def _languages(href: str, declared: list[tuple[Annotation, str]]) -> set[str]:
    return {a.hreflang.lower().split("-")[0] for a, h in declared
            if h == href and a.hreflang.lower() != X_DEFAULT}


def _canonical(own: str, page: AnnotatedPage, declared: list[tuple[Annotation, str]],
               index: dict[str, AnnotatedPage]) -> list[Finding]:
    if page.canonical is None or norm(page.canonical) == own:
        return []
    target = norm(page.canonical)
    mine = _languages(own, declared)
    theirs = _languages(target, declared)
    if not theirs and target in index:
        theirs = _languages(target, [(a, norm(a.href)) for a in index[target].alternates])
    shown = urls.display(page.canonical)
    if mine and theirs and not mine & theirs:
        return [_at(page, page.canonical_line, "HL008", Severity.ERROR,
                    f"canonical points to {shown}, a page in another language "
                    f"({', '.join(sorted(theirs))})",
                    "a translation is canonical to itself; hreflang links the languages")]
    return [_at(page, page.canonical_line, "HL009", Severity.WARNING,
                f"canonical points to {shown}; hreflang on a non-canonical page is ignored",
                "make the page canonical to itself or drop its hreflang links")]


def compare_sources(heads: dict[str, AnnotatedPage],
                    sitemaps: dict[str, AnnotatedPage]) -> list[Finding]:
    """Head tags and sitemap entries must declare the same alternates for each page."""
    findings = []
    for url, head in heads.items():
        entry = sitemaps.get(url)
        if entry is None:
            findings.append(_at(head, head.line, "HL011", Severity.WARNING,
                                f"{urls.display(head.url)} is missing from the sitemaps",
                                "run 'seo-pipeline sitemaps'"))
            continue
        in_head, in_map = _pairs(head), _pairs(entry)
        if in_head != in_map:
            only_head = ", ".join(f"{c} {urls.display(h)}" for c, h in sorted(in_head - in_map))
            only_map = ", ".join(f"{c} {urls.display(h)}" for c, h in sorted(in_map - in_head))
            findings.append(_at(entry, entry.line, "HL010", Severity.ERROR,
                                f"sitemap and page head disagree for {urls.display(url)}: "
                                f"only in head: {only_head or '-'}; only in sitemap: "
                                f"{only_map or '-'}", "rebuild both from the same content"))
    for url, entry in sitemaps.items():
        if url not in heads:
            findings.append(_at(entry, entry.line, "HL011", Severity.WARNING,
                                f"sitemap lists {urls.display(url)}, which is not a page of "
                                "this site", "rebuild the sitemaps"))
    return findings


def _pairs(page: AnnotatedPage) -> set[tuple[str, str]]:
    return {(a.hreflang.lower(), norm(a.href)) for a in page.alternates}
