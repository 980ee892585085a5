"""One retry policy for every HTTP client of the pipeline (links, submit).

Callers decide which answers are worth another attempt (``retryable_status`` is the
common rule: 429 and 5xx); this module decides how long to wait before it: what the
server's ``Retry-After`` asks (delta-seconds or an HTTP date, RFC 9110 10.2.3), else an
exponential backoff from ``backoff`` that doubles per attempt (optionally with jitter),
never more than ``max_delay``. A server asking for longer than ``max_delay`` ends the
retries (``TooLong``).
"""

from __future__ import annotations

import email.utils
import random
from dataclasses import dataclass
from datetime import UTC, datetime


def retryable_status(status: int) -> bool:
    """429 (rate limited) and server errors are worth another attempt."""
    return status == 429 or status >= 500


@dataclass(frozen=True)
class TooLong:
    """The server asked to wait ``asked`` seconds, more than the policy accepts."""

    asked: float


@dataclass(frozen=True)
class RetryPolicy:
    """``retries`` attempts after the first, waits from ``backoff`` up to ``max_delay``."""

    retries: int
    backoff: float
    max_delay: float
    jitter: bool = False  # add up to 100 % random delay, so clients do not retry in step

    def backoff_delay(self, attempt: int) -> float:
        """The wait after failed attempt number ``attempt`` (1-based) without a hint."""
        base = max(0.0, self.backoff) * 2 ** max(0, attempt - 1)
        if self.jitter:
            base += random.uniform(0, base)
        return min(base, max(0.0, self.max_delay))

    def next_wait(self, attempt: int, retry_after_header: str | None = None,
                  now: datetime | None = None) -> float | TooLong | None:
        """Seconds to wait after failed attempt ``attempt``; ``None`` when retries are used up."""
        if attempt > self.retries:
            return None
        asked = retry_after(retry_after_header, now)
        if asked is None:
            return self.backoff_delay(attempt)
        if asked > self.max_delay:
            return TooLong(asked)
        return asked


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for; ``None`` when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
