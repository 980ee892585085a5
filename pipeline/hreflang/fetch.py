"""Fetching a live site's sitemaps and pages with the links stage's HTTP policy.

Every URL is first judged by ``pipeline.links.http.HttpChecker`` (address guard on every
hop, per-host limits, timeouts, retries and backoff, redirects followed by hand) with
its verdict kept in the links cache; a URL that answers 200 without redirect is then read
with the same guarded session, up to a byte ceiling. Nothing here reimplements the policy.
"""

from __future__ import annotations

import io
import re
import threading
from dataclasses import dataclass

from pipeline.core.streams import ByteSink
from pipeline.core.urls import normalise
from pipeline.links.cache import LinkCache
from pipeline.links.http import HttpChecker
from pipeline.links.policy import Policy
from pipeline.links.types import State, Verdict

CHUNK = 64 * 1024
HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)


class _HeadRead(Exception):  # noqa: N818 - a signal, not an error
    """The page's head is complete: the rest is not downloaded."""


class _HeadSink:
    """Keeps a page's bytes up to the end of its ``<head>``, then stops the download, so
    a page costs the size of its head whatever the size of its body."""

    def __init__(self) -> None:
        self.data = bytearray()

    def write(self, chunk: bytes) -> int:
        start = max(0, len(self.data) - 16)
        self.data += chunk
        end = HEAD_END.search(self.data, start)
        if end is not None:
            del self.data[end.end():]
            raise _HeadRead
        return len(chunk)

    def getvalue(self) -> bytearray:
        return self.data


@dataclass(frozen=True)
class Fetched:
    """A URL's verdict and, when it answered 200 directly, its body (maybe cut)."""

    url: str
    verdict: Verdict
    body: bytes | None = None
    content_type: str = ""

    @property
    def redirected(self) -> bool:
        return bool(self.verdict.redirects)

    @property
    def problem(self) -> str | None:
        """Why the URL is not a page of its own (``None`` when it is)."""
        verdict = self.verdict
        if verdict.redirects:
            status, target = verdict.redirects[0]
            return f"redirects ({status}) to {target}"
        if self.body is None:
            shown = f"HTTP {verdict.status}" if verdict.status else verdict.state
            return f"{shown}{f' ({verdict.detail})' if verdict.detail else ''}"
        return None


class Fetcher:
    """Thread-safe: the checker caps requests in total and per host."""

    def __init__(self, policy: Policy, cache: LinkCache | None = None):
        self.policy = policy
        self.checker = HttpChecker(policy)
        self.cache = cache
        self._lock = threading.Lock()

    def close(self) -> None:
        self.checker.close()
        if self.cache is not None:
            self.cache.close()

    def judge(self, url: str) -> Verdict:
        """The links stage's verdict on ``url`` (cached successes reused)."""
        key = normalise(url)
        with self._lock:
            cached = self.cache.get(key) if self.cache is not None else None
        if cached is not None:
            return cached
        verdict = self.checker.check(url)
        if self.cache is not None:
            with self._lock:
                self.cache.record(key, verdict)
        return verdict

    def get(self, url: str, limit: int, head_only: bool = False) -> Fetched:
        """Judge ``url``; read its body (at most ``limit`` bytes) when it answers 200
        without a redirect, under the links stage's policy. ``head_only``: stop reading
        after ``</head>`` (the body is then the page up to there)."""
        verdict = self.judge(url)
        if verdict.redirects or verdict.state != State.OK or verdict.status != 200:
            return Fetched(url, verdict)
        sink = _HeadSink() if head_only else io.BytesIO()
        try:
            self.checker.fetch_into(url, sink, limit)
        except _HeadRead:
            pass
        except OSError as exc:
            return Fetched(url, Verdict(State.NETWORK, None, str(exc), url))
        return Fetched(url, verdict, bytes(sink.getvalue()))

    def download(self, url: str, sink: ByteSink, limit: int) -> None:
        """Judge ``url``, then write its body into ``sink`` (at most ``limit`` bytes);
        ``OSError`` naming the problem (a redirect, a status, a network failure)."""
        verdict = self.judge(url)
        if verdict.redirects or verdict.state != State.OK or verdict.status != 200:
            raise OSError(Fetched(url, verdict).problem)
        self.checker.fetch_into(url, sink, limit)
