"""Words for matching: normalised and lightly stemmed, in English and Arabic.

Arabic: diacritics (tashkeel, superscript alef, Quranic marks) and tatweel are removed;
alef forms (أ إ آ ٱ) become ا, ى becomes ي, ة becomes ه, ؤ becomes و and ئ becomes ي;
then one conjunction (و ف), one preposition (ب ل ك) and the definite article ال are
stripped from the front while at least ``MIN_STEM`` letters remain (``لل`` is ل + ال).
``docs/ANALYSIS.md`` gives the measurement that chose this over plain normalisation.
English: lower case, curly apostrophes straightened, a possessive ``'s`` and a plural
``s`` (not ``ss``/``us``/``is``) removed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

MIN_STEM = 2
# A word: letters and digits with Arabic marks inside it (combining marks are not \w),
# pieces joined by an apostrophe. One character class, so it is found quickly, in a text
# whose underscores became spaces: ``_`` is the one ``\w`` character that is no letter and,
# like a space, only separates words (``tests/test_analysis_fast.py`` holds the plain
# definition, ``[^\W_]`` or a mark, and checks both agree).
_MARK_CLASS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
_WORD = re.compile(f"[\\w{_MARK_CLASS}]+(?:['’][\\w{_MARK_CLASS}]+)*")
_ARABIC = re.compile("[\u0600-\u06ff]")
_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه",
                          "ؤ": "و", "ئ": "ي"})
_EN_STOP = ("a an the of to in on for and or with by at from is are be it its this that what "
            "how why who can you your do does will about into as before after than")
_AR_STOP = ("في من إلى على عن مع أو و ثم هو هي ما ماذا لماذا كيف هل هذا هذه ذلك تلك التي "
            "الذي أن إن كان قبل بعد لا لم قد عند كل")
STOPWORDS = {"en": frozenset(_EN_STOP.split(" ")), "ar": frozenset(_AR_STOP.split(" "))}


def is_arabic(text: str) -> bool:
    return _ARABIC.search(text) is not None


def words(text: str) -> list[str]:
    """The words of ``text`` as written (letters and digits; inner apostrophes kept)."""
    return words_of_nfc(unicodedata.normalize("NFC", text))


def words_of_nfc(text: str) -> list[str]:
    """``words(text)`` for a ``text`` already in NFC (normalising it again is skipped)."""
    return _WORD.findall(text.replace("_", " "))


@cache
def stop_stems(lang: str) -> frozenset[str]:
    """The matching forms of ``lang``'s stop words (none for an unknown language)."""
    return frozenset(stem(w) for w in STOPWORDS.get(lang, frozenset()))


@lru_cache(maxsize=65536)
def normal(word: str) -> str:
    """``word`` without marks, letter variants unified, lower case (both scripts)."""
    if is_arabic(word):
        return _MARKS.sub("", word).translate(_LETTERS)
    return word.lower().replace("’", "'")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The matching form of ``word``: ``normal`` plus the light prefix/suffix rules."""
    form = normal(word)
    if is_arabic(form):
        return arabic_stem(form)
    form = form.removesuffix("'s")
    if len(form) > 3 and form.endswith("s") and not form.endswith(("ss", "us", "is")):
        form = form[:-1]
    return form


def arabic_stem(form: str) -> str:
    """Strip و/ف, then ب/ل/ك, then ال from a normalised Arabic word (light stemming)."""
    if len(form) - 1 >= MIN_STEM + 1 and form[0] in "وف" and _rest_ok(form[1:]):
        form = form[1:]
    if form.startswith("لل") and len(form) - 2 >= MIN_STEM:
        return form[2:]  # ل + ال: للبشرة = ل + البشرة
    if len(form) - 1 >= MIN_STEM + 1 and form[0] in "بلك" and form[1:].startswith("ال"):
        form = form[1:]
    if form.startswith("ال") and len(form) - 2 >= MIN_STEM:
        form = form[2:]
    return form


def _rest_ok(rest: str) -> bool:
    """A conjunction is only taken off when the rest still looks like a word of its own:
    it starts with ال or a preposition + ال, or is at least three letters long."""
    return rest.startswith(("ال", "بال", "لل", "كال")) or len(rest) >= 3


def stems(text: str) -> list[str]:
    return list(map(stem, words(text)))


def content_stems(phrase: str, locale: str) -> list[str]:
    """The stems of ``phrase`` less stop words (all stems when every word is one)."""
    stop = stop_stems(locale)
    every = stems(phrase)
    return [s for s in every if s not in stop] or every


def contains_all(text: str, phrase_stems: list[str]) -> bool:
    """True when every stem of the phrase occurs among the stems of ``text``."""
    have = set(stems(text))
    return bool(phrase_stems) and all(s in have for s in phrase_stems)


def occurrences(text_stems: list[str], phrase_stems: list[str], stop: frozenset[str],
                gap: int = 1) -> int:
    """How often the phrase's stems occur in order in ``text_stems``, with at most ``gap``
    stop words between two of them ("benefits of laser" matches "laser benefits"? no:
    order counts; "laser skin resurfacing" matches "laser-skin resurfacing")."""
    if not phrase_stems:
        return 0
    first, count, n = phrase_stems[0], 0, len(text_stems)
    if len(phrase_stems) == 1:
        return text_stems.count(first)
    start = -1
    while True:
        try:  # the next place the phrase may start, found by list.index (C speed)
            start = text_stems.index(first, start + 1)
        except ValueError:
            return count
        at, ok = start, True
        for want in phrase_stems[1:]:
            nxt, skipped = at + 1, 0
            while nxt < n and text_stems[nxt] != want and text_stems[nxt] in stop \
                    and skipped < gap:
                nxt, skipped = nxt + 1, skipped + 1
            if nxt >= n or text_stems[nxt] != want:
                ok = False
                break
            at = nxt
        count += ok
