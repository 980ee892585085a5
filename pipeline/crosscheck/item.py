"""An article's cross-check summary (``summary``) read back for the cross step: what
every check needs is read at once, headings and passages only when asked for (for the
few pairs compared)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from pipeline.core.jsontypes import JSONObject


@dataclass(frozen=True)
class Heading:
    level: int
    line: int  # in the source file
    text: str


class Item:
    """One published article as the cross-article checks see it. Each field is read from
    the summary when first used: rendering a site's findings touches many articles, a
    few fields each."""

    def __init__(self, source: str, row: JSONObject):
        self.source = source
        self.row = row

    @cached_property
    def locale(self) -> str:
        return str(self.row["locale"])

    @cached_property
    def slug(self) -> str:
        return str(self.row["slug"])

    @cached_property
    def key(self) -> str:
        return str(self.row["key"])

    @cached_property
    def url(self) -> str:
        return str(self.row["url"])

    @cached_property
    def title(self) -> str:
        return str(self.row["title"])

    @cached_property
    def title_line(self) -> int:
        return int(self.row["titleLine"])

    @cached_property
    def phrase(self) -> str:
        """The focus keyphrase, as written."""
        return str(self.row["phrase"])

    @cached_property
    def phrase_from(self) -> str:
        """``"front matter"`` or ``"proposed"``."""
        return str(self.row["phraseFrom"])

    @cached_property
    def signature(self) -> str:
        """``summary.pack``ed MinHash."""
        return str(self.row["signature"])

    @cached_property
    def bands(self) -> str:
        """``summary.pack``ed LSH band keys."""
        return str(self.row["bands"])

    @cached_property
    def words(self) -> int:
        return int(self.row["words"])

    @cached_property
    def paragraphs(self) -> int:
        return int(self.row["paragraphs"])

    @cached_property
    def arabic(self) -> float:
        """Share of content words in Arabic script."""
        return float(self.row["arabic"])

    @cached_property
    def pairs(self) -> str:
        """``summary.pack``ed word-pair hashes, in order of first use."""
        return str(self.row["pairs"])

    @cached_property
    def phrase_words(self) -> tuple[str, ...]:
        """The keyphrase's content words."""
        return tuple(self.row["phraseWords"])

    @cached_property
    def title_words(self) -> tuple[str, ...]:
        return tuple(self.row["titleWords"])

    @cached_property
    def links(self) -> frozenset[str]:
        """``locale/slug`` of the article pages it links to."""
        return frozenset(self.row["links"])

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
