"""The cross step in proportion to the change: the previous ``Result`` and the indexes it
was computed with, kept in the engine's state, brought up to date after a few summaries
changed (``check.render`` then turns it into the same findings and data as ``check``).

State (documents of the state database, written when the run commits, tied to the code
and the ``[site]``/``[[locales]]`` settings): per article (in ``ENTRY_SHARDS`` shards) its
summary's ``digest``, its LSH bucket keys, what the clusters and the phrase map read of
it, its near-duplicate partners and its suggestions; the LSH buckets (``BUCKET_SHARDS``
shards, read only where a changed article was or is); each locale's phrase map; each
translation group's shape and findings; the clusters. A summary whose digest differs is
*changed* (new and removed ones too). Then only this is computed again:

- clusters (CROSS001) of a locale where a changed article's phrase or title words (or
  its presence) changed;
- near-duplicate pairs (CROSS002) of changed articles, from their buckets (all pairs when
  a bucket they touch holds more than ``duplicates.MAX_BUCKET``);
- translation checks (CROSS003/4) of groups with a changed member or another shape;
- suggestions (CROSS006) of changed articles; when a locale's phrase map changed, also of
  the articles that suggested a target whose phrases changed and of those whose body has
  a changed phrase's key pair;
- orphans (CROSS005) are read from every summary's links at rendering (cheap).

Anything missing, of another shape or with other counts than recorded, and any change to
more than ``MAX_CHANGED_SHARE`` of the articles, computes everything (``check.compute``).
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from pipeline.analysis.keyphrase import FRONT_MATTER
from pipeline.content.records import finding_of, finding_record
from pipeline.core.jsontypes import JSONObject
from pipeline.core.model import Site
from pipeline.crosscheck import cannibal, duplicates, linking, minhash
from pipeline.crosscheck.check import GroupShape, Result, compute, joined, translation_findings
from pipeline.crosscheck.item import Item
from pipeline.crosscheck.linking import Phrase, PhraseMap, Suggestion, Target
from pipeline.crosscheck.summary import unpack
from pipeline.engine import fingerprint, store
from pipeline.engine.shapes import (
    CrossBucketsDoc,
    CrossEntriesDoc,
    CrossEntry,
    CrossGroupsDoc,
    CrossMetaDoc,
    CrossPhrasesDoc,
)
from pipeline.engine.state import DOCUMENT

PREFIX = "crosscheck/"
ENTRY_SHARDS = 64
BUCKET_SHARDS = 1024
GROUP_SHARDS = 64
MAX_CHANGED_SHARE = 8  # more than 1/8 of the articles changed: compute everything
# Any: documents of several shapes (the Cross* TypedDicts of engine.shapes), each
# checked against its own shape when read back (``store.some``).
Documents = dict[str, Any]  # document name -> data, written when the run commits


def state_code(site: Site) -> str:
    """The code and the settings the cross step reads beyond the summaries."""
    return fingerprint.of(fingerprint.code(), fingerprint.sections(site.settings, "site",
                                                                   "locales"))


def _shard(text: str, count: int) -> int:
    return zlib.crc32(text.encode()) % count


def _bucket(locale: str, key: int) -> str:
    return f"{locale} {key}"


def _bucket_shard(name: str) -> int:
    return int(name.rsplit(" ", 1)[1]) % BUCKET_SHARDS


def _hash(value: object) -> str:
    return hashlib.blake2b(orjson.dumps(value), digest_size=12).hexdigest()


def words_of(row: JSONObject) -> str:
    """What the clusters read of an article (hashed)."""
    return _hash([row["locale"], row["phraseWords"], row["titleWords"]])


def claim_of(row: JSONObject) -> str:
    """What the phrase map reads of an article (hashed)."""
    phrase = row["phraseWords"] if row["phraseFrom"] == FRONT_MATTER else None
    return _hash([row["locale"], row["slug"], row["url"], phrase, row["phrase"],
                  row["titleWords"], row["title"]])



@dataclass
class Loaded:
    """The state of the last run, as far as it was read."""

    code: str
    meta: CrossMetaDoc
    entries: dict[str, CrossEntry]
    groups: CrossGroupsDoc
    buckets: dict[str, list[str]] = field(default_factory=dict)
    bucket_shards: set[int] = field(default_factory=set)


def _names(kind: str, count: int) -> list[str]:
    return [f"{PREFIX}{kind}/{i}" for i in range(count)]


# Any: ``shape`` is a TypedDict class, which type[...] does not name; rows come back in it.
def _some(cache: Path, names: list[str], code: str, shape: Any) -> dict[str, Any]:
    return store.of(cache).some(DOCUMENT, names, code, shape)


def load(cache: Path, code: str) -> Loaded | None:
    """The last run's state, or None when any of it is missing or damaged."""
    meta = store.of(cache).get(DOCUMENT, PREFIX + "meta", code, CrossMetaDoc)
    if meta is None or len(meta["entries"]) != ENTRY_SHARDS \
            or len(meta["buckets"]) != BUCKET_SHARDS or len(meta["groups"]) != GROUP_SHARDS:
        return None
    entries = _sharded(cache, "entries", ENTRY_SHARDS, code, CrossEntriesDoc, meta["entries"])
    groups = _sharded(cache, "groups", GROUP_SHARDS, code, CrossGroupsDoc, meta["groups"])
    if entries is None or groups is None:
        return None
    return Loaded(code, meta, entries, groups)


