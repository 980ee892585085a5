"""CROSS005 orphan pages and CROSS006 internal-link suggestions.

An article is an orphan when no other article links to it (links in the body; the home
and list pages list every article, so they do not count). A suggestion is a place in an
article's body that names another article of its locale by its focus keyphrase (when
set in the front matter: a proposed one is a guess) or title (two to ``MAX_TITLE_WORDS``
content words; every consecutive pair of them occurs in the body, in matching form, so
``بالليزر`` meets ``الليزر``) where the body does not link to that article yet: one
finding per target, at the line of the first pair, with the target URL, at most
``MAX_SUGGESTIONS`` per article. A phrase several articles claim points nowhere (that is
a CROSS001 cluster).

The phrase map is keyed by the hash of a phrase's most distinctive word pair (the one
fewest of the locale's phrases share; the same hash the summaries store,
``summary.pair_hash``), so looking up an article is one set intersection of its pair
hashes with the map's keys, and a common pair ("laser skin") does not make every body a
candidate for every phrase. The suggestion is located at that pair's line.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import compress

from pipeline.analysis.keyphrase import FRONT_MATTER
from pipeline.core.jsontypes import JSONObject
from pipeline.core.model import Finding, Severity
from pipeline.crosscheck.item import Item
from pipeline.crosscheck.summary import pair_hash, unpack

ORPHAN = "CROSS005"
SUGGESTION = "CROSS006"
MAX_SUGGESTIONS = 3
MAX_TITLE_WORDS = 6  # longer titles are not phrases a body repeats


@dataclass(frozen=True)
class Suggestion:
    line: int
    phrase: str  # as the target states it
    target: str  # the target's source file
    url: str


@dataclass(frozen=True)
class Target:
    """The article a phrase names, as a suggestion needs it."""

    source: str
    page: str  # ``locale/slug``
    url: str


@dataclass(frozen=True)
class Phrase:
    pairs: frozenset[int]  # hashes of its consecutive word pairs
    text: str
    target: Target


class PhraseMap(dict[int, list[Phrase]]):
    """Key pair hash -> phrases; ``keys_set`` is the keys as a frozen set, built once."""

    @property
    def keys_set(self) -> frozenset[int]:
        if not hasattr(self, "_keys"):
            self._keys = frozenset(self)
        return self._keys


def orphans(rows: dict[str, JSONObject]) -> list[str]:
    """Articles (by source, in the order of ``rows``: source path -> summary) no other
    article links to, in locales with more than one article. Read from the summaries
    directly: every article is looked at, so no ``Item`` is made."""
    linked: set[str] = set()
    per_locale: dict[str, int] = defaultdict(int)
    pages: dict[str, str] = {}
    for source, row in rows.items():
        page = pages[source] = f"{row['locale']}/{row['slug']}"
        per_locale[row["locale"]] += 1
        linked.update(target for target in row["links"] if target != page)
    return [s for s, row in rows.items()
            if per_locale[row["locale"]] > 1 and pages[s] not in linked]


def orphan_finding(source: str, row: JSONObject) -> Finding:
    return Finding(source, row["titleLine"], 1, ORPHAN, Severity.WARNING,
                   f"no article links to this page ({row['url']})",
                   "link to it from related articles (see the CROSS006 suggestions)")


def phrase_map(items: list[Item]) -> PhraseMap:
    """Per key word-pair hash (see the module), the phrases (front-matter keyphrase,
    short title) of one locale that exactly one article claims."""
    claims: dict[tuple[str, ...], list[tuple[str, Item]]] = defaultdict(list)
    for item in items:
        phrases = {item.phrase_words: item.phrase} if item.phrase_from == FRONT_MATTER else {}
        if len(item.title_words) <= MAX_TITLE_WORDS:
            phrases.setdefault(item.title_words, item.title)
        for words, text in phrases.items():
            if 2 <= len(words) <= MAX_TITLE_WORDS:
                claims[words].append((text, item))
    owned = [(words, owners[0]) for words, owners in sorted(claims.items())
             if len({item.source for _, item in owners}) == 1]
    hashed = [(tuple(pair_hash(a, b) for a, b in zip(words, words[1:], strict=False)), owner)
              for words, owner in owned]
    shared = Counter(h for pairs, _ in hashed for h in set(pairs))
    found = PhraseMap()
    for pairs, (text, item) in hashed:
        key = min(pairs, key=shared.__getitem__)
        target = Target(item.source, item.page, item.url)
        found.setdefault(key, []).append(Phrase(frozenset(pairs), text, target))
    return found


def suggestions(item: Item, phrases: PhraseMap) -> list[Suggestion]:
    """Where ``item``'s body names another article of its locale it does not link to.
    The set intersection runs in C; only the key pairs found are looked at, in the order
    the body uses them, until ``MAX_SUGGESTIONS`` are found."""
    packed = unpack(item.pairs)
    hits = phrases.keys_set.intersection(packed)
    if not hits:
        return []
    pairs = packed.tolist()
    have = set(pairs)
    found: dict[str, Suggestion] = {}
    # in the order the body uses them (each pair is once in ``pairs``): one C-level pass
    for index in compress(range(len(pairs)), map(hits.__contains__, pairs)):
        for phrase in phrases[pairs[index]]:
            target = phrase.target
            if target.source == item.source or target.source in found \
                    or target.page in item.links:
                continue
            if not phrase.pairs <= have:
                continue
            found[target.source] = Suggestion(item.line_of_pair(index), phrase.text,
                                              target.source, target.url)
            if len(found) >= MAX_SUGGESTIONS:
                return list(found.values())
    return list(found.values())


def suggestion_finding(source: str, item: Suggestion) -> Finding:
    return Finding(source, item.line, 1, SUGGESTION, Severity.INFO,
                   f"'{item.phrase}' is what {item.target} is about: link this mention "
                   f"to {item.url}",
                   "make the phrase a link to that page where it helps the reader")
