"""Thresholds per locale: ``[analyze]`` defaults, then the language's own defaults, then
``analyze.overrides`` (``"ar:sentence_words_max=25"``).

Arabic defaults: Arabic sentences run longer than English ones (conjunctions join
clauses that English would split), so 25 words per sentence and 30 % long sentences;
the same text also has fewer words in Arabic (conjunctions, prepositions and the article
are written attached: وبالليزر is one word, "and with the laser" four), so 250 words
at least;
average word length is counted in letters without diacritics (6.0 by default).
"""

from __future__ import annotations

from dataclasses import fields

from pipeline.core.settings import AnalyzeSection, Settings
from pipeline.core.settings_rules import parse_override

NUMERIC = tuple(name for name in AnalyzeSection.BOUNDS)
DEFAULTS = AnalyzeSection()
LANGUAGE_DEFAULTS: dict[str, dict[str, float]] = {
    "ar": {"sentence_words_max": 25, "long_sentences_max": 30.0, "words_min": 250},
}


def limits_of(settings: Settings, locale: str) -> dict[str, float]:
    """Every numeric threshold for ``locale``: a language default replaces only a value
    ``site.toml`` left at its default."""
    section = settings.analyze
    values = {f.name: float(getattr(section, f.name)) for f in fields(section)
              if f.name in NUMERIC}
    for name, value in LANGUAGE_DEFAULTS.get(locale.split("-")[0], {}).items():
        if getattr(section, name) == getattr(DEFAULTS, name):
            values[name] = value
    for entry in section.overrides:
        parsed = parse_override(entry)
        if parsed and parsed[0] == locale and parsed[1] in values:
            values[parsed[1]] = parsed[2]
    return values
