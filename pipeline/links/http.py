"""One external URL -> a ``Verdict``, over HTTP(S) with requests, politely.

Per request: HEAD first (GET when the page's ids are needed for a fragment), falling
back to GET on 405/403/501; GET bodies are streamed and read only for fragments, up to
``max_bytes``. Retries follow ``pipeline.net.retry``: connection errors and 5xx back
off exponentially with jitter, 429 (and 503) wait for ``Retry-After`` up to
``max_retry_after``. Redirects are followed by hand so the chain is recorded, every hop
passes the address policy, and loops are detected. Each host name is resolved and
vetted once per run and connections go only to the vetted addresses
(``pipeline.net.pinning``); one deadline of ``read_timeout`` covers each request whole
(``pipeline.net.deadline``). Connections are kept alive and reused.

Error tree (``Verdict.detail`` of state ``network``)::

    dns                 the host name does not resolve
    connection-refused  nothing listens (retried)
    connection-reset    the peer closed or reset the connection (retried)
    connect-timeout     no connection within connect_timeout (retried)
    timeout             no complete answer within read_timeout (not retried: the server is slow)
    tls                 certificate or handshake failure
    network             anything else requests reports
"""

from __future__ import annotations

import io
import os
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import urllib3
from requests.utils import get_environ_proxies

from pipeline.core.settings import LinksSection
from pipeline.core.streams import ByteSink
from pipeline.core.urls import DEFAULT_PORTS, iri_to_uri, normalise
from pipeline.links import fragments
from pipeline.links.hosts import HostLimits
from pipeline.links.policy import CHECKED_SCHEMES, Policy
from pipeline.links.types import State, Verdict
from pipeline.net.addresses import RefusedAddress, Vetting
from pipeline.net.client import PinnedClient
from pipeline.net.deadline import Deadline, Watchdog
from pipeline.net.retry import RetryPolicy, TooLong, retry_after

__all__ = ["HttpChecker", "classify", "retry_after"]

REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT = frozenset({301, 308})
HEAD_FALLBACK = frozenset({403, 405, 501})
RETRY_NETWORK = frozenset({"connection-refused", "connection-reset", "connect-timeout"})
HTML_TYPES = ("text/html", "application/xhtml+xml")
CHUNK = 64 * 1024
DRAIN_LIMIT = 64 * 1024  # unread bodies up to this size are drained to keep the connection


@dataclass(frozen=True)
class Answer:
    """What one request (after retries) told us."""

    status: int
    location: str | None = None
    anchors: frozenset[str] | None = None
    retry_after: str | None = None
    truncated: bool = False


