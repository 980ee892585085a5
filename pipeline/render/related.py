"""Related articles: per article page, a few others of its locale, by shared tags and text.

Computed from small per-article summaries only (translation key, tags, and the term
summary loading made: ``content.terms``), never by reading bodies. Per locale the terms
get TF-IDF weights (vectors of unit length). Candidates come from the heaviest postings of
an article's strongest terms and from the newest articles of each of its tags (bounded
work per article, so 20,000 articles take about a second); a candidate's score is the
dot product over those terms plus ``TAG_WEIGHT`` per shared tag. Scores are summed over
the locales two translation groups share, so the translations of an article list the
translations of the same articles. Too few candidates: the newest articles fill the list.
Weights are integers (exact sums in any order) and ties break by translation key, so
the lists are deterministic.

The result, ``{translation key: {source: [[href, title], ...]}}``, is small; each work
unit gets its group's lists and its fingerprint covers them, so an edit re-renders only
the pages whose lists changed (``engine.incremental``). The lists are kept in the state
database with the fingerprint of every summary they were made from: an edit that changes
no summary (a typo in a body) reuses them without scoring again.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

import orjson

from pipeline.content.tags import TagNames, tag_names
from pipeline.core import urls
from pipeline.core.model import Article, Site
from pipeline.engine import fingerprint, resident
from pipeline.engine.outputs import Outputs
from pipeline.engine.state import read_state

QUERY_TERMS = 6  # strongest terms an article is compared by
POSTINGS = 16  # heaviest articles per term (newest per tag) taken as candidates
KEEP = 12  # best candidates kept per article and locale
TAG_WEIGHT = 0.3  # per shared tag, on top of the cosine (at most 1)
STATE_NAME = "related"  # the last run's lists and the fingerprint of their inputs
SCALE = 1 << 20  # weights are integers in units of 1/SCALE: exact, order-free sums

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


# A long-lived process (``serve --watch``) restores unchanged articles as the same
# objects: their ``Doc`` and its encoding are kept per article object and settings.
_DOCS: dict[int, tuple[Article, str, Doc, bytes]] = {}
_LAST: dict[str, tuple[str, Links]] = {}  # cache folder -> the last run's (fp, lists)


def docs_of(site: Site) -> dict[str, dict[str, Doc]]:
    """Per locale, the first published article of each translation key, as a ``Doc``."""
    return {code: {k: d for k, (d, _) in docs.items()} for code, docs in _encoded(site).items()}


def _encoded(site: Site) -> dict[str, dict[str, tuple[Doc, bytes]]]:
    names = tag_names(site.settings)
    basis = fingerprint.sections(site.settings, "site", "paths", "tags", "locales")
    found: dict[str, dict[str, tuple[Doc, bytes]]] = {}
    kept: dict[int, tuple[Article, str, Doc, bytes]] = {}
    keeping = resident.keeping()
    for article in site.published():
        mine = found.setdefault(article.locale, {})
        if article.translation_key in mine:
            continue
        held = _DOCS.get(id(article)) if keeping else None
        if held is None or held[0] is not article or held[1] != basis:
            doc = _doc(site, article, names)
            held = (article, basis, doc, orjson.dumps(
                [doc.key, doc.source, doc.href, doc.title, doc.order, sorted(doc.tags),
                 doc.terms]))
        kept[id(article)] = held
        mine[article.translation_key] = (held[2], held[3])
    _DOCS.clear()
    if keeping:
        _DOCS.update(kept)
    return found


def _doc(site: Site, article: Article, names: TagNames) -> Doc:
    meta = article.meta
    tags = frozenset(names.key(article.locale, t) for t in meta.tags)
    return Doc(meta.translation_key, article.source.as_posix(),
               urls.page_href(site.settings, article.locale, meta.slug), meta.title,
               (-meta.date.timestamp(), meta.translation_key), tags, article.terms)


def _vectors(docs: Sequence[Doc]) -> list[dict[str, int]]:
    """TF-IDF vectors of unit length, in ``docs`` order, as integers (``SCALE`` is 1), so
    sums of their products are exact in any order."""
    df: Counter[str] = Counter(t for doc in docs for t, _ in doc.terms)
    n = len(docs)
    idf = {t: math.log(1 + n / d) for t, d in df.items()}
    vectors = []
    for doc in docs:
        vec = {t: (1 + math.log(c)) * idf[t] for t, c in doc.terms if c > 0}
        norm = math.sqrt(sum(w * w for w in vec.values())) or 1.0
        vectors.append({t: round(w / norm * SCALE) for t, w in vec.items()})
    return vectors


def _ranked(scores: dict[str, int], count: int) -> list[tuple[str, int]]:
    """The ``count`` best: highest score first, ties by key (two C-speed stable sorts)."""
    items = sorted(scores.items())
    items.sort(key=itemgetter(1), reverse=True)
    return items[:count]


def locale_scores(docs: dict[str, Doc]) -> dict[str, dict[str, int]]:
    """Per translation key of one locale: its best candidates and their scores."""
    ordered = [docs[k] for k in sorted(docs)]
    vectors = _vectors(ordered)
    postings: dict[str, dict[str, int]] = {}
    for doc, vec in zip(ordered, vectors, strict=True):
        for t, w in vec.items():
            postings.setdefault(t, {})[doc.key] = w
    heads = {t: _ranked(p, POSTINGS) for t, p in postings.items()}
    by_tag: dict[str, list[str]] = {}
    for doc in sorted(ordered, key=lambda d: d.order):
        for tag in doc.tags:
            if len(members := by_tag.setdefault(tag, [])) <= POSTINGS:
                members.append(doc.key)
    tag_weight = round(TAG_WEIGHT * SCALE * SCALE)
    scores: dict[str, dict[str, int]] = {}
    for doc, vec in zip(ordered, vectors, strict=True):
        found: dict[str, int] = {}
        get = found.get
        for t, w in _ranked(vec, QUERY_TERMS):  # dot products over the strongest terms
            for other, theirs in heads[t]:
                found[other] = get(other, 0) + w * theirs
        for tag in doc.tags:
            for other in by_tag[tag]:
                found[other] = get(other, 0) + tag_weight
        found.pop(doc.key, None)
        scores[doc.key] = dict(_ranked(found, KEEP))
    return scores


def links_for(site: Site, outputs: Outputs) -> Links:
    """The lists of this run: those of the last run when every summary they are made
    from (and the count) is the same, else computed and recorded when the run commits."""
    count = site.settings.bundles.related
    if count <= 0:
        return {}
    encoded = _encoded(site)
    digest = hashlib.sha256()
    for code, docs in encoded.items():
        digest.update(f"\0{code}\0{len(docs)}".encode())
        for _, data in docs.values():
            digest.update(b"%d:%b" % (len(data), data))
    fp = fingerprint.of(fingerprint.code(), count, digest.hexdigest())
    cache = str(site.settings.path("cache"))
    last = _LAST.get(cache) if resident.keeping() else None
    if not outputs.force and last is not None and last[0] == fp:
        return last[1]  # the lists are a function of what ``fp`` covers
    old = {} if outputs.force else read_state(Path(cache), STATE_NAME, fingerprint.code())
    if old.get("fp") == fp and isinstance(old.get("links"), dict):
        _remember(cache, fp, old["links"])
        return old["links"]
    by_locale = {code: {k: d for k, (d, _) in docs.items()} for code, docs in encoded.items()}
    links = _links(by_locale, count)
    outputs.record(STATE_NAME, fingerprint.code(), {"fp": fp, "links": links})
    _remember(cache, fp, links)
    return links


def _remember(cache: str, fp: str, links: Links) -> None:
    if resident.keeping():
        _LAST[cache] = (fp, links)


def related_links(site: Site, count: int) -> Links:
    """``{key: {source: [[href, title], ...]}}`` for every published article: up to
    ``count`` of the same locale each (none when ``count`` is 0)."""
    return _links(docs_of(site), count) if count > 0 else {}


def _links(by_locale: dict[str, dict[str, Doc]], count: int) -> Links:
    per_locale = [locale_scores(docs) for docs in by_locale.values()]
    links: Links = {}
    for docs in by_locale.values():
        newest = [d.key for d in sorted(docs.values(), key=lambda d: d.order)[:count + 1]]
        for key, doc in docs.items():
            total: dict[str, int] = {}
            get = total.get
            for scores in per_locale:  # the same relation in every language
                for other, score in scores.get(key, {}).items():
                    total[other] = get(other, 0) + score
            ranked = [k for k, _ in _ranked({k: s for k, s in total.items() if k in docs},
                                            count)]
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
