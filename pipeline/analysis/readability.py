"""Readability measures: Flesch reading ease for English, and for every language
sentence length, long-sentence share and average word length in letters.

Flesch reading ease is the standard formula, 206.835 - 1.015 (words / sentences) - 84.6
(syllables / words), with syllables counted as pyphen's hyphenation points + 1 (the
estimate textstat falls back to). textstat itself is not used: from 0.7.5 on it downloads
NLTK's CMU dictionary at run time, and a build never goes to the network.

No English formula is applied to Arabic text: Flesch counts syllables with English rules
and its constants were fitted to English. For Arabic no maintained implementation of an
Arabic formula (such as OSMAN) exists on PyPI, so Arabic is judged by sentence length and
word length in letters (diacritics and tatweel not counted), with the thresholds in
``analysis.limits``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

import pyphen

from pipeline.analysis import textnorm
from pipeline.analysis.document import Document, sentence_words


@dataclass(frozen=True)
class Readability:
    sentences: int
    words: int
    sentence_words: float  # average words per sentence
    long_sentences: float  # % of sentences over the limit
    word_letters: float  # average letters per word (marks not counted)
    flesch: float | None  # English only


def measure(doc: Document, locale: str, sentence_words_max: float,
            tokens: Sequence[list[list[str]]] | None = None) -> Readability:
    """The measures of ``doc``; ``tokens``: each paragraph's ``sentence_words``, when the
    caller has them already."""
    if tokens is None:
        tokens = [sentence_words(p.text) for p in doc.paragraphs]
    lengths = [n for paragraph in tokens for n in map(len, paragraph) if n]
    words = list(map(textnorm.normal, chain.from_iterable(chain.from_iterable(tokens))))
    total = sum(lengths)
    long_share = 100 * sum(n > sentence_words_max for n in lengths) / len(lengths) \
        if lengths else 0.0
    letters = sum(map(len, words)) / len(words) if words else 0.0
    return Readability(len(lengths), total, round(total / len(lengths), 1) if lengths else 0.0,
                       round(long_share, 1), round(letters, 2),
                       flesch(total, len(lengths), words)
                       if locale.split("-")[0] == "en" and total else None)


def flesch(words: int, sentences: int, forms: list[str]) -> float:
    """Flesch reading ease from word and sentence counts and the (lower-case) words."""
    syllables = sum(map(syllables_of, forms))
    score = 206.835 - 1.015 * (words / sentences) - 84.6 * (syllables / len(forms))
    return round(score, 1)


@lru_cache(maxsize=65536)
def syllables_of(word: str) -> int:
    """Estimated syllables of an English word: hyphenation points + 1."""
    return len(_hyphenator().positions(word)) + 1


@lru_cache(maxsize=1)
def _hyphenator() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en_US")
