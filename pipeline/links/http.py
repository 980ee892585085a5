"""One external URL -> a ``Verdict``, over HTTP(S) with requests, politely.

Per request: HEAD first (GET when the page's ids are needed for a fragment), falling
back to GET on 405/403/501; GET bodies are streamed and read only for fragments, up to
``max_bytes``. Retries with exponential backoff and jitter on connection errors and
5xx; 429 waits for ``Retry-After`` (seconds or an HTTP date) up to ``max_retry_after``.
Redirects are followed by hand so the chain is recorded, every hop passes the address
policy, and loops are detected.

Error tree (``Verdict.detail`` of state ``network``)::

    dns                 the host name does not resolve
    connection-refused  nothing listens (retried)
    connection-reset    the peer closed or reset the connection (retried)
    connect-timeout     no connection within connect_timeout (retried)
    timeout             no answer within read_timeout (not retried: the server is slow)
    tls                 certificate or handshake failure
    network             anything else requests reports
"""

from __future__ import annotations

import email.utils
import random
import socket
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from http.cookiejar import DefaultCookiePolicy
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter

from pipeline.core.urls import DEFAULT_PORTS, iri_to_uri, normalise
from pipeline.links import fragments
from pipeline.links.policy import CHECKED_SCHEMES, Policy, non_global_address
from pipeline.links.types import Verdict

REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT = frozenset({301, 308})
HEAD_FALLBACK = frozenset({403, 405, 501})
RETRY_NETWORK = frozenset({"connection-refused", "connection-reset", "connect-timeout"})
HTML_TYPES = ("text/html", "application/xhtml+xml")
CHUNK = 64 * 1024
DNS_FAILED = "dns"  # _address_check's answer when the name does not resolve


@dataclass(frozen=True)
class Answer:
    """What one request (after retries) told us."""

    status: int
    location: str | None = None
    anchors: frozenset[str] | None = None
    retry_after: str | None = None
    truncated: bool = False


class HostGate:
    """Per-host concurrency cap and minimum interval between request starts."""

    def __init__(self, per_host: int, rate: float):
        self.per_host = max(1, per_host)
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._lock = threading.Lock()
        self._slots: dict[str, threading.Semaphore] = {}
        self._next: dict[str, float] = {}

    def slot(self, host: str) -> threading.Semaphore:
        with self._lock:
            return self._slots.setdefault(host, threading.Semaphore(self.per_host))

    def wait_turn(self, host: str) -> None:
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + self.interval
        if start > now:
            time.sleep(start - now)


