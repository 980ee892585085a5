"""One function per check: each takes the ``Subject`` (one article, read and measured)
and returns its findings (codes in ``catalogue``). ``CHECKS`` lists them in order.

A keyphrase is "in" a field when every content word of it (or of one synonym) occurs
there in any inflected form ``textnorm.stem`` unifies; density counts the phrase's words
in order, with at most one stop word between two of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlsplit

from pipeline.analysis import textnorm
from pipeline.analysis.catalogue import finding
from pipeline.analysis.document import Document
from pipeline.analysis.keyphrase import PROPOSED
from pipeline.analysis.readability import Readability
from pipeline.core.model import Article, Finding


@dataclass(frozen=True)
class Subject:
    article: Article
    doc: Document
    phrase: str
    source: str  # "front matter" or "proposed"
    forms: tuple[tuple[str, ...], ...]  # content stems of the keyphrase, then each synonym
    limits: dict[str, float]
    site_host: str
    reading: Readability
    occurrences: int
    paragraph_stems: tuple[list[str], ...] = ()  # the matching forms of each paragraph

    def has(self, text: str) -> bool:
        return any(textnorm.contains_all(text, list(form)) for form in self.forms)

    @property
    def density(self) -> float:
        words = self.reading.words
        return round(100 * self.occurrences / words, 2) if words else 0.0

    def line(self, key: str) -> int:
        return self.article.line_of(key)

    @cached_property
    def link_counts(self) -> tuple[int, int]:
        """``(internal, outbound)`` links of the body, counted once (``link_kinds``)."""
        internal = outbound = 0
        for link in self.doc.links:
            parts = urlsplit(link.href)
            if parts.scheme in ("http", "https"):
                if parts.hostname == self.site_host:
                    internal += 1
                else:
                    outbound += 1
            elif not parts.scheme and parts.path:
                internal += 1
        return internal, outbound

    def paragraph_words(self) -> list[int]:
        """Words per paragraph (one stem per word, so ``paragraph_stems`` counts them)."""
        if len(self.paragraph_stems) == len(self.doc.paragraphs):
            return list(map(len, self.paragraph_stems))
        return [len(textnorm.words(p.text)) for p in self.doc.paragraphs]


Check = Callable[[Subject], list[Finding]]


def proposed(s: Subject) -> list[Finding]:
    if s.source != PROPOSED:
        return []
    return [finding("AN001", s.article, s.line("title"), f"'{s.phrase}'")]


def in_title(s: Subject) -> list[Finding]:
    if s.has(s.article.meta.title):
        return []
    return [finding("AN002", s.article, s.line("title"), f"'{s.phrase}'")]


def in_excerpt(s: Subject) -> list[Finding]:
    if s.has(s.article.meta.excerpt):
        return []
    return [finding("AN003", s.article, s.line("excerpt"), f"'{s.phrase}'")]


def in_slug(s: Subject) -> list[Finding]:
    if s.has(s.article.slug.replace("-", " ").replace("_", " ")):
        return []
    return [finding("AN004", s.article, s.line("slug"), f"'{s.phrase}' vs '{s.article.slug}'")]


def in_first_paragraph(s: Subject) -> list[Finding]:
    first = s.doc.paragraphs[0] if s.doc.paragraphs else None
    if first is not None and s.has(first.text):
        return []
    line = first.line if first else s.article.body_line
    return [finding("AN005", s.article, line, f"'{s.phrase}'")]


def in_subheading(s: Subject) -> list[Finding]:
    subheadings = [h for h in s.doc.headings if h.level >= 2]
    if not subheadings or any(s.has(h.text) for h in subheadings):
        return []
    return [finding("AN006", s.article, subheadings[0].line,
                    f"'{s.phrase}' in none of {len(subheadings)} subheadings")]


def in_cover_alt(s: Subject) -> list[Finding]:
    """Only a written ``coverAlt``: without one the title stands in, and AN002 covers it."""
    alt = s.article.meta.cover_alt
    if alt is None or s.has(alt):
        return []
    return [finding("AN007", s.article, s.line("coverAlt"), f"'{s.phrase}' not in '{alt}'")]


def density(s: Subject) -> list[Finding]:
    low, high = s.limits["density_min"], s.limits["density_max"]
    found = f"{s.density} per 100 words ({s.occurrences} in {s.reading.words} words)"
    if s.reading.words and s.density < low:
        return [finding("AN008", s.article, s.article.body_line, f"{found}; minimum {low}")]
    if s.density > high:
        return [finding("AN009", s.article, s.article.body_line, f"{found}; maximum {high}")]
    return []


def text_length(s: Subject) -> list[Finding]:
    least = s.limits["words_min"]
    if s.reading.words >= least:
        return []
    return [finding("AN010", s.article, s.article.body_line,
                    f"{s.reading.words} words; minimum {least:.0f}")]


def image_alt(s: Subject) -> list[Finding]:
    return [finding("AN011", s.article, image.line, image.src)
            for image in s.doc.images if not image.alt.strip()]


def link_kinds(s: Subject) -> tuple[int, int]:
    """``(internal, outbound)`` link counts of the body (fragments and mail not counted)."""
    return s.link_counts


def internal_links(s: Subject) -> list[Finding]:
    least = s.limits["internal_links_min"]
    count = link_kinds(s)[0]
    if count >= least:
        return []
    return [finding("AN012", s.article, s.article.body_line,
                    f"{count} internal link(s); minimum {least:.0f}")]


def outbound_links(s: Subject) -> list[Finding]:
    least = s.limits["outbound_links_min"]
    count = link_kinds(s)[1]
    if count >= least:
        return []
    return [finding("AN013", s.article, s.article.body_line,
                    f"{count} outbound link(s); minimum {least:.0f}")]


def flesch(s: Subject) -> list[Finding]:
    score, least = s.reading.flesch, s.limits["flesch_min"]
    if score is None or score >= least:
        return []
    return [finding("AN020", s.article, s.article.body_line, f"{score}; minimum {least}")]


def long_sentences(s: Subject) -> list[Finding]:
    share, most = s.reading.long_sentences, s.limits["long_sentences_max"]
    if share <= most:
        return []
    return [finding("AN021", s.article, s.article.body_line,
                    f"{share}% of sentences have over {s.limits['sentence_words_max']:.0f} "
                    f"words; at most {most}%")]


def paragraph_length(s: Subject) -> list[Finding]:
    most = s.limits["paragraph_words_max"]
    found = []
    for block, count in zip(s.doc.paragraphs, s.paragraph_words(), strict=True):
        if count > most:
            found.append(finding("AN022", s.article, block.line,
                                 f"{count} words; at most {most:.0f}"))
    return found


def subheading_distribution(s: Subject) -> list[Finding]:
    """Words between one heading (or the start) and the next, per section."""
    most = s.limits["subheading_words_max"]
    marks = sorted([(h.line, True) for h in s.doc.headings]
                   + [(p.line, False) for p in s.doc.paragraphs])
    found, start, count = [], s.article.body_line, 0
    by_line = {p.line: n for p, n in zip(s.doc.paragraphs, s.paragraph_words(), strict=True)}
    for line, heading in [*marks, (10**9, True)]:
        if heading:
            if count > most:
                found.append(finding("AN023", s.article, start,
                                     f"{count} words before the next heading; at most "
                                     f"{most:.0f}"))
            start, count = line, 0
        else:
            count += by_line[line]
    return found


def word_length(s: Subject) -> list[Finding]:
    if not textnorm.is_arabic(s.doc.text[:2000]):
        return []
    most = s.limits["word_letters_max"]
    if s.reading.word_letters <= most:
        return []
    return [finding("AN024", s.article, s.article.body_line,
                    f"{s.reading.word_letters} letters per word; at most {most}")]


CHECKS: tuple[Check, ...] = (proposed, in_title, in_excerpt, in_slug, in_first_paragraph,
                             in_subheading, in_cover_alt, density, text_length, image_alt,
                             internal_links, outbound_links, flesch, long_sentences,
                             paragraph_length, subheading_distribution, word_length)
