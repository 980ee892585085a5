"""Scheduled publishing: which loaded articles are published at the build time.

An article whose ``date`` is later than the build time is *scheduled*: it gets no page,
JSON, index entry, sitemap entry, hreflang alternate on its translations or submission
until a build runs after that moment (FM211, info, with the date). One whose
``expiryDate`` has passed is *expired* and retired the same way (FM212); one that will
expire says when (FM213). A ``lastmod`` later than the build time is ignored (the
``date`` stands) until it passes (FM210, warning), so no output's date is later than
the build. ``build --future`` / ``--expired`` (and ``serve --watch``) publish them
anyway as a preview. Drafts are never published and get none of these findings.

Everything here reads the one clock (``core.clock``) on every load, outside the
per-file caches; the earliest moment at which the answer changes is ``next_change``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from pipeline.content.parsing import err
from pipeline.core.clock import EXPIRED, EXPIRES, FUTURE_DATE, SCHEDULED
from pipeline.core.datefmt import w3c_datetime
from pipeline.core.model import Article, Finding, Severity

BAD_EXPIRY = "FM214"  # an expiryDate not after the date


@dataclass
class Schedule:
    """The articles as published at ``moment`` (future ``lastmod`` dropped), the sources
    held back with why (``scheduled``/``expired``), findings and the next change."""

    articles: list[Article] = field(default_factory=list)
    held: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    next_change: datetime | None = None

    def _soon(self, moment: datetime) -> None:
        if self.next_change is None or moment < self.next_change:
            self.next_change = moment


def schedule(articles: Iterable[Article], moment: datetime, future: bool = False,
             expired: bool = False) -> Schedule:
    """Sort ``articles`` into published and held at ``moment``; ``future``/``expired``
    publish scheduled/expired ones anyway (previews)."""
    result = Schedule()
    for article in articles:
        result.articles.append(_one(article, moment, future, expired, result))
    return result


def _hold(article: Article, result: Schedule, field: str, code: str, why: str,
          previewed: bool, message: str, hint: str) -> None:
    """Say why the article is held back (``why``: scheduled or expired), and hold it
    unless the build previews it (``--future``, ``--expired``)."""
    flag = "future" if why == "scheduled" else "expired"
    result.findings.append(_info(article, field, code, message + (
        f" (previewed: --{flag})" if previewed else ""), hint))
    if not previewed:
        result.held.setdefault(article.source.as_posix(), why)


def _one(article: Article, moment: datetime, future: bool, expired: bool,
         result: Schedule) -> Article:
    meta, source = article.meta, article.source.as_posix()
    if meta.draft:
        return article
    expiry = meta.expiry
    if expiry is not None and expiry <= meta.date:
        result.findings.append(err(source, article.line_of("expiryDate"), BAD_EXPIRY,
                                   f"'expiryDate' {w3c_datetime(expiry)} is not after "
                                   f"'date' {w3c_datetime(meta.date)}",
                                   "give a moment after the date, or remove expiryDate"))
        expiry = None  # an error; nothing else is said about it
    if meta.date > moment:
        result._soon(meta.date)
        _hold(article, result, "date", SCHEDULED, "scheduled", future,
              f"scheduled: published from {w3c_datetime(meta.date)}",
              "a build at or after that moment publishes it (the scheduled CI build does); "
              "'build --future' previews it now")
    if expiry is not None:
        if expiry <= moment:
            _hold(article, result, "expiryDate", EXPIRED, "expired", expired,
                  f"expired at {w3c_datetime(expiry)}: retired",
                  "remove expiryDate to publish it again; 'build --expired' previews it")
        else:
            result._soon(expiry)
            result.findings.append(_info(article, "expiryDate", EXPIRES,
                                   f"expires at {w3c_datetime(expiry)}",
                                   "a build at or after that moment retires it"))
    if meta.lastmod is not None and meta.lastmod > moment and source not in result.held:
        result._soon(meta.lastmod)
        result.findings.append(Finding(
            source, article.line_of("lastmod"), 1, FUTURE_DATE, Severity.WARNING,
            f"'lastmod' {w3c_datetime(meta.lastmod)} is later than the build time "
            f"{w3c_datetime(moment)}; the date is used until then",
            "no page or sitemap may carry a future date: use the moment of the change"))
        return replace(article, meta=replace(meta, lastmod=None))
    return article


def _info(article: Article, key: str, code: str, message: str, hint: str) -> Finding:
    return Finding(article.source.as_posix(), article.line_of(key), 1, code, Severity.INFO,
                   message, hint)
