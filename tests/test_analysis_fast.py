"""The analysis' fast paths give what the plain definitions give, on random English and
Arabic text: words found by one character class, each paragraph tokenised once for
sentences and words, keyphrase proposals counted by ``Counter``, the density scan, and
the readability measures from shared tokens. The references below are the slow, plain
versions the fast ones replaced."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.analysis import document, readability, textnorm
from pipeline.analysis.article import subject_of
from pipeline.analysis.keyphrase import propose
from pipeline.core.model import Article, Author, FrontMatter
from pipeline.core.settings import parse_settings
from pipeline.crosscheck.summary import summarize

_LETTER = "(?:[^\\W_]|[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed])"
_WORD = re.compile(f"{_LETTER}+(?:['’]{_LETTER}+)*")  # the plain definition of a word


def reference_words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFC", text))


def reference_propose(title: str, excerpt: str, body: str, locale: str) -> str:
    stop = {textnorm.stem(w) for w in textnorm.STOPWORDS.get(locale, frozenset())}
    counts: dict[tuple[str, ...], float] = {}
    shown: dict[tuple[str, ...], str] = {}
    for text, weight in ((title, 3), (excerpt, 2), (body, 1)):
        written = reference_words(text)
        forms = [textnorm.stem(w) for w in written]
        for size in (3, 2):
            for i in range(len(forms) - size + 1):
                gram = tuple(forms[i:i + size])
                if gram[0] in stop or gram[-1] in stop or len(set(gram)) < size \
                        or any(len(g) < 2 or g.isdigit() for g in gram):
                    continue
                counts[gram] = counts.get(gram, 0.0) + weight * (1.5 if size == 3 else 1.0)
                shown.setdefault(gram, " ".join(written[i:i + size]))
    if not counts:
        words = reference_words(title)
        return " ".join(words[:3]) if words else title
    best = max(counts.items(), key=lambda item: (item[1], item[0]))[0]
    phrase = shown[best]
    return phrase if textnorm.is_arabic(phrase) else phrase.lower()


def reference_occurrences(text: list[str], phrase: list[str], stop: frozenset[str]) -> int:
    if not phrase:
        return 0
    count, n = 0, len(text)
    for start in range(n):
        if text[start] != phrase[0]:
            continue
        at, ok = start, True
        for want in phrase[1:]:
            nxt, skipped = at + 1, 0
            while nxt < n and text[nxt] != want and text[nxt] in stop and skipped < 1:
                nxt, skipped = nxt + 1, skipped + 1
            if nxt >= n or text[nxt] != want:
                ok = False
                break
            at = nxt
        count += ok
    return count


# Words from a small vocabulary (so phrases repeat), in both scripts, with the characters
# that make tokenising hard: marks, tatweel, apostrophes, underscores, digits, combining
# accents, spaces NFC rewrites, and sentence ends.
VOCABULARY = ["laser", "skin", "Skin's", "resurfacing", "the", "of", "and", "a", "cost",
              "x", "2025", "clinic’s", "over_night", "café", "cafe\u0301", "e\u0301",
              "تقشير", "البشرة", "للبشرة", "بالليزر", "وبالليزر", "البَشَرَةِ", "البشـــرة",
              "في", "من", "و", "تكلفة", "\u064e", "ال", "٣"]
SEPARATORS = [" ", " ", " ", ". ", "! ", "? ", "؟ ", "۔ ", ", ", "\n", "\u2000", "'", "’",
              "_", "-", ".", "'s "]
TEXT = st.lists(st.tuples(st.sampled_from(VOCABULARY), st.sampled_from(SEPARATORS)),
                max_size=60).map(lambda parts: "".join(w + s for w, s in parts))
ANY_TEXT = st.one_of(TEXT, st.text(max_size=80))


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_words_equal_the_plain_definition(text: str) -> None:
    assert textnorm.words(text) == reference_words(text)


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_sentence_words_equal_words_of_each_sentence(text: str) -> None:
    found = document.sentence_words(text)
    assert found == [reference_words(s) for s in document.sentences(text)]
    assert [w for sentence in found for w in sentence] == reference_words(text)


@settings(max_examples=300, deadline=None)
@given(TEXT, TEXT, TEXT, st.sampled_from(["en", "ar", "en-GB"]))
def test_proposal_equals_the_plain_count(title: str, excerpt: str, body: str,
                                         locale: str) -> None:
    assert propose(title, excerpt, body, locale) == \
        reference_propose(title, excerpt, body, locale)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c", "of", "the"]), max_size=40),
       st.lists(st.sampled_from(["a", "b", "c", "of"]), max_size=3))
def test_occurrences_equal_the_plain_scan(text: list[str], phrase: list[str]) -> None:
    stop = frozenset({"of", "the"})
    assert textnorm.occurrences(text, phrase, stop) == reference_occurrences(text, phrase, stop)


def reference_measure(doc: document.Document, locale: str,
                      most: float) -> readability.Readability:
    lengths = [len(reference_words(s)) for p in doc.paragraphs
               for s in document.sentences(p.text)]
    lengths = [n for n in lengths if n]
    words = [textnorm.normal(w) for w in reference_words(doc.text)]
    total = sum(lengths)
    share = 100 * sum(n > most for n in lengths) / len(lengths) if lengths else 0.0
    letters = sum(len(w) for w in words) / len(words) if words else 0.0
    return readability.Readability(
        len(lengths), total, round(total / len(lengths), 1) if lengths else 0.0,
        round(share, 1), round(letters, 2),
        readability.flesch(total, len(lengths), words) if locale == "en" and total else None)


@settings(max_examples=150, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=5), st.sampled_from(["en", "ar"]))
def test_readability_from_shared_tokens_equals_the_plain_measure(texts: list[str],
                                                                 locale: str) -> None:
    doc = document.parse("\n\n".join(t.replace("_", " ").replace("-", " ") for t in texts))
    tokens = [document.sentence_words(p.text) for p in doc.paragraphs]
    expected = reference_measure(doc, locale, 20)
    assert readability.measure(doc, locale, 20, tokens) == expected
    assert readability.measure(doc, locale, 20) == expected


def test_a_lone_vowel_mark_is_summarised() -> None:
    """A diacritic written on its own is a word whose matching form is empty: the summary
    counts it as no Arabic word instead of failing on its first letter."""
    site, problems = parse_settings(
        {"site": {"name": "T", "base_url": "https://example.org"},
         "locales": [{"code": "en", "hreflang": "en", "og_locale": "en_US",
                      "direction": "ltr", "name": "English"},
                     {"code": "ar", "hreflang": "ar", "og_locale": "ar_AR",
                      "direction": "rtl", "name": "العربية"}]}, root=Path("/tmp"))
    assert problems == []
    meta = FrontMatter(title="تقشير البشرة", excerpt="x", cover_image="/c.jpg",
                       date=datetime(2025, 7, 1, tzinfo=UTC), author=Author("فريق التحرير"),
                       og_image="/c.jpg", slug="a", translation_key="k")
    body = "تقشير البشرة \u064e بالليزر آمن وسريع للبشرة الحساسة.\n"
    row = summarize(site, subject_of(site, Article(Path("content/ar/a.md"), "ar", meta, body,
                                                   10, {})))
    assert row["words"] == 8 and row["arabic"] == round(7 / 8, 3)