class HttpChecker:
    """Checks external URLs; safe to call from many threads at once.

    ``workers`` overrides ``[links] workers`` (requests in flight); ``share`` names hosts
    whose ceiling this process shares with others (see ``HostLimits``).
    """

    def __init__(self, policy: Policy, workers: int | None = None,
                 share: dict[str, int] | None = None):
        self.policy = policy
        self.rules = rules = policy.rules
        self.accept = policy.accept
        self.retry = RetryPolicy(rules.retries, rules.backoff, rules.max_retry_after, jitter=True)
        self.hosts = HostLimits(rules.per_host, rules.rate_per_host, share=share)
        self.total = threading.BoundedSemaphore(max(1, workers or rules.workers))
        self.vetting = Vetting(rules.allow_private)
        self.watchdog = Watchdog()
        self.client = _client(rules, self.vetting)
        self._proxies: dict[tuple[str, str], dict[str, str]] = {}

    def close(self) -> None:
        self.client.close()
        self.watchdog.close()

    def check(self, uri: str, want_anchors: bool = False) -> Verdict:
        """Follow ``uri`` to its final answer and judge it."""
        chain: list[tuple[int, str]]  # the redirects followed: (status, location)
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
                    return Verdict(State.INVALID, answer.status,
                                   f"bad redirect target: {exc}", url, chain)
                chain.append((answer.status, url))
                if normalise(url) in seen:
                    return Verdict(State.REDIRECTS, answer.status, "redirect-loop", url, chain)
                seen.add(normalise(url))
                continue
            return self._judge(answer, url, chain)
        return Verdict(State.REDIRECTS, chain[-1][0] if chain else None, "too-many-redirects",
                       url, chain)

    def fetch(self, url: str, max_bytes: int) -> bytes:
        """The body of ``url`` (redirects followed) under the same policy as checks;
        ``OSError`` naming the problem otherwise."""
        buffer = io.BytesIO()
        self.fetch_into(url, buffer, max_bytes)
        return buffer.getvalue()

    def fetch_into(self, url: str, sink: ByteSink, max_bytes: int) -> None:
        """Write the body of ``url`` (redirects followed) into ``sink`` chunk by chunk,
        under the same policy as checks; ``OSError`` naming the problem otherwise (also
        past ``max_bytes``). Exceptions ``sink`` raises pass through."""
        for _ in range(self.rules.max_redirects + 1):
            parts = urlsplit(url)
            if parts.scheme not in CHECKED_SCHEMES or not parts.hostname:
                raise OSError(f"unsupported URL {url}")
            host = parts.hostname.lower()
            proxies = self._proxies_for(parts.scheme, host)
            vetted = self.vetting.vet(host, parts.port or DEFAULT_PORTS[parts.scheme])
            if vetted.problem and not (vetted.problem == "dns" and proxies):
                raise OSError(vetted.problem)
            with self.watchdog.guard(self.rules.read_timeout) as deadline:
                try:
                    resp = self.client.open("GET", url, proxies, self.rules.connect_timeout,
                                            self.rules.read_timeout)
                    try:
                        if resp.status in REDIRECTS and resp.headers.get("Location"):
                            url = iri_to_uri(urljoin(url, _location(resp.headers["Location"])))
                            continue
                        if resp.status not in self.accept:
                            raise OSError(f"HTTP {resp.status}")
                        total = 0
                        while chunk := resp.read(CHUNK, decode_content=True):
                            total += len(chunk)
                            sink.write(chunk)  # first: a sink with a limit of its own says so
                            if total > max_bytes:
                                raise OSError(f"larger than {max_bytes} bytes")
                    finally:
                        resp.close()
                except (urllib3.exceptions.HTTPError, ValueError) as exc:
                    raise OSError(_failure(exc, deadline).detail) from None
            return
        raise OSError("too many redirects")

    def _judge(self, answer: Answer, url: str, chain: list[tuple[int, str]]) -> Verdict:
        if answer.status not in self.accept:
            return Verdict(State.BROKEN, answer.status, f"http-{answer.status}", url, chain)
        permanent = any(status in PERMANENT for status, _ in chain)
        return Verdict(State.REDIRECTED if permanent else State.OK, answer.status,
                       "permanent-redirect" if permanent else "", url, chain, answer.anchors,
                       answer.truncated)

    def _guarded(self, url: str, want_anchors: bool) -> Answer | Verdict:
        """Scheme and address policy for one hop, then the request."""
        parts = urlsplit(url)
        if parts.scheme not in CHECKED_SCHEMES or not parts.hostname:
            return Verdict(State.REFUSED, None,
                           f"unsupported-scheme {parts.scheme or '(none)'}")
        try:
            port = parts.port or DEFAULT_PORTS[parts.scheme]
        except ValueError:
            return Verdict(State.INVALID, None, "bad port")
        host = parts.hostname.lower()
        proxies = self._proxies_for(parts.scheme, host)
        vetted = self.vetting.vet(host, port)
        if vetted.problem == "dns" and not proxies:
            return Verdict(State.NETWORK, None, "dns")
        if vetted.problem.startswith("private-address"):
            return Verdict(State.REFUSED, None, vetted.problem)
        return self._request(url, host, want_anchors, proxies)

    def _proxies_for(self, scheme: str, host: str) -> dict[str, str]:
        """The environment's proxy for this scheme and host, looked up once."""
        key = (scheme, host)
        proxies = self._proxies.get(key)
        if proxies is None:
            proxies = get_environ_proxies(f"{scheme}://{host}/")
            for proxy in proxies.values():
                parts = urlsplit(proxy if "://" in proxy else "http://" + proxy)
                if parts.hostname:
                    self.vetting.allow(parts.hostname,
                                       parts.port or DEFAULT_PORTS.get(parts.scheme, 80))
            self._proxies[key] = proxies
        return proxies

    def _request(self, url: str, host: str, want_anchors: bool,
                 proxies: dict[str, str]) -> Answer | Verdict:
        """One logical request with HEAD/GET fallback, retries, backoff and 429 waits."""
        method = "GET" if want_anchors else "HEAD"
        attempt = 0
        while True:
            started = self.hosts.acquire(host)
            result: Answer | Verdict | None = None
            try:
                with self.total:
                    result = self._send(method, url, want_anchors, proxies)
            finally:
                self.hosts.release(host, started,
                                   result.status if isinstance(result, Answer) else None)
            if isinstance(result, Answer) and method == "HEAD" and \
                    result.status in HEAD_FALLBACK:
                method = "GET"
                continue
            attempt += 1
            wait = self._retry_wait(result, attempt)
            if wait is None:
                return result
            if isinstance(wait, Verdict):
                return wait
            time.sleep(wait)

    def _retry_wait(self, result: Answer | Verdict, attempt: int) -> float | Verdict | None:
        """Seconds to wait before retrying, a final verdict, or ``None`` (no retry)."""
        if isinstance(result, Verdict):
            if result.detail not in RETRY_NETWORK:
                return None
            wait = self.retry.next_wait(attempt)
        elif result.status == 429 or result.status >= 500:
            wait = self.retry.next_wait(attempt, result.retry_after)
        else:
            return None
        if isinstance(wait, TooLong):
            return Verdict(State.BROKEN, result.status if isinstance(result, Answer) else None,
                           f"rate-limited (Retry-After {wait.asked:.0f}s exceeds "
                           f"{self.rules.max_retry_after:.0f}s)")
        return wait

    def _send(self, method: str, url: str, want_anchors: bool,
              proxies: dict[str, str]) -> Answer | Verdict:
        rules = self.rules
        with self.watchdog.guard(rules.read_timeout) as deadline:
            try:
                resp = self.client.open(method, url, proxies, rules.connect_timeout,
                                        rules.read_timeout)
            except (urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
                return _failure(exc, deadline)
            try:
                status, headers = resp.status, resp.headers
                anchors, truncated = None, False
                if method == "GET" and want_anchors and status in self.accept:
                    anchors, truncated = _read_anchors(resp, rules.max_bytes)
                if status in (429, 503):
                    return Answer(status, retry_after=headers.get("Retry-After"))
                return Answer(status, headers.get("Location"), anchors, truncated=truncated)
            except (urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
                return _failure(exc, deadline)
            finally:
                _finish(resp, method, deadline)


def _failure(exc: BaseException, deadline: Deadline) -> Verdict:
    if deadline.expired:
        return Verdict(State.NETWORK, None, "timeout")
    detail = classify(exc)
    return Verdict(State.REFUSED if detail.startswith(("private-address", "unvetted"))
                   else State.NETWORK, None, detail)


def _finish(resp: urllib3.BaseHTTPResponse, method: str, deadline: Deadline) -> None:
    """Give the connection back to the pool when the rest of the body is small, else close."""
    length = resp.headers.get("Content-Length")
    small = length is not None and length.isdigit() and int(length) <= DRAIN_LIMIT
    if deadline.expired or not (small or method == "HEAD" or resp.closed):
        resp.close()
        return
    try:
        resp.drain_conn()
        resp.release_conn()
    except Exception:  # noqa: BLE001 - a connection that cannot be reused is just closed
        resp.close()


def _read_anchors(resp: urllib3.BaseHTTPResponse,
                  max_bytes: int) -> tuple[frozenset[str] | None, bool]:
    """Ids of an HTML page read up to ``max_bytes``, and whether it was cut there."""
    ctype, _, params = resp.headers.get("Content-Type", "").partition(";")
    if ctype.strip() and ctype.strip().lower() not in HTML_TYPES:
        return None, False
    body = bytearray()
    truncated = False
    for chunk in resp.stream(CHUNK, decode_content=True):
        body += chunk
        if len(body) > max_bytes:
            del body[max_bytes:]
            truncated = True
            break
    return fragments.anchors(bytes(body), _charset(params)), truncated


def _charset(params: str) -> str | None:
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("'\"")
    return None


def classify(exc: BaseException) -> str:
    """Name a requests failure by walking its chain of causes."""
    causes = _causes(exc)
    for cause in causes:
        if isinstance(cause, RefusedAddress):
            return str(cause)
    errors = urllib3.exceptions
    if isinstance(exc, errors.SSLError):
        return "tls"
    if isinstance(exc, errors.NameResolutionError):
        return "dns"
    if isinstance(exc, errors.ConnectTimeoutError) and \
            not isinstance(exc, errors.NewConnectionError):
        return "connect-timeout"
    if isinstance(exc, errors.ReadTimeoutError | TimeoutError):
        return "timeout"
    text = " ".join(repr(e) for e in causes)
    if "NameResolutionError" in text or "gaierror" in text or "Name or service" in text:
        return "dns"
    if "ConnectionRefusedError" in text or "Connection refused" in text:
        return "connection-refused"
    if any(word in text for word in ("ConnectionResetError", "RemoteDisconnected",
                                     "Connection aborted", "BrokenPipe", "IncompleteRead",
                                     "ProtocolError")):
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


def _location(value: str) -> str:
    """http.client decodes header bytes as Latin-1; raw UTF-8 in Location is recovered."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def _client(rules: LinksSection, vetting: Vetting) -> PinnedClient:
    """Keep-alive, no cookies; the CA bundle of requests (or REQUESTS_CA_BUNDLE)."""
    headers = {"User-Agent": rules.user_agent, "Accept-Encoding": "gzip, deflate",
               "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
               "Connection": "keep-alive"}
    verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    return PinnedClient(vetting, headers, verify, pool_maxsize=rules.per_host)
