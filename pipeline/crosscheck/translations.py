"""Across locales: CROSS003 a text that is not a translation of its ``translationKey``
partner, CROSS004 a translation missing whole sections of its source.

Cheap signals only: the script the text is written in (a locale whose language is
written in Arabic script must be mostly Arabic words, any other mostly not), and the
shape of the text against its source (paragraph and word counts within ``RATIOS``,
headings). A heading count below the source's names the source sections that have no
counterpart (aligned by heading level and order).
"""

from __future__ import annotations

from difflib import SequenceMatcher

from pipeline.core.model import Finding, Severity
from pipeline.crosscheck.item import Heading, Item

NOT_TRANSLATION = "CROSS003"
MISSING_SECTIONS = "CROSS004"
ARABIC_SCRIPT = frozenset({"ar", "fa", "ur", "ps", "ckb", "sd", "ug"})
MIN_PARAGRAPHS = 3  # shorter sources tell too little to compare shapes
RATIOS = {"paragraphs": (0.5, 2.0), "words": (0.4, 2.5)}


def expects_arabic(locale: str) -> bool:
    return locale.split("-")[0].split("_")[0].lower() in ARABIC_SCRIPT


def check_pair(source: Item, other: Item) -> list[Finding]:
    """What shows that ``other`` is not a faithful translation of ``source``."""
    found = []
    wants_arabic = expects_arabic(other.locale)
    if other.words and (other.arabic >= 0.5) != wants_arabic:
        script = "Arabic" if wants_arabic else "non-Arabic"
        found.append(_at(other, NOT_TRANSLATION,
                         f"text is not in the language of '{other.locale}': "
                         f"{other.arabic:.0%} of its words are Arabic, {script} expected "
                         f"for a translation of {source.source}",
                         "put the translated text here (or fix the locale folder)"))
    elif source.paragraphs >= MIN_PARAGRAPHS:
        for name, (low, high) in RATIOS.items():
            mine, theirs = getattr(other, name), getattr(source, name)
            ratio = mine / theirs if theirs else 1.0
            if not low <= ratio <= high:
                found.append(_at(other, NOT_TRANSLATION,
                                 f"does not match the shape of its source {source.source}: "
                                 f"{mine} {name} against {theirs} (ratio {ratio:.2f}, "
                                 f"{low}-{high} expected)",
                                 "check that this is a translation of that article "
                                 "(translationKey) and that it is complete"))
                break
    missing = missing_headings(source, other)
    if missing:
        shown = "; ".join(f"{source.source}:{h.line} '{h.text}'" for h in missing)
        found.append(_at(other, MISSING_SECTIONS,
                         f"{len(other.headings)} of the source's {len(source.headings)} "
                         f"sections are here; missing, by position: {shown}",
                         "translate the missing sections, then mark the translation "
                         "current (translations --mark-current)"))
    return found


def missing_headings(source: Item, other: Item) -> list[Heading]:
    """Source headings without a counterpart, when the translation has fewer."""
    if len(other.row["headings"]) >= len(source.row["headings"]):
        return []  # counted before the headings are read back
    ours = [h.level for h in source.headings]
    theirs = [h.level for h in other.headings]
    matcher = SequenceMatcher(None, ours, theirs, autojunk=False)
    missing: list[Heading] = []
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            missing += source.headings[i1:i2]
    return missing[: len(source.headings) - len(other.headings)] or \
        list(source.headings[len(other.headings):])


def _at(item: Item, code: str, message: str, hint: str) -> Finding:
    return Finding(item.source, item.title_line, 1, code, Severity.WARNING, message, hint)
