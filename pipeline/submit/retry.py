"""Bounded retries: 429, 5xx and transport errors are tried again with exponential
backoff; a ``Retry-After`` header (seconds or HTTP date) replaces the backoff delay.
A ``Retry-After`` longer than the configured maximum ends the retries instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import requests

from pipeline.core.settings import SubmitSection
from pipeline.submit.redact import redact

Sleep = Callable[[float], None]


@dataclass(frozen=True)
class RetryPolicy:
    retries: int  # attempts after the first
    backoff: float  # first delay in seconds, doubled per attempt
    max_delay: float  # the longest wait this client accepts

    @classmethod
    def of(cls, section: SubmitSection) -> RetryPolicy:
        return cls(max(0, section.retries), max(0.0, section.retry_backoff),
                   max(0.0, section.max_retry_after))


@dataclass(frozen=True)
class Outcome:
    """The last response (or ``None`` after a transport error) and how it ended."""

    response: requests.Response | None
    attempts: int
    error: str = ""  # transport error, when there is no response
    note: str = ""  # why retrying stopped early


def retryable(response: requests.Response | None) -> bool:
    return response is None or response.status_code == 429 or response.status_code >= 500


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds asked for by a ``Retry-After`` header, or ``None`` when absent or invalid."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def send(call: Callable[[], requests.Response], policy: RetryPolicy,
         sleep: Sleep = time.sleep) -> Outcome:
    """Call until a final answer, the retries are used up or the server asks too much."""
    attempt = 0
    while True:
        attempt += 1
        response, error = _attempt(call)
        if not retryable(response) or attempt > policy.retries:
            return Outcome(response, attempt, error)
        asked = retry_after(response.headers.get("Retry-After")) if response is not None else None
        if asked is not None and asked > policy.max_delay:
            return Outcome(response, attempt, error,
                           f"the server asked to wait {asked:.0f} s, over "
                           f"submit.max_retry_after ({policy.max_delay:.0f} s)")
        sleep(asked if asked is not None
              else min(policy.max_delay, policy.backoff * 2 ** (attempt - 1)))


def _attempt(call: Callable[[], requests.Response]) -> tuple[requests.Response | None, str]:
    try:
        return call(), ""
    except requests.RequestException as exc:
        return None, redact(f"{type(exc).__name__}: {exc}")
