"""The build time: the one clock that time-dependent rules read.

``SEO_PIPELINE_NOW`` (ISO 8601 date or date-time; UTC when it has no offset) stands in
for the wall clock: tests move time with it, and a build can be reproduced as of a
moment. A value that is not a date is a configuration error (CF108, exit 2).

Rules that depend on the clock keep their findings out of every per-file cache (they are
computed on each load), and a build that such a finding stopped is never replayed by the
no-change path: once the moment passes, the next build runs again by itself.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import UTC, datetime

from pipeline.core.model import Finding, Severity, StageResult
from pipeline.core.settings import ConfigError

ENV = "SEO_PIPELINE_NOW"
FUTURE_DATE = "FM210"  # a date or lastmod later than the build time
CLOCK_CODES = frozenset({FUTURE_DATE})


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