class HttpChecker:
    """Checks external URLs; safe to call from many threads at once."""

    def __init__(self, policy: Policy):
        self.policy = policy
        self.rules = policy.rules
        self.gate = HostGate(self.rules.per_host, self.rules.rate_per_host)
        self.total = threading.BoundedSemaphore(max(1, self.rules.workers))
        self._lock = threading.Lock()
        self._addresses: dict[tuple[str, int], str | None] = {}
        self.session = _session(self.rules.workers, self.rules.per_host, self.rules.user_agent,
                                guard_peer=not self.rules.allow_private)

    def close(self) -> None:
        self.session.close()

    def check(self, uri: str, want_anchors: bool = False) -> Verdict:
        """Follow ``uri`` to its final answer and judge it."""
        url, chain, seen = uri, [], {normalise(uri)}
        for _ in range(self.rules.max_redirects + 1):
            answer = self._guarded(url, want_anchors)
            if isinstance(answer, Verdict):
                answer.redirects, answer.final_url = chain, url
                return answer
            if answer.status in REDIRECTS and answer.location:
                try:
                    url = iri_to_uri(urljoin(url, _location(answer.location)))
                except ValueError as exc:
                    return Verdict("invalid", answer.status, f"bad redirect target: {exc}",
                                   url, chain)
                chain.append((answer.status, url))
                if normalise(url) in seen:
                    return Verdict("redirects", answer.status, "redirect-loop", url, chain)
                seen.add(normalise(url))
                continue
            return self._judge(answer, url, chain)
        return Verdict("redirects", chain[-1][0] if chain else None, "too-many-redirects",
                       url, chain)

    def _judge(self, answer: Answer, url: str, chain: list[tuple[int, str]]) -> Verdict:
        if answer.status not in self.policy.accept:
            return Verdict("broken", answer.status, f"http-{answer.status}", url, chain)
        permanent = any(status in PERMANENT for status, _ in chain)
        return Verdict("redirected" if permanent else "ok", answer.status,
                       "permanent-redirect" if permanent else "", url, chain, answer.anchors,
                       answer.truncated)

    def _guarded(self, url: str, want_anchors: bool) -> Answer | Verdict:
        """Scheme and address policy for one hop, then the request."""
        parts = urlsplit(url)
        if parts.scheme not in CHECKED_SCHEMES or not parts.hostname:
            return Verdict("refused", None, f"unsupported-scheme {parts.scheme or '(none)'}")
        if not self.rules.allow_private:
            try:
                port = parts.port or DEFAULT_PORTS[parts.scheme]
            except ValueError:
                return Verdict("invalid", None, "bad port")
            address = self._address_check(parts.hostname, port)
            if address == DNS_FAILED:
                return Verdict("network", None, "dns")
            if address:
                return Verdict("refused", None, f"private-address {address}")
        return self._request(url, parts.hostname.lower(), want_anchors)

    def _address_check(self, host: str, port: int) -> str | None:
        """``non_global_address`` once per host and port for the whole run."""
        key = (host, port)
        with self._lock:
            if key in self._addresses:
                return self._addresses[key]
        try:
            address = non_global_address(host, port)
        except (OSError, UnicodeError):
            address = DNS_FAILED
        with self._lock:
            self._addresses[key] = address
        return address

    def _request(self, url: str, host: str, want_anchors: bool) -> Answer | Verdict:
        """One logical request with HEAD/GET fallback, retries, backoff and 429 waits."""
        method = "GET" if want_anchors else "HEAD"
        attempt = 0
        while True:
            self.gate.wait_turn(host)
            with self.gate.slot(host), self.total:
                result = self._send(method, url, want_anchors)
            if isinstance(result, Answer) and method == "HEAD" and \
                    result.status in HEAD_FALLBACK:
                method = "GET"
                continue
            wait = self._retry_wait(result, attempt)
            if wait is None:
                return result
            if isinstance(wait, Verdict):
                return wait
            time.sleep(wait)
            attempt += 1

    def _retry_wait(self, result: Answer | Verdict, attempt: int) -> float | Verdict | None:
        """Seconds to wait before retrying, a final verdict, or ``None`` (no retry)."""
        if attempt >= self.rules.retries:
            return None
        if isinstance(result, Verdict):
            return self._backoff(attempt) if result.detail in RETRY_NETWORK else None
        if result.status == 429:
            delay = result.retry_after
            seconds = retry_after_seconds(delay) if delay else self._backoff(attempt)
            if seconds > self.rules.max_retry_after:
                return Verdict("broken", 429, f"rate-limited (Retry-After {seconds:.0f}s "
                               f"exceeds {self.rules.max_retry_after:.0f}s)")
            return seconds
        if result.status >= 500:
            return self._backoff(attempt)
        return None

    def _backoff(self, attempt: int) -> float:
        base = self.rules.backoff * (2 ** attempt)
        return base + random.uniform(0, base)

    def _send(self, method: str, url: str, want_anchors: bool) -> Answer | Verdict:
        rules = self.rules
        try:
            with self.session.request(method, url, stream=True, allow_redirects=False,
                                      timeout=(rules.connect_timeout, rules.read_timeout)) as resp:
                status = resp.status_code
                if status == 429:
                    return Answer(429, retry_after=resp.headers.get("Retry-After"))
                anchors, truncated = None, False
                if method == "GET" and want_anchors and status in self.policy.accept:
                    anchors, truncated = _read_anchors(resp, rules.max_bytes)
                return Answer(status, resp.headers.get("Location"), anchors, truncated=truncated)
        except requests.RequestException as exc:
            detail = classify(exc)
            state = "refused" if detail.startswith("private-address") else "network"
            return Verdict(state, None, detail)


