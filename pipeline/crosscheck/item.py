"""An article's cross-check summary (``summary``) read back for the cross step: what
every check needs is read at once, headings and passages only when asked for (for the
few pairs compared)."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.core.jsontypes import JSONObject


@dataclass(frozen=True)
class Heading:
    level: int
    line: int  # in the source file
    text: str


class Item:
    """One published article as the cross-article checks see it."""

    def __init__(self, source: str, row: JSONObject):
        self.source = source
        self.row = row
        self.locale: str = row["locale"]
        self.slug: str = row["slug"]
        self.key: str = row["key"]
        self.url: str = row["url"]
        self.title: str = row["title"]
        self.title_line: int = row["titleLine"]
        self.phrase: str = row["phrase"]  # the focus keyphrase, as written
        self.phrase_from: str = row["phraseFrom"]  # "front matter" or "proposed"
        self.signature: str = row["signature"]  # ``summary.pack``ed MinHash
        self.bands: str = row["bands"]  # ``summary.pack``ed LSH band keys
        self.words: int = row["words"]
        self.paragraphs: int = row["paragraphs"]
        self.arabic: float = row["arabic"]  # share of content words in Arabic script
        self.pairs: str = row["pairs"]  # ``summary.pack``ed word-pair hashes, first use order
        self.phrase_words = tuple(row["phraseWords"])  # the keyphrase's content words
        self.title_words = tuple(row["titleWords"])
        self.links = frozenset(row["links"])  # ``locale/slug`` of the article pages it links to

    @property
    def page(self) -> str:
        return f"{self.locale}/{self.slug}"

    @property
    def headings(self) -> tuple[Heading, ...]:
        return tuple(Heading(*h) for h in self.row["headings"])

    @property
    def passages(self) -> tuple[tuple[int, int], ...]:
        """``(line, hash)`` per paragraph of five words or more."""
        return tuple((a, b) for a, b in self.row["passages"])

    def line_of_pair(self, index: int) -> int:
        """The line where the ``index``-th word pair (in order of first use) is."""
        seen = 0
        for line, count in self.row["pairLines"]:
            seen += count
            if index < seen:
                return int(line)
        return self.title_line
