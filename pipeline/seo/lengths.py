"""The one length rule for titles and descriptions, used by ``validate`` (SEO001/SEO002)
and by the metadata lint (META001/META002): text is counted in user-perceived characters
(extended grapheme clusters, UAX #29), so Arabic vowel marks, combining accents, emoji
sequences and flags count as what a reader sees, never as bytes or code points."""

from __future__ import annotations

import regex

_GRAPHEME = regex.compile(r"\X")


def length(text: str) -> int:
    """User-perceived characters (extended grapheme clusters)."""
    if text.isascii():  # every ASCII character is a cluster of its own, but CR LF is one
        return len(text) - text.count("\r\n")
    return len(_GRAPHEME.findall(text))


def outside(text: str, low: int, high: int) -> int | None:
    """The text's length when it is outside ``low..high`` (inclusive), else ``None``."""
    size = length(text)
    return None if low <= size <= high else size