# Any: ``shape`` is a TypedDict class (as in ``_some``); the merged values have its shape.
def _sharded(cache: Path, kind: str, count: int, code: str, shape: Any,
             counts: list[int]) -> dict[str, Any] | None:
    names = _names(kind, count)
    found = _some(cache, names, code, shape)
    merged: dict[str, Any] = {}  # Any: values of the shard documents' shape (above)
    for i, name in enumerate(names):
        doc = found.get(name, {})
        if len(doc) != counts[i]:
            return None
        merged.update(doc)
    return merged


def _load_buckets(cache: Path, loaded: Loaded, shards: set[int]) -> bool:
    """Read the bucket shards not read yet; False when one is damaged."""
    todo = sorted(shards - loaded.bucket_shards)
    found = _some(cache, [f"{PREFIX}buckets/{i}" for i in todo], loaded.code, CrossBucketsDoc)
    for i in todo:
        doc = found.get(f"{PREFIX}buckets/{i}", {})
        if len(doc) != loaded.meta["buckets"][i]:
            return False
        loaded.buckets.update(doc)
        loaded.bucket_shards.add(i)
    return True


def _load_phrases(cache: Path, loaded: Loaded, locale: str,
                  wanted: set[int] | None = None) -> PhraseMap | None:
    """The kept phrase map of ``locale`` (only the keys in ``wanted`` when given: those
    are all a few articles' suggestions look up)."""
    name = f"{PREFIX}phrases/{locale}"
    doc = store.of(cache).get(DOCUMENT, name, loaded.code, CrossPhrasesDoc)
    rows = (doc or {}).get("phrases", [])
    if len(rows) != loaded.meta["phrases"].get(locale, 0):
        return None
    return phrases_of(rows, wanted)


def phrases_of(rows: list[tuple[int, list[int], str, str, str, str]],
               wanted: set[int] | None = None) -> PhraseMap:
    found = PhraseMap()
    for key, pairs, text, source, page, url in rows:
        if wanted is None or key in wanted:
            found.setdefault(key, []).append(Phrase(frozenset(pairs), text,
                                                    Target(source, page, url)))
    return found


def phrase_rows(phrases: PhraseMap) -> list[tuple[int, list[int], str, str, str, str]]:
    return [(key, sorted(p.pairs), p.text, p.target.source, p.target.page, p.target.url)
            for key, found in phrases.items() for p in found]


# -- the whole state of a computed result -----------------------------------------------------