def _read_anchors(resp: requests.Response,
                  max_bytes: int) -> tuple[frozenset[str] | None, bool]:
    """Ids of an HTML page read up to ``max_bytes``, and whether it was cut there."""
    ctype = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if ctype and ctype not in HTML_TYPES:
        return None, False
    body = bytearray()
    truncated = False
    for chunk in resp.iter_content(CHUNK):
        body += chunk
        if len(body) > max_bytes:
            del body[max_bytes:]
            truncated = True
            break
    charset = resp.encoding if "charset" in resp.headers.get("Content-Type", "") else None
    return fragments.anchors(bytes(body), charset), truncated


def classify(exc: BaseException) -> str:
    """Name a requests failure by walking its chain of causes."""
    if isinstance(exc, requests.exceptions.SSLError):
        return "tls"
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return "connect-timeout"
    if isinstance(exc, requests.exceptions.ReadTimeout | requests.exceptions.Timeout):
        return "timeout"
    causes = _causes(exc)
    for cause in causes:
        if isinstance(cause, PrivatePeerError):
            return str(cause)
    text = " ".join(repr(e) for e in causes)
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "connection-reset"
    if "NameResolutionError" in text or "gaierror" in text or "Name or service" in text:
        return "dns"
    if "ConnectionRefusedError" in text or "Connection refused" in text:
        return "connection-refused"
    if any(word in text for word in ("ConnectionResetError", "RemoteDisconnected",
                                     "Connection aborted", "BrokenPipe", "IncompleteRead")):
        return "connection-reset"
    if "SSL" in text or "CERTIFICATE" in text:
        return "tls"
    if "timed out" in text:
        return "timeout"
    return "network"


def _causes(exc: BaseException) -> list[BaseException]:
    """``exc`` and every exception it wraps (args, ``__cause__``, ``__context__``)."""
    chain: list[BaseException] = []
    queue: list[BaseException] = [exc]
    while queue and len(chain) < 20:
        current = queue.pop(0)
        if any(current is seen for seen in chain):
            continue
        chain.append(current)
        queue += [a for a in getattr(current, "args", ()) if isinstance(a, BaseException)]
        queue += [e for e in (current.__cause__, current.__context__) if e is not None]
    return chain


def retry_after_seconds(value: str, now: datetime | None = None) -> float:
    """``Retry-After`` as seconds from now: delta-seconds or an HTTP date (RFC 9110 10.2.3)."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _location(value: str) -> str:
    """http.client decodes header bytes as Latin-1; raw UTF-8 in Location is recovered."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def _session(workers: int, per_host: int, user_agent: str,
             guard_peer: bool) -> requests.Session:
    session = requests.Session()
    session.headers["User-Agent"] = user_agent
    session.headers["Accept"] = "text/html,application/xhtml+xml,*/*;q=0.8"
    session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    adapter_class = PeerGuardAdapter if guard_peer else HTTPAdapter
    adapter = adapter_class(pool_connections=max(10, workers), pool_maxsize=max(per_host, 4),
                            max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class PrivatePeerError(OSError):
    """The socket connected to a non-global address although the name check passed."""


def _check_peer(sock: socket.socket | None) -> None:
    """Refuse a connection whose peer is not global (a name may resolve differently at
    connect time than when it was checked: DNS rebinding). Runs before any byte is sent."""
    if sock is None:
        return
    address = sock.getpeername()[0]
    if non_global_address(address, 0):
        sock.close()
        raise PrivatePeerError(f"private-address {address} (at connect)")


class _GuardedHTTPConnection(urllib3.connection.HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _check_peer(self.sock)


class _GuardedHTTPSConnection(urllib3.connection.HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        _check_peer(self.sock)


class _GuardedHTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class PeerGuardAdapter(HTTPAdapter):
    """Direct connections check their peer address; proxied ones go through the proxy."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPPool,
                                                   "https": _GuardedHTTPSPool}
