"""The one length rule for titles and descriptions, used by the metadata lint
(META001/META002; lengths are reported once, by the metadata stage): text is counted in
user-perceived characters (extended grapheme clusters, UAX #29), so Arabic vowel marks,
combining accents, emoji sequences and flags count as what a reader sees, never as bytes
or code points."""

from __future__ import annotations

import re

import regex

_GRAPHEME = regex.compile(r"\X")
# Characters that always form a cluster of their own next to one another (Grapheme_Cluster_
# Break "Other", no emoji, no Indic conjuncts): printable ASCII, the Arabic letters, tatweel,
# Arabic-Indic digits, comma, semicolon and question mark. Text of these alone has as many
# clusters as characters (every pair of them gives two \X matches).
SIMPLE = re.compile("[\x20-\x7e\u0621-\u064a\u0660-\u0669\u060c\u061b\u061f]*")


def length(text: str) -> int:
    """User-perceived characters (extended grapheme clusters)."""
    if text.isascii():  # every ASCII character is a cluster of its own, but CR LF is one
        return len(text) - text.count("\r\n")
    if SIMPLE.fullmatch(text):
        return len(text)
    return len(_GRAPHEME.findall(text))


def outside(text: str, low: int, high: int) -> int | None:
    """The text's length when it is outside ``low..high`` (inclusive), else ``None``."""
    size = length(text)
    return None if low <= size <= high else size
