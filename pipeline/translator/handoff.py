"""What a translation file carries, independent of its format (XLIFF 2.0 or PO).

Export fills a ``Handoff``; a format module writes it. Reading a file back gives a
``Returned``: the recorded metadata and, per unit, the translator's target as tokens.
Errors met while reading are ``HandoffError`` with the file line they concern.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.core.model import Finding, Severity
from pipeline.translator.segments import Code, Segment, Token

SCHEMA = "seo-pipeline/translation/1"
NEW, CHANGED, FINAL = "new", "changed", "final"
# Metadata every file records (XLIFF: <mda:meta type=...>; PO: X-... header fields).
META_KEYS = ("schema", "translationKey", "sourcePath", "sourceLocale", "targetLocale",
             "sourceHash")


@dataclass(frozen=True)
class Unit:
    """One segment to translate, its state and what fills its target before translation."""

    segment: Segment
    state: str  # NEW, CHANGED or FINAL
    target: tuple[Token, ...] | None = None
    previous: str | None = None  # the source text a CHANGED target was translated from
    location: str = ""  # path:line of the segment in the source
    hint: str = ""  # a note for the translator about this unit


@dataclass(frozen=True)
class Handoff:
    """One article's translation file: where it comes from and its units."""

    meta: dict[str, str]
    source_lang: str  # BCP 47, for the file's language attributes
    target_lang: str
    units: tuple[Unit, ...]

    @property
    def file_stem(self) -> str:
        return f"{self.meta['translationKey']}.{self.meta['targetLocale']}"


@dataclass(frozen=True)
class ReturnedUnit:
    id: str
    target: tuple[Token, ...] | None  # None: no target at all
    unreviewed: bool  # XLIFF state "initial", PO "fuzzy"
    line: int


@dataclass
class Returned:
    meta: dict[str, str]
    units: list[ReturnedUnit] = field(default_factory=list)


class HandoffError(Exception):
    """A file that cannot be used, with the line (1-based) where the problem shows."""

    def __init__(self, code: str, message: str, hint: str = "", line: int = 1, col: int = 1):
        super().__init__(message)
        self.code, self.message, self.hint, self.line, self.col = code, message, hint, line, col

    def finding(self, path: str) -> Finding:
        return Finding(path, self.line, self.col, self.code, Severity.ERROR, self.message,
                       self.hint)


def describe(code: Code) -> str:
    """A code as a translator's note shows it: ``<1>…</1> link: [ … ](/url)``."""
    shown = f"{code.start} … {code.end}" if code.paired else code.start
    shown = shown.replace("\n", "\\n")
    tag = f"<{code.id}>…</{code.id}>" if code.paired else f"<{code.id}/>"
    return f"{tag} {code.kind}: {shown}"


def locate(text: str, needle: str) -> tuple[int, int]:
    """1-based line and column of the first ``needle`` in ``text`` (1, 1 if absent)."""
    at = text.find(needle)
    if at < 0:
        return 1, 1
    line = text.count("\n", 0, at) + 1
    return line, at - (text.rfind("\n", 0, at) + 1) + 1