def full_documents(result: Result, summaries: dict[str, JSONObject]) -> Documents:
    """Every document of the state for ``result`` (computed over ``summaries``)."""
    entries: dict[str, CrossEntry] = {}
    shards: list[dict[str, list[str]]] = [{} for _ in range(BUCKET_SHARDS)]
    for source in sorted(summaries):
        row = summaries[source]
        entries[source] = _entry(row, {}, [])
        for key in unpack(row["bands"]):
            name = f"{row['locale']} {key}"  # as _bucket
            members = shards[key % BUCKET_SHARDS].get(name)
            if members is None:
                shards[key % BUCKET_SHARDS][name] = [source]
            else:
                members.append(source)
    for (a, b), similarity in result.pairs.items():
        entries[a]["pairs"][b] = similarity
        entries[b]["pairs"][a] = similarity
    for source, found in result.suggestions.items():
        entries[source]["suggestions"] = [(s.line, s.phrase, s.target, s.url) for s in found]
    docs: Documents = {}
    meta_counts = _write_shards(docs, "entries", ENTRY_SHARDS, entries,
                                lambda k: _shard(k, ENTRY_SHARDS), range(ENTRY_SHARDS))
    for i, shard in enumerate(shards):
        docs[f"{PREFIX}buckets/{i}"] = shard
    bucket_counts = [len(shard) for shard in shards]
    groups = {key: (shape, [finding_record(f) for f in result.groups.get(key, [])])
              for key, shape in result.shapes.items()}
    group_counts = _write_shards(docs, "groups", GROUP_SHARDS, groups,
                                 lambda k: _shard(k, GROUP_SHARDS), range(GROUP_SHARDS))
    phrases = {}
    for locale, phrase_map in result.phrases.items():
        rows = phrase_rows(phrase_map)
        docs[f"{PREFIX}phrases/{locale}"] = {"phrases": rows}
        phrases[locale] = len(rows)
    docs[PREFIX + "meta"] = {"entries": meta_counts, "buckets": bucket_counts,
                             "groups": group_counts, "phrases": phrases,
                             "clusters": [list(c) for c in result.clusters], "views": []}
    return docs


def with_views(documents: Documents, result: Result) -> None:
    """Add the clusters' rendering (``check.render`` made it) to the state to write."""
    if len(result.views) >= len(result.clusters):
        documents[PREFIX + "meta"]["views"] = [
            (finding_record(result.views[ref][0]), result.views[ref][1])
            for ref in result.clusters]


def _entry(row: JSONObject, pairs: dict[str, float],
           suggestions: list[tuple[int, str, str, str]]) -> CrossEntry:
    return {"digest": row["digest"], "locale": row["locale"], "bands": row["bands"],
            "words": words_of(row), "claim": claim_of(row), "pairs": pairs,
            "suggestions": suggestions}


# Any: the values of any one shard kind (entries, buckets, groups), stored as they are.
def _write_shards(docs: Documents, kind: str, count: int, values: dict[str, Any],
                  shard_of: Callable[[str], int], which: Iterable[int]) -> list[int]:
    """Put the shards ``which`` of ``values`` into ``docs``; every shard's count."""
    shards: list[dict[str, Any]] = [{} for _ in range(count)]  # Any: the values above
    for key, value in values.items():
        shards[shard_of(key)][key] = value
    wanted = set(which)
    for i in wanted:
        docs[f"{PREFIX}{kind}/{i}"] = shards[i]
    return [len(s) for s in shards]


# -- patching ---------------------------------------------------------------------------------

