"""Fetching a live site's sitemaps and pages with the links stage's HTTP policy.

Every URL is first judged by ``pipeline.links.http.HttpChecker`` (address guard on every
hop, per-host limits, timeouts, retries and backoff, redirects followed by hand) with
its verdict kept in the links cache; a URL that answers 200 without redirect is then read
with the same guarded session, up to a byte ceiling. Nothing here reimplements the policy.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import requests

from pipeline.core.urls import host_of, normalise
from pipeline.links.cache import LinkCache
from pipeline.links.http import HttpChecker, classify
from pipeline.links.policy import Policy
from pipeline.links.types import Verdict

CHUNK = 64 * 1024


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
            status = f"HTTP {verdict.status}" if verdict.status else verdict.state
            return f"{status}{f' ({verdict.detail})' if verdict.detail else ''}"
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

    def get(self, url: str, limit: int) -> Fetched:
        """Judge ``url``; read its body when it answers 200 without a redirect."""
        verdict = self.judge(url)
        if verdict.redirects or verdict.state != "ok" or verdict.status != 200:
            return Fetched(url, verdict)
        rules = self.policy.rules
        host = host_of(url)
        try:
            self.checker.gate.wait_turn(host)
            with self.checker.gate.slot(host), self.checker.total, self.checker.session.get(
                    url, stream=True, allow_redirects=False,
                    timeout=(rules.connect_timeout, rules.read_timeout)) as resp:
                if resp.status_code != 200:
                    return Fetched(url, Verdict("broken", resp.status_code,
                                                f"http-{resp.status_code}", url))
                body = bytearray()
                for chunk in resp.iter_content(CHUNK):
                    body += chunk
                    if len(body) > limit:
                        del body[limit:]
                        break
                return Fetched(url, verdict, bytes(body), resp.headers.get("Content-Type", ""))
        except requests.RequestException as exc:
            return Fetched(url, Verdict("network", None, classify(exc), url))
