"""Related articles: per article page, a few others of its locale, by shared tags and text.

Computed from small per-article summaries only (translation key, tags, and the term
summary loading made: ``content.terms``), never by reading bodies. Per locale the terms
get TF-IDF weights (vectors of unit length). Candidates come from the heaviest postings of
an article's strongest terms and from the newest articles of each of its tags (bounded
work per article, so 20,000 articles take about a second); a candidate's score is the
dot product over those terms plus ``TAG_WEIGHT`` per shared tag. Scores are summed over
the locales two translation groups share, so the translations of an article list the
translations of the same articles. Too few candidates: the newest articles fill the list.
Scores are rounded and ties break by translation key, so the lists are deterministic.

The result, ``{translation key: {source: [[href, title], ...]}}``, is small; each work
unit gets its group's lists and its fingerprint covers them, so an edit re-renders only
the pages whose lists changed (``engine.incremental``).
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.content.tags import TagNames, tag_names
from pipeline.core import urls
from pipeline.core.model import Article, Site

QUERY_TERMS = 6  # strongest terms an article is compared by
POSTINGS = 16  # heaviest articles per term (newest per tag) taken as candidates
KEEP = 12  # best candidates kept per article and locale
TAG_WEIGHT = 0.3  # per shared tag, on top of the cosine (at most 1)
DIGITS = 9  # scores are rounded so summation order never reorders a list

Links = dict[str, dict[str, list[list[str]]]]  # key -> source -> [[href, title], ...]


@dataclass(frozen=True)
class Doc:
    """What related lists need of one published article (no body)."""

    key: str
    source: str
    href: str
    title: str
    order: tuple[float, str]  # newest first, then by key
    tags: frozenset[str]
    terms: tuple[tuple[str, int], ...]


def docs_of(site: Site) -> dict[str, dict[str, Doc]]:
    """Per locale, the first published article of each translation key, as a ``Doc``."""
    names = tag_names(site.settings)
    found: dict[str, dict[str, Doc]] = {}
    for article in site.published():
        mine = found.setdefault(article.locale, {})
        if article.translation_key not in mine:
            mine[article.translation_key] = _doc(site, article, names)
    return found


def _doc(site: Site, article: Article, names: TagNames) -> Doc:
    meta = article.meta
    tags = frozenset(names.key(article.locale, t) for t in meta.tags)
    return Doc(meta.translation_key, article.source.as_posix(),
               urls.page_href(site.settings, article.locale, meta.slug), meta.title,
               (-meta.date.timestamp(), meta.translation_key), tags, article.terms)


def _vectors(docs: Sequence[Doc]) -> list[dict[str, float]]:
    """TF-IDF vectors of unit length, in ``docs`` order."""
    df: Counter[str] = Counter(t for doc in docs for t, _ in doc.terms)
    n = len(docs)
    idf = {t: math.log(1 + n / d) for t, d in df.items()}
    vectors = []
    for doc in docs:
        vec = {t: (1 + math.log(c)) * idf[t] for t, c in doc.terms if c > 0}
        norm = math.sqrt(sum(w * w for w in vec.values())) or 1.0
        vectors.append({t: w / norm for t, w in vec.items()})
    return vectors


def locale_scores(docs: dict[str, Doc]) -> dict[str, dict[str, float]]:
    """Per translation key of one locale: its best candidates and their scores."""
    ordered = [docs[k] for k in sorted(docs)]
    vectors = _vectors(ordered)
    postings: dict[str, list[tuple[float, str]]] = {}
    for doc, vec in zip(ordered, vectors, strict=True):
        for t, w in vec.items():
            postings.setdefault(t, []).append((w, doc.key))
    heads = {t: heapq.nsmallest(POSTINGS, p, key=lambda item: (-item[0], item[1]))
             for t, p in postings.items()}
    by_tag: dict[str, list[Doc]] = {}
    for doc in sorted(ordered, key=lambda d: d.order):
        for tag in doc.tags:
            if len(by_tag.setdefault(tag, [])) < POSTINGS + 1:
                by_tag[tag].append(doc)
    scores: dict[str, dict[str, float]] = {}
    for doc, vec in zip(ordered, vectors, strict=True):
        found: dict[str, float] = {}
        strongest = heapq.nsmallest(QUERY_TERMS, vec.items(), key=lambda i: (-i[1], i[0]))
        for t, w in strongest:  # the dot product over the strongest terms' heaviest postings
            for theirs, other in heads[t]:
                found[other] = found.get(other, 0.0) + w * theirs
        for tag in sorted(doc.tags):
            for other_doc in by_tag[tag]:
                found[other_doc.key] = found.get(other_doc.key, 0.0) + TAG_WEIGHT
        found.pop(doc.key, None)
        scores[doc.key] = dict(heapq.nsmallest(KEEP, found.items(), key=_best))
    return scores


def _best(item: tuple[str, float]) -> tuple[float, str]:
    return -round(item[1], DIGITS), item[0]


def related_links(site: Site, count: int) -> Links:
    """``{key: {source: [[href, title], ...]}}`` for every published article: up to
    ``count`` of the same locale each (none when ``count`` is 0)."""
    if count <= 0:
        return {}
    by_locale = docs_of(site)
    per_locale = {code: locale_scores(docs) for code, docs in by_locale.items()}
    links: Links = {}
    for docs in by_locale.values():
        newest = [d.key for d in sorted(docs.values(), key=lambda d: d.order)[:count + 1]]
        for key, doc in docs.items():
            total: dict[str, float] = {}
            for scores in per_locale.values():  # the same relation in every language
                for other, score in scores.get(key, {}).items():
                    if other in docs:
                        total[other] = total.get(other, 0.0) + score
            ranked = [k for k, _ in heapq.nsmallest(count, total.items(), key=_best)]
            ranked += _fill(newest, key, ranked, count)
            links.setdefault(key, {})[doc.source] = [[docs[k].href, docs[k].title]
                                                     for k in ranked]
    return links


def _fill(newest: Iterable[str], key: str, ranked: list[str], count: int) -> list[str]:
    """The newest articles that complete a list shorter than ``count``."""
    extra: list[str] = []
    for other in newest:
        if len(ranked) + len(extra) >= count:
            break
        if other != key and other not in ranked:
            extra.append(other)
    return extra
