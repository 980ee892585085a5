"""CROSS001 keyword cannibalization: articles of one locale aiming at one search intent.

Two articles compete when their focus keyphrases, or their titles, have the same content
words (in matching form: ``analysis.textnorm.stem``), or when one's words are all in the
other's but one, and at least half of them (``laser skin resurfacing`` within ``laser
skin resurfacing cost``). Competing articles are joined into clusters; each cluster is one
finding, at its first member, locating every member.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from pipeline.core.model import Finding, Severity
from pipeline.crosscheck.item import Item

CODE = "CROSS001"
MAX_SUBSET_DROP = 1  # near-same: at most this many words fewer than the longer phrase


@dataclass(frozen=True)
class Cluster:
    locale: str
    members: tuple[Item, ...]
    reason: str


def _near(words: tuple[str, ...]) -> list[frozenset[str]]:
    """The word set itself and the subsets that count as near-same to it."""
    unique = frozenset(words)
    keys = [unique]
    k = len(unique)
    low = max(2, (k + 1) // 2, k - MAX_SUBSET_DROP)
    ordered = sorted(unique)
    for size in range(k - 1, low - 1, -1):
        keys += [frozenset(c) for c in combinations(ordered, size)]
    return keys


class _Union:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def clusters(items: list[Item]) -> list[Cluster]:
    """Every cluster of two or more competing articles, per locale, in a stable order."""
    found: list[Cluster] = []
    by_locale: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_locale[item.locale].append(item)
    for locale in sorted(by_locale):
        found += locale_clusters(locale, sorted(by_locale[locale], key=lambda f: f.source))
    return found


def locale_clusters(locale: str, items: list[Item]) -> list[Cluster]:
    """The clusters of one locale's ``items`` (sorted by source)."""
    union = _Union()
    why: dict[str, set[str]] = defaultdict(set)
    for field, label in (("phrase_words", "focus keyphrase"), ("title_words", "title")):
        exact: dict[frozenset[str], str] = {}
        for item in items:
            words = getattr(item, field)
            if words:
                key = frozenset(words)
                if key in exact:
                    union.join(exact[key], item.source)
                    why[item.source].add(label)
                    why[exact[key]].add(label)
                else:
                    exact[key] = item.source
        for item in items:
            for key in _near(getattr(item, field))[1:]:
                other = exact.get(key)
                if other is not None and other != item.source:
                    union.join(other, item.source)
                    why[item.source].add(label)
                    why[other].add(label)
    groups: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        if item.source in union.parent:
            groups[union.find(item.source)].append(item)
    result = []
    for root in sorted(groups):
        members = tuple(groups[root])
        if len(members) > 1:
            labels = sorted(set().union(*(why[m.source] for m in members)))
            result.append(Cluster(locale, members, " and ".join(labels)))
    return result


def finding(cluster: Cluster) -> Finding:
    first = cluster.members[0]
    where = "; ".join(f"{m.source}:{m.title_line} ('{m.phrase}')" for m in cluster.members)
    return Finding(first.source, first.title_line, 1, CODE, Severity.WARNING,
                   f"{len(cluster.members)} articles in '{cluster.locale}' compete for one "
                   f"search intent (same or near-same {cluster.reason}): {where}",
                   "give each a distinct focus keyphrase and title, or merge them into one "
                   "article and link the others to it")
