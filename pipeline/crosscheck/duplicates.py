"""CROSS002 near-duplicate text: two articles of one locale that say mostly the same.

Candidates come from LSH buckets over the articles' MinHash signatures (``minhash``), so
the work grows with the number of similar pairs, not with all pairs. A pair whose
estimated similarity reaches ``THRESHOLD`` is reported once, at the later file, with the
paragraphs the two share (equal in matching form), located in both files.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.core.model import Finding, Severity
from pipeline.crosscheck import minhash
from pipeline.crosscheck.item import Item
from pipeline.crosscheck.summary import unpack

CODE = "CROSS002"
THRESHOLD = 0.6  # estimated Jaccard similarity of the texts' content-word pairs
MAX_BUCKET = 200  # a bucket this full holds copies of one text: its first members suffice
MAX_PASSAGES = 3


@dataclass(frozen=True)
class Passage:
    line: int  # in the first file
    other_line: int  # in the second file


@dataclass(frozen=True)
class Pair:
    first: Item
    second: Item
    similarity: float
    passages: tuple[Passage, ...]


def candidates(items: Iterable[Item]) -> set[tuple[str, str]]:
    """Pairs of sources (sorted) that share an LSH bucket within their locale."""
    per_locale: dict[str, dict[int, list[str]]] = defaultdict(dict)
    for item in items:
        buckets = per_locale[item.locale]
        for key in unpack(item.bands):
            members = buckets.get(key)
            if members is None:
                buckets[key] = [item.source]
            else:
                members.append(item.source)
    pairs: set[tuple[str, str]] = set()
    for buckets in per_locale.values():
        for members in buckets.values():
            if len(members) > 1:
                head = sorted(members)[:MAX_BUCKET]
                pairs.update((a, b) for i, a in enumerate(head) for b in head[i + 1:])
    return pairs


def near_duplicates(items: dict[str, Item]) -> list[Pair]:
    """Every pair of one locale whose estimated similarity reaches ``THRESHOLD``."""
    found = []
    for a, b in sorted(candidates(items.values())):
        first, second = items[a], items[b]
        similarity = minhash.estimate(unpack(first.signature), unpack(second.signature))
        if similarity >= THRESHOLD:
            found.append(Pair(first, second, round(similarity, 3), shared(first, second)))
    return found


def shared(first: Item, second: Item) -> tuple[Passage, ...]:
    theirs: dict[int, int] = {}
    for line, key in second.passages:
        theirs.setdefault(key, line)
    return tuple(Passage(line, theirs[key]) for line, key in first.passages if key in theirs)


def finding(pair: Pair) -> Finding:
    shown = "; ".join(f"line {p.other_line} = {pair.first.source}:{p.line}"
                      for p in pair.passages[:MAX_PASSAGES])
    line = pair.passages[0].other_line if pair.passages else pair.second.title_line
    more = f" ({len(pair.passages)} shared paragraph(s): {shown})" if pair.passages else ""
    return Finding(pair.second.source, line, 1, CODE, Severity.WARNING,
                   f"text is {pair.similarity:.0%} the same as {pair.first.source}{more}",
                   "rewrite one of them, or keep one and redirect the other to it")
