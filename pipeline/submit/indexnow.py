"""IndexNow: the key, its key file, and the JSON POST of changed URLs in batches.

The key (8-128 characters of ``a-z A-Z 0-9 -``) is public by design: the engines fetch
``<base_url>/<key>.txt`` (the ``keyLocation``) and expect it to hold the key. A request
is ``POST <endpoint>`` with ``Content-Type: application/json; charset=utf-8`` and the
body ``{"host", "key", "keyLocation", "urlList"}``, at most 10,000 URLs per request.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict
from urllib.parse import urlsplit

import requests

from pipeline.core.fsutil import safe_join, write_text
from pipeline.core.settings import Settings
from pipeline.core.urls import iri_to_uri, site_url
from pipeline.submit.redact import redact
from pipeline.submit.retry import Outcome, RetryPolicy, Sleep, send
from pipeline.submit.state import Entry

MAX_BATCH = 10_000
CONTENT_TYPE = "application/json; charset=utf-8"
KEY_PATTERN = re.compile(r"[A-Za-z0-9-]{8,128}")

# status -> (accepted, message, hint); the messages follow the protocol's documentation.
STATUS: dict[int, tuple[bool, str, str]] = {
    200: (True, "URLs submitted successfully", ""),
    202: (True, "URLs received; key validation pending (the engine will fetch the key "
          "file)", ""),
    400: (False, "bad request: the engine rejected the request's format",
          "check the endpoint and that submit.indexnow_key is a valid key"),
    403: (False, "key not valid: the key file was not found at keyLocation or does not "
          "hold the key", "publish the site output with the key file "
          "(seo-pipeline indexnow-key writes it) before submitting"),
    422: (False, "unprocessable: URLs do not belong to the host, or the key does not "
          "match the protocol's format", "every URL must be on site.base_url's host"),
    429: (False, "too many requests (the engine sees potential spam)",
          "submit less often; only new or changed URLs are sent"),
}


@dataclass(frozen=True)
class Batch:
    entries: tuple[Entry, ...]
    body: bytes  # exactly the bytes sent


@dataclass(frozen=True)
class BatchResult:
    accepted: bool
    status: int | None
    attempts: int
    message: str
    hint: str = ""


def key_problem(key: str) -> str:
    """Why ``key`` is not a valid IndexNow key, or ``''``."""
    if KEY_PATTERN.fullmatch(key):
        return ""
    return "must be 8-128 characters of a-z, A-Z, 0-9 and '-'"


def new_key() -> str:
    """A random key: 32 lowercase hex characters."""
    return secrets.token_hex(16)


def key_file(settings: Settings, key: str) -> Path:
    """Where the key file goes in the site output root."""
    return safe_join(settings.path("output"), f"{key}.txt")


def write_key_file(settings: Settings, key: str) -> Path:
    return write_text(key_file(settings, key), key)


def key_location(settings: Settings, key: str) -> str:
    return site_url(settings, f"/{key}.txt")


def host(settings: Settings) -> str:
    """The site's host name as the URLs spell it (ASCII, punycode for IDNs)."""
    return urlsplit(iri_to_uri(settings.base_url)).hostname or ""


class Payload(TypedDict):
    """The JSON body of an IndexNow request."""

    host: str
    key: str
    keyLocation: str
    urlList: list[str]


def payload(settings: Settings, key: str, urls: Sequence[str]) -> Payload:
    return {"host": host(settings), "key": key, "keyLocation": key_location(settings, key),
            "urlList": list(urls)}


def encode(data: Payload) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def batches(settings: Settings, key: str, entries: Sequence[Entry], size: int) -> list[Batch]:
    """``entries`` cut into requests of at most ``size`` URLs."""
    size = max(1, min(size, MAX_BATCH))
    result = []
    for start in range(0, len(entries), size):
        chunk = tuple(entries[start : start + size])
        result.append(Batch(chunk, encode(payload(settings, key, [e.url for e in chunk]))))
    return result


def post(session: requests.Session, endpoint: str, batch: Batch, policy: RetryPolicy,
         timeout: float, sleep: Sleep) -> BatchResult:
    """Send one batch (retrying 429 and 5xx) and interpret the answer."""
    outcome = send(lambda: session.post(endpoint, data=batch.body, timeout=timeout,
                                        headers={"Content-Type": CONTENT_TYPE}), policy, sleep)
    return interpret(outcome)


def interpret(outcome: Outcome) -> BatchResult:
    """A clear message for the final answer of an IndexNow request."""
    response, attempts = outcome.response, outcome.attempts
    tries = f" after {attempts} attempt(s)" if attempts > 1 else ""
    if response is None:
        return BatchResult(False, None, attempts, f"no answer{tries}: {outcome.error}",
                           "check submit.indexnow_endpoint and the network")
    status = response.status_code
    accepted, message, hint = STATUS.get(status) or _other(status)
    reason = f" {redact(response.reason)}" if response.reason else ""
    note = f" ({outcome.note})" if outcome.note else ""
    return BatchResult(accepted, status, attempts,
                       f"{status}{reason}: {message}{tries}{note}", hint)


def _other(status: int) -> tuple[bool, str, str]:
    if 200 <= status < 300:
        return True, "accepted", ""
    if status >= 500:
        return False, "the engine had a server error", "try again later"
    return False, "unexpected answer", "check submit.indexnow_endpoint"
