"""Heading ids: ``slugify`` and de-duplication in linear time.

The ids are the ones markdown-it's anchors plugin gave (the links stage checks
``#fragment`` links against them): a repeated slug gets ``-1``, ``-2``... the first free
suffix, and a suffix already taken by an earlier heading is skipped.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    text: str


def slugify(text: str) -> str:
    """A heading id: NFKC, lowercase, letters/marks/digits kept, other runs become '-'.

    Arabic text keeps its letters (and diacritics), so ``## ما هو الليزر؟`` has the id
    ``ما-هو-الليزر``; the same text always gives the same id.
    """
    text = unicodedata.normalize("NFKC", text).casefold().replace("\u0640", "")
    kept = "".join(c if unicodedata.category(c)[0] in "LMN" else " " for c in text)
    # casefold can decompose (U+1FE2 becomes three code points): compose again
    return unicodedata.normalize("NFC", "-".join(kept.split())) or "section"


class UniqueIds:
    """Hands out ``slug``, ``slug-1``, ``slug-2``... in document order.

    The anchors plugin probed ``slug-1``, ``slug-2``... from 1 for every repeat, which is
    quadratic in the number of equal headings. Here each slug remembers the next suffix
    to try; a taken id ``base-n`` can only be probed by the one ``base`` it ends with, so
    every id is skipped at most once and the whole document costs linear time.
    """

    def __init__(self) -> None:
        self.taken: set[str] = set()
        self.next_suffix: dict[str, int] = {}

    def add(self, slug: str) -> str:
        """The id of the next heading whose slug is ``slug``."""
        taken = self.taken
        uniq = slug
        if uniq in taken:
            suffix = self.next_suffix.get(slug, 1)
            uniq = f"{slug}-{suffix}"
            while uniq in taken:
                suffix += 1
                uniq = f"{slug}-{suffix}"
            self.next_suffix[slug] = suffix + 1
        taken.add(uniq)
        return uniq
