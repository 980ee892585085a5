"""Dates later than the build time (FM210, an error) until scheduled publishing exists.

An article's ``date`` or ``lastmod`` becomes its pages' dates, its sitemap ``<lastmod>``
and, when it is the newest, the ``<lastmod>`` of ``/``, ``/<locale>/`` and the sitemap
index; a date in the future would put it on every one of them. So it stops the build
(nothing is published, the previous output stays) rather than being written or clamped.
Drafts are exempt: they are not published. The check reads the one clock
(``core.clock``) on every load and is never part of the per-file source cache.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pipeline.content.parsing import err
from pipeline.core.clock import FUTURE_DATE
from pipeline.core.datefmt import w3c_datetime
from pipeline.core.model import Article, Finding


def future_dates(articles: Iterable[Article], moment: datetime) -> list[Finding]:
    """An error at each published article's ``date`` or ``lastmod`` after ``moment``."""
    findings = []
    for article in articles:
        if article.meta.draft:
            continue
        for key, value in (("date", article.meta.date), ("lastmod", article.meta.lastmod)):
            if value is not None and value > moment:
                findings.append(err(
                    article.source.as_posix(), article.line_of(key), FUTURE_DATE,
                    f"'{key}' {w3c_datetime(value)} is later than the build time "
                    f"{w3c_datetime(moment)}; no page or sitemap may carry a future date",
                    "use the date the article goes live and build from then on, or mark it "
                    "'draft: true' until then (scheduled publishing is not supported yet)"))
    return findings
