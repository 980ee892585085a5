"""Whom the preview server answers, and how many at once.

**Host names.** A page on another site can make a browser send requests to
``127.0.0.1`` under its own name (DNS rebinding) and read the answers, so only requests
addressed to a loopback name are served: ``localhost``, an IPv4 address in
``127.0.0.0/8``, ``[::1]``, or the address the server is bound to, with any port (a
tunnel may forward another port). Anything else, in the ``Host`` header or in an
absolute-form request target, gets 421 with a short text body.

**Threads.** Each connection is served by a thread of its own; at most
``MAX_CONNECTIONS`` run at once. A connection beyond that is answered 503 with
``Retry-After`` at once, from the accepting thread, and closed. Live-reload streams
take at most ``reload.MAX_STREAMS`` of those threads (``Broadcaster.stream_slot``),
so page requests keep being served while every stream is open. A connection idle for
``IDLE_TIMEOUT`` seconds is closed.

**Console.** A client that goes away (reset, closed pipe, timeout) is not an error of
the server: nothing is printed. Any other exception prints one line, never a traceback.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import sys
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import ThreadingHTTPServer
from socketserver import BaseRequestHandler
from urllib.parse import urlsplit

MAX_CONNECTIONS = 128  # request threads at once, event streams included
IDLE_TIMEOUT = 30.0  # seconds a connection may stay silent (reading or writing)
RETRY_AFTER = 2  # seconds, in 503 answers
LOOPBACK_NAMES = frozenset({"localhost"})
CLIENT_GONE = (ConnectionError, TimeoutError, socket.timeout)
TCPAddress = tuple[object, ...]  # a client's (host, port) or, over IPv6, (host, port, flow, scope)
_FORBIDDEN = frozenset("@/?#\\ \t\r\n")
Request = socket.socket | tuple[bytes, socket.socket]  # what socketserver calls a request


def host_of(value: str) -> str | None:
    """The lower-case host name of a ``Host`` header value (``[::1]`` unbracketed), or
    ``None`` when the value is no ``host[:port]``."""
    if not value or _FORBIDDEN & set(value):
        return None
    try:
        parts = urlsplit("//" + value)
        _ = parts.port  # a port that is not a number in 0-65535 raises
    except ValueError:
        return None
    return parts.hostname or None


def is_loopback_name(host: str, bound: str = "") -> bool:
    """Is ``host`` a name that can only mean this machine (or the bound address)?"""
    if host in LOOPBACK_NAMES or (bound and host == bound.lower()):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_problem(headers: list[str], target: str, version: str,
                 bound: str) -> tuple[HTTPStatus, str] | None:
    """Why a request must not be served, with the status to answer (``None``: serve it).

    ``headers``: every ``Host`` header value; ``target``: the request target as sent.
    """
    if len(headers) > 1:
        return HTTPStatus.BAD_REQUEST, "more than one Host header"
    if not headers and version != "HTTP/1.0":
        return HTTPStatus.BAD_REQUEST, "no Host header"
    names = [headers[0]] if headers else []
    if not target.startswith("/") and "://" in target:  # absolute form names its host
        names.append(urlsplit(target).netloc)
    for name in names:
        host = host_of(name.strip())
        if host is None or not is_loopback_name(host, bound):
            return HTTPStatus.MISDIRECTED_REQUEST, (
                "this preview answers only for localhost, 127.0.0.1 and [::1], "
                f"not {name.strip()[:100]!r}")
    return None


def busy_answer(reason: str) -> bytes:
    """A complete HTTP/1.0 503 answer with ``Retry-After`` and a one-line body."""
    body = f"{reason}; try again in {RETRY_AFTER} s\n".encode()
    return (f"HTTP/1.0 503 Service Unavailable\r\nRetry-After: {RETRY_AFTER}\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body


def _refuse_now(request: Request) -> None:
    """Answer 503 without waiting for anything: never blocks the accepting thread."""
    conn = request if isinstance(request, socket.socket) else request[1]
    with contextlib.suppress(OSError):
        conn.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            while conn.recv(65536):  # what already arrived, so closing sends no reset
                pass
        conn.send(busy_answer("the preview server is busy"))


class BoundedServer(ThreadingHTTPServer):
    """A threading server with at most ``max_connections`` handler threads and a quiet
    console for clients that go away."""

    daemon_threads = True
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], handler: Callable[..., BaseRequestHandler],
                 max_connections: int):
        self._slots = threading.BoundedSemaphore(max_connections)
        super().__init__(address, handler)

    def process_request(self, request: Request, client_address: TCPAddress) -> None:
        if not self._slots.acquire(blocking=False):
            _refuse_now(request)
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except RuntimeError:  # the system refused another thread
            self._slots.release()
            _refuse_now(request)
            self.shutdown_request(request)

    def process_request_thread(self, request: Request, client_address: TCPAddress) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request: Request, client_address: TCPAddress) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, CLIENT_GONE):
            return
        print(f"preview: a request from {client_address[0]} failed: "
              f"{type(error).__name__}: {error}", file=sys.stderr, flush=True)
