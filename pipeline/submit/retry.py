"""The submit stage's request loop over the shared policy of ``pipeline.net.retry``:
429, 5xx and transport errors are tried again; ``Retry-After`` replaces the backoff; a
``Retry-After`` longer than ``submit.max_retry_after`` ends the retries instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import requests

from pipeline.core.settings import SubmitSection
from pipeline.net.retry import RetryPolicy, TooLong, retry_after, retryable_status
from pipeline.submit.redact import redact

__all__ = ["Outcome", "RetryPolicy", "Sleep", "policy_of", "retry_after", "retryable", "send"]

Sleep = Callable[[float], None]


def policy_of(section: SubmitSection) -> RetryPolicy:
    """The ``[submit]`` retry settings as the shared policy (no jitter: one client)."""
    return RetryPolicy(max(0, section.retries), max(0.0, section.retry_backoff),
                       max(0.0, section.max_retry_after))


@dataclass(frozen=True)
class Outcome:
    """The last response (or ``None`` after a transport error) and how it ended."""

    response: requests.Response | None
    attempts: int
    error: str = ""  # transport error, when there is no response
    note: str = ""  # why retrying stopped early


def retryable(response: requests.Response | None) -> bool:
    return response is None or retryable_status(response.status_code)


def send(call: Callable[[], requests.Response], policy: RetryPolicy,
         sleep: Sleep = time.sleep) -> Outcome:
    """Call until a final answer, the retries are used up or the server asks too much."""
    attempt = 0
    while True:
        attempt += 1
        response, error = _attempt(call)
        if not retryable(response):
            return Outcome(response, attempt, error)
        header = response.headers.get("Retry-After") if response is not None else None
        wait = policy.next_wait(attempt, header)
        if wait is None:
            return Outcome(response, attempt, error)
        if isinstance(wait, TooLong):
            return Outcome(response, attempt, error,
                           f"the server asked to wait {wait.asked:.0f} s, over "
                           f"submit.max_retry_after ({policy.max_delay:.0f} s)")
        sleep(wait)


def _attempt(call: Callable[[], requests.Response]) -> tuple[requests.Response | None, str]:
    try:
        return call(), ""
    except requests.RequestException as exc:
        return None, redact(f"{type(exc).__name__}: {exc}")
