"""Analyse one article: read it, measure it, run every check; small JSON-ready results.

``analyze(settings, article)`` runs in the article's work unit, so an unchanged article
is not analysed again; its data goes into ``article.json`` (``analysis``) and, with the
findings, into ``reports/analyze.json``.
"""

from __future__ import annotations

from itertools import chain
from urllib.parse import urlsplit

from pipeline.analysis import checks, document, readability, textnorm
from pipeline.analysis.keyphrase import focus_keyphrase
from pipeline.analysis.limits import limits_of
from pipeline.core.jsontypes import JSONObject
from pipeline.core.model import Article, Finding
from pipeline.core.settings import Settings


def subject_of(settings: Settings, article: Article) -> checks.Subject:
    """The article read and measured, with its keyphrase and thresholds."""
    limits = limits_of(settings, article.locale)
    doc = document.read(article)
    phrase, source = focus_keyphrase(article)
    lang = article.locale.split("-")[0]
    stop = textnorm.stop_stems(lang)
    forms = tuple(tuple(textnorm.content_stems(p, lang))
                  for p in (phrase, *article.meta.keyphrase_synonyms))
    tokens = [document.sentence_words(block.text) for block in doc.paragraphs]  # read once
    paragraph_stems = tuple(list(map(textnorm.stem, chain.from_iterable(sentences)))
                            for sentences in tokens)
    body_stems = list(chain.from_iterable(paragraph_stems))  # = stems(doc.text)
    count = sum(textnorm.occurrences(body_stems, textnorm.stems(p), stop)
                for p in (phrase, *article.meta.keyphrase_synonyms))
    reading = readability.measure(doc, lang, limits["sentence_words_max"], tokens)
    host = urlsplit(settings.base_url).hostname or ""
    return checks.Subject(article, doc, phrase, source, forms, limits, host, reading, count,
                          paragraph_stems)


def analyze(settings: Settings, article: Article,
            subject: checks.Subject | None = None) -> tuple[JSONObject, list[Finding]]:
    """``(data, findings)`` of one article (``subject``: its ``subject_of``, when the
    caller has it already)."""
    subject = subject or subject_of(settings, article)
    findings = [f for check in checks.CHECKS for f in check(subject)]
    internal, outbound = checks.link_kinds(subject)
    reading = subject.reading
    data: JSONObject = {
        "keyphrase": {"phrase": subject.phrase, "source": subject.source,
                      "synonyms": list(article.meta.keyphrase_synonyms),
                      "occurrences": subject.occurrences, "density": subject.density},
        "words": reading.words,
        "readability": {"sentences": reading.sentences,
                        "sentenceWords": reading.sentence_words,
                        "longSentencesPercent": reading.long_sentences,
                        "wordLetters": reading.word_letters,
                        "fleschReadingEase": reading.flesch},
        "links": {"internal": internal, "outbound": outbound},
        "images": {"count": len(subject.doc.images),
                   "withoutAlt": sum(not i.alt.strip() for i in subject.doc.images)},
        "findings": sorted({f.code for f in findings}),
    }
    return data, sorted(findings)
