"""Health-content rules the validate stage applies: a health article needs a medical
reviewer (AN201), a review no older than ``analyze.review_max_days`` (AN202), and a real
author, not a starter template's sample name (AN203, ``analyze.placeholder_authors``).

An article is health content when its front matter has ``about``, ``medicalSpecialty``
or ``reviewedBy``.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from functools import lru_cache

from pipeline.analysis.catalogue import finding
from pipeline.core.model import Article, Finding
from pipeline.core.settings import AnalyzeSection


def is_health(article: Article) -> bool:
    meta = article.meta
    return bool(meta.about or meta.medical_specialty or meta.reviewed_by)


def no_reviewer(article: Article) -> list[Finding]:
    if not is_health(article) or article.meta.reviewed_by is not None:
        return []
    key = "about" if article.meta.about else "medicalSpecialty"
    return [finding("AN201", article, article.line_of(key), article.meta.title)]


def old_review(article: Article, rules: AnalyzeSection, now: datetime) -> list[Finding]:
    reviewed = article.meta.last_reviewed
    if not is_health(article) or reviewed is None:
        return []
    age = (now - reviewed).days
    if age <= rules.review_max_days:
        return []
    return [finding("AN202", article, article.line_of("lastReviewed"),
                    f"last reviewed {reviewed.date().isoformat()}, {age} days ago; at most "
                    f"{rules.review_max_days}")]


def _folded(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


@lru_cache(maxsize=8)
def _placeholders(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(map(_folded, names))


def placeholder_author(article: Article, rules: AnalyzeSection) -> list[Finding]:
    name = _folded(article.meta.author.name)
    if name not in _placeholders(tuple(rules.placeholder_authors)):
        return []
    return [finding("AN203", article, article.line_of("author.name"),
                    f"'{article.meta.author.name}'")]


def findings(article: Article, rules: AnalyzeSection, now: datetime) -> list[Finding]:
    """Every health rule's findings for one article."""
    return (no_reviewer(article) + old_review(article, rules, now)
            + placeholder_author(article, rules))