def result_of(loaded: Loaded) -> Result:
    """The stored result (phrase maps are read when needed)."""
    result = Result()
    result.clusters = [(locale, tuple(members), reason)
                       for locale, members, reason in loaded.meta["clusters"]]
    if len(loaded.meta["views"]) == len(result.clusters):
        result.views = {ref: (finding_of(list(row)), data)
                        for ref, (row, data) in zip(result.clusters, loaded.meta["views"],
                                                    strict=True)}
    for source, entry in loaded.entries.items():
        for other, similarity in entry["pairs"].items():
            if source < other:
                result.pairs[(source, other)] = similarity
        if entry["suggestions"]:
            result.suggestions[source] = [Suggestion(*s) for s in entry["suggestions"]]
    result.shapes = {key: shape for key, (shape, _) in loaded.groups.items()}
    result.groups = {key: [finding_of(list(f)) for f in found]
                     for key, (_, found) in loaded.groups.items() if found}
    return result


class Fallback(Exception):
    """The state cannot be patched (damaged, or too much changed): compute everything."""


def run(shapes: dict[str, GroupShape], summaries: dict[str, JSONObject], cache: Path,
        code: str, force: bool = False,
        max_share: int = MAX_CHANGED_SHARE) -> tuple[Result, Documents, bool]:
    """The result over ``summaries`` (``shapes``: ``check.group_shapes``), patched from
    the state of ``cache`` when it can be, else computed; the documents of the state to
    write when the run commits; whether it was patched."""
    if all("digest" in row for row in summaries.values()):
        loaded = None if force else load(cache, code)
        if loaded is not None:
            try:
                result, documents = patch(shapes, summaries, cache, loaded, max_share)
                return result, documents, True
            except Fallback:
                pass
    result = compute(shapes, summaries)
    return result, full_documents(result, summaries), False


def patch(shapes: dict[str, GroupShape], summaries: dict[str, JSONObject], cache: Path,
          loaded: Loaded, max_share: int = MAX_CHANGED_SHARE) -> tuple[Result, Documents]:
    """The result over ``summaries``, from the last run's; the documents to write.
    Raises ``Fallback`` when it cannot."""
    old = loaded.entries
    changed = [s for s, row in summaries.items()
               if s not in old or old[s]["digest"] != row["digest"]]
    removed = [s for s in old if s not in summaries]
    if (len(changed) + len(removed)) * max_share > max(len(summaries), 8):
        raise Fallback
    result = result_of(loaded)
    docs: Documents = {}
    entries = dict(old)
    dirty: set[str] = set()  # entries rewritten
    for source in changed:
        entries[source] = _entry(summaries[source], {}, [])
        if source in old:
            entries[source]["pairs"] = dict(old[source]["pairs"])
            entries[source]["suggestions"] = old[source]["suggestions"]
        dirty.add(source)
    for source in removed:
        del entries[source]
    gone = set(changed) | set(removed)
    result.views = {ref: view for ref, view in result.views.items()
                    if gone.isdisjoint(ref[1])}
    items: dict[str, Item] = {}

    def item(source: str) -> Item:
        if source not in items:
            items[source] = Item(source, summaries[source])
        return items[source]

    _clusters(result, summaries, old, changed, removed, item)
    bucket_counts = _pairs(result, summaries, cache, loaded, entries, dirty, gone,
                           changed, item, docs)
    group_counts = _groups(shapes, result, loaded, gone, item, docs)
    phrase_counts = _suggestions(result, summaries, cache, loaded, entries, dirty,
                                 changed, removed, item, docs)
    entry_counts = list(loaded.meta["entries"])
    touched = {_shard(s, ENTRY_SHARDS) for s in dirty | set(removed)}
    for source in dirty:
        if source in entries:
            entries[source] = {**entries[source], "suggestions": [
                (s.line, s.phrase, s.target, s.url) for s in result.suggestions.get(source, [])]}
    counts = _write_shards(docs, "entries", ENTRY_SHARDS, entries,
                           lambda k: _shard(k, ENTRY_SHARDS), touched)
    for i in touched:
        entry_counts[i] = counts[i]
    docs[PREFIX + "meta"] = {"entries": entry_counts, "buckets": bucket_counts,
                             "groups": group_counts, "phrases": phrase_counts,
                             "clusters": [list(c) for c in result.clusters], "views": []}
    return result, docs


