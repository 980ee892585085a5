"""Invisible and control characters: find them (for warnings) and strip them (for output).

XML 1.0 forbids C0 controls other than tab, LF and CR, surrogates and U+FFFE/U+FFFF;
HTML parsers turn NUL into U+FFFD. Bidi overrides, embeddings and isolates can reorder
what a reader sees (CVE-2021-42574, "Trojan Source"), and zero-width characters hide
text. ``sanitize`` removes all of them and is what renderers call on text from authors
before writing HTML or XML. Marks that scripts need are kept: LRM/RLM/ALM (U+200E, U+200F,
U+061C), ZWNJ and ZWJ (U+200C, U+200D: Persian, Arabic shaping, emoji).
"""

from __future__ import annotations

import re

BIDI_OVERRIDES = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
ZERO_WIDTH = "\u200b\u2060\ufeff\u180e"
_NONCHARS = "\ufdd0-\ufdef\ufffe\uffff"
INVISIBLE = re.compile(
    f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARS}{BIDI_OVERRIDES}{ZERO_WIDTH}]"
)
_CONTROL_IN_LINE = re.compile("[\t\n\r]")


def invisible_chars(text: str) -> list[str]:
    """The distinct invisible or control characters in ``text``, as ``U+XXXX``, sorted."""
    return sorted({f"U+{ord(c):04X}" for c in INVISIBLE.findall(text)})


def sanitize(text: str) -> str:
    """``text`` without characters that are invalid in XML 1.0 or invisible to readers."""
    return INVISIBLE.sub("", text)


def sanitize_line(text: str) -> str:
    """``sanitize`` plus tab/CR/LF turned into spaces: for titles, attributes, one-line fields."""
    return _CONTROL_IN_LINE.sub(" ", sanitize(text))
