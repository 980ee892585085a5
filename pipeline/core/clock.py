"""The build time: the one clock that time-dependent rules read.

``SEO_PIPELINE_NOW`` (ISO 8601 date or date-time; UTC when it has no offset) stands in
for the wall clock: tests move time with it, and a build can be reproduced as of a
moment. A value that is not a date is a configuration error (CF108, exit 2).

Rules that depend on the clock keep their findings out of every per-file cache (they are
computed on each load), and a build whose output a passing moment will change (an article
scheduled, expiring or with a future ``lastmod``) is never replayed by the no-change path:
once the moment passes, the next build publishes it by itself.

``SEO_PIPELINE_FUTURE`` / ``SEO_PIPELINE_EXPIRED`` (``1``; ``build --future/--expired``
and ``serve --watch`` set them) preview scheduled and expired articles.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import UTC, datetime

from pipeline.core.model import Finding, Severity, StageResult
from pipeline.core.settings import ConfigError

ENV = "SEO_PIPELINE_NOW"
FUTURE_ENV = "SEO_PIPELINE_FUTURE"
EXPIRED_ENV = "SEO_PIPELINE_EXPIRED"
FUTURE_DATE = "FM210"  # a lastmod later than the build time (ignored until then)
SCHEDULED = "FM211"  # a date later than the build time: published from then on
EXPIRED = "FM212"  # an expiryDate already passed: retired
EXPIRES = "FM213"  # an expiryDate later than the build time: retired from then on
CLOCK_CODES = frozenset({FUTURE_DATE, SCHEDULED, EXPIRES})


def previews() -> tuple[bool, bool]:
    """Whether scheduled (future) and expired articles are published anyway (a preview)."""
    return (os.environ.get(FUTURE_ENV, "") == "1", os.environ.get(EXPIRED_ENV, "") == "1")


def set_previews(future: bool, expired: bool) -> None:
    """Preview scheduled and/or expired articles in this process and its workers."""
    for name, on in ((FUTURE_ENV, future), (EXPIRED_ENV, expired)):
        if on:
            os.environ[name] = "1"
        else:
            os.environ.pop(name, None)


def now() -> datetime:
    """The build time, timezone-aware: ``SEO_PIPELINE_NOW`` when set, else the clock."""
    text = os.environ.get(ENV, "").strip()
    if not text:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ConfigError([Finding(ENV, 1, 1, "CF108", Severity.ERROR,
                                   f"{ENV}={text!r} is not an ISO 8601 date or date-time",
                                   "e.g. 2025-07-01T12:00:00Z, or unset it to use the clock")],
                          ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def depends_on_clock(results: Iterable[StageResult]) -> bool:
    """Whether a finding of ``results`` may go away by time passing alone."""
    return any(f.code in CLOCK_CODES for result in results for f in result.findings)


def next_scheduled(results: Iterable[StageResult]) -> str | None:
    """The earliest moment a scheduled finding names (W3C datetime), if any."""
    dates = [r.data["nextScheduled"] for r in results
             if isinstance(r.data.get("nextScheduled"), str)]
    return min(dates, key=datetime.fromisoformat) if dates else None


def next_scheduled_line(results: Iterable[StageResult]) -> str:
    """The console line naming the next scheduled change, or ''."""
    moment = next_scheduled(list(results))
    return (f"  next scheduled change: {moment} (a build at or after then publishes it)"
            if moment else "")