def _clusters(result: Result, summaries: dict[str, JSONObject], old: dict[str, CrossEntry],
              changed: list[str], removed: list[str], item: Callable[[str], Item]) -> None:
    """Clusters again in each locale where what they read changed."""
    locales = {old[s]["locale"] for s in removed}
    for source in changed:
        was = old.get(source)
        words = words_of(summaries[source])
        if was is None or was["words"] != words:
            locales.add(summaries[source]["locale"])
            if was is not None:
                locales.add(was["locale"])
    if not locales:
        return
    kept = [c for c in result.clusters if c[0] not in locales]
    for locale in sorted(locales):
        members = [item(s) for s in sorted(summaries) if summaries[s]["locale"] == locale]
        kept += [(c.locale, tuple(m.source for m in c.members), c.reason)
                 for c in cannibal.locale_clusters(locale, members)]
    result.clusters = sorted(kept, key=lambda c: (c[0], c[1][0]))


def _pairs(result: Result, summaries: dict[str, JSONObject], cache: Path, loaded: Loaded,
           entries: dict[str, CrossEntry], dirty: set[str], gone: set[str],
           changed: list[str], item: Callable[[str], Item], docs: Documents) -> list[int]:
    """Near-duplicate pairs of the changed articles, through their buckets."""
    old = loaded.entries
    names: set[str] = set()
    for source in gone:
        if source in old:
            names.update(_bucket(old[source]["locale"], k) for k in unpack(old[source]["bands"]))
        if source in entries:
            names.update(_bucket(entries[source]["locale"], k)
                         for k in unpack(entries[source]["bands"]))
    shards = {_bucket_shard(n) for n in names}
    if not _load_buckets(cache, loaded, shards):
        raise Fallback
    buckets = loaded.buckets
    crowded = False
    for source in gone:  # out of its old buckets, its pairs dropped
        if source in old:
            for key in unpack(old[source]["bands"]):
                members = buckets.get(_bucket(old[source]["locale"], key), [])
                crowded |= len(members) > duplicates.MAX_BUCKET
                if source in members:
                    members.remove(source)
            for other in old[source]["pairs"]:
                result.pairs.pop((min(source, other), max(source, other)), None)
                if other in entries and other not in gone:
                    entries[other] = {**entries[other], "pairs": {
                        k: v for k, v in entries[other]["pairs"].items() if k != source}}
                    dirty.add(other)
        if source in entries:
            entries[source]["pairs"] = {}
    candidates: set[tuple[str, str]] = set()
    for source in changed:  # into its new ones
        for key in unpack(entries[source]["bands"]):
            members = buckets.setdefault(_bucket(entries[source]["locale"], key), [])
            members.append(source)
            members.sort()
            crowded |= len(members) > duplicates.MAX_BUCKET
            candidates.update((min(source, o), max(source, o)) for o in members if o != source)
    if crowded:
        raise Fallback
    for a, b in sorted(candidates):
        first, second = item(a), item(b)
        similarity = minhash.estimate(unpack(first.signature), unpack(second.signature))
        if similarity >= duplicates.THRESHOLD:
            result.pairs[(a, b)] = similarity = round(similarity, 3)
            for x, y in ((a, b), (b, a)):
                if x not in gone:
                    entries[x] = {**entries[x], "pairs": dict(entries[x]["pairs"])}
                entries[x]["pairs"][y] = similarity
                dirty.add(x)
    counts = list(loaded.meta["buckets"])
    for name in names:
        if not buckets.get(name):
            buckets.pop(name, None)
    written = _write_shards(docs, "buckets", BUCKET_SHARDS,
                            {n: m for n, m in buckets.items() if _bucket_shard(n) in shards},
                            _bucket_shard, shards)
    for i in shards:
        counts[i] = written[i]
    return counts


def _groups(shapes: dict[str, GroupShape], result: Result, loaded: Loaded, gone: set[str],
            item: Callable[[str], Item], docs: Documents) -> list[int]:
    """Translation checks of the groups with a changed member or shape."""
    counts = list(loaded.meta["groups"])
    touched = set()
    for key in set(result.shapes) - set(shapes):
        del result.shapes[key]
        result.groups.pop(key, None)
        touched.add(key)
    for key, shape in shapes.items():
        if result.shapes.get(key) != joined(shape) or gone.intersection(shape):
            present = {s: item(s) for s in shape if _present(item, s)}
            result.groups[key] = translation_findings(shape, present)
            result.shapes[key] = joined(shape)
            touched.add(key)
    shards = {_shard(k, GROUP_SHARDS) for k in touched}
    groups = {key: (shape, [finding_record(f) for f in result.groups.get(key, [])])
              for key, shape in result.shapes.items() if _shard(key, GROUP_SHARDS) in shards}
    written = _write_shards(docs, "groups", GROUP_SHARDS, groups,
                            lambda k: _shard(k, GROUP_SHARDS), shards)
    for i in shards:
        counts[i] = written[i]
    return counts


def _present(item: Callable[[str], Item], source: str) -> bool:
    try:
        item(source)
    except KeyError:
        return False
    return True


def _suggestions(result: Result, summaries: dict[str, JSONObject], cache: Path,
                 loaded: Loaded, entries: dict[str, CrossEntry], dirty: set[str],
                 changed: list[str], removed: list[str], item: Callable[[str], Item],
                 docs: Documents) -> dict[str, int]:
    """Suggestions of the changed articles, and of those a changed phrase map reaches."""
    old = loaded.entries
    counts = dict(loaded.meta["phrases"])
    locales: dict[str, bool] = {}  # locale -> its phrase map changed
    for source in removed:
        locales[old[source]["locale"]] = True
        result.suggestions.pop(source, None)
    for source in changed:
        row, was = summaries[source], old.get(source)
        claims = was is None or was["claim"] != claim_of(row)
        locales[row["locale"]] = locales.get(row["locale"], False) or claims
        if was is not None and was["locale"] != row["locale"]:
            locales[was["locale"]] = True
        result.suggestions.pop(source, None)
    for locale in sorted(locales):
        redo = {s for s in changed if summaries[s]["locale"] == locale}
        if locales[locale]:
            members = [item(s) for s in sorted(summaries) if summaries[s]["locale"] == locale]
            phrases = linking.phrase_map(members)
            before = _load_phrases(cache, loaded, locale)
            if before is None:
                raise Fallback
            old_rows, new_rows = set(_hashable(before)), set(_hashable(phrases))
            moved = old_rows ^ new_rows
            targets = {row[3] for row in moved}
            redo |= {s for s, found in result.suggestions.items()
                     if any(x.target in targets for x in found)}
            keys = frozenset(row[0] for row in new_rows - old_rows)
            if keys:
                redo |= {m.source for m in members if not keys.isdisjoint(unpack(m.pairs))}
            rows = phrase_rows(phrases)
            docs[f"{PREFIX}phrases/{locale}"] = {"phrases": rows}
            counts[locale] = len(rows)
            if not rows:
                counts.pop(locale)
        else:
            wanted: set[int] = set()
            for source in redo:
                wanted.update(unpack(summaries[source]["pairs"]))
            found = _load_phrases(cache, loaded, locale, wanted)
            if found is None:
                raise Fallback
            phrases = found
        for source in sorted(redo):
            if source not in summaries or summaries[source]["locale"] != locale:
                continue
            rows_found = linking.suggestions(item(source), phrases)
            if rows_found:
                result.suggestions[source] = rows_found
            else:
                result.suggestions.pop(source, None)
            dirty.add(source)
    return counts


def _hashable(phrases: PhraseMap) -> list[tuple[int, tuple[int, ...], str, str, str, str]]:
    return [(key, tuple(pairs), text, source, page, url)
            for key, pairs, text, source, page, url in phrase_rows(phrases)]
