"""Servers the tests start: a tiny threaded HTTP server for what pytest-httpserver cannot
do (stall and reset), and the preview server over a built site (``serving``)."""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

STALL_SECONDS = 1.5  # longer than the tests' read timeout, and bounded


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt: str, *args: object) -> None:
        pass

    def _answer(self) -> None:
        server: _Server = self.server  # type: ignore[assignment]
        with server.lock:
            server.requests.append((self.command, self.path))
            server.in_flight += 1
            server.max_in_flight = max(server.max_in_flight, server.in_flight)
        try:
            self._route()
        finally:
            with server.lock:
                server.in_flight -= 1

    def _route(self) -> None:
        if self.path.startswith("/reset"):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        if self.path.startswith("/slow"):
            time.sleep(STALL_SECONDS)
        if self.path.startswith("/page"):
            time.sleep(0.05)  # long enough for requests to overlap
        body = b"<html><body>ok</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_HEAD = _answer


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str]] = []
        self.in_flight = 0
        self.max_in_flight = 0


class RawServer:
    def __init__(self) -> None:
        self._server = _Server()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def requests(self) -> list[tuple[str, str]]:
        return list(self._server.requests)

    @property
    def max_in_flight(self) -> int:
        return self._server.max_in_flight

    def url(self, path: str) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{path}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class Listener:
    """A raw TCP listener that records every connection and byte, and answers by ``mode``:

    ``silent``   read and say nothing
    ``trickle``  a status line and headers one byte per ``gap`` seconds, never finishing
    ``body``     complete HTML headers, then the body one byte per ``gap`` seconds
    ``ok``       a complete 200 answer to every request on the connection
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, mode: str = "silent",
                 gap: float = 0.2, limit: float = 10.0):
        self.mode, self.gap, self.limit = mode, gap, limit
        self.sock = socket.create_server((host, port))
        self.sock.settimeout(0.2)
        self.host, self.port = self.sock.getsockname()[:2]
        self.connections = 0
        self.received = bytearray()
        self.lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with self.lock:
                self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(0.5)
        started = time.monotonic()
        try:
            first = conn.recv(65536)
            with self.lock:
                self.received += first
            if self.mode == "ok":
                self._answer_ok(conn, first)
                return
            out = {"trickle": b"HTTP/1.1 200 OK\r\nX-Pad: " + b"a" * 10_000,
                   "body": b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                           b"Content-Length: 100000\r\n\r\n" + b"<p>" * 40_000}.get(self.mode)
            for byte in out or b"":
                if self._stop.is_set() or time.monotonic() - started > self.limit:
                    break
                conn.sendall(bytes([byte]))
                time.sleep(self.gap)
            while out is None and not self._stop.is_set():
                try:
                    data = conn.recv(65536)
                except TimeoutError:
                    continue
                if not data:
                    break
                with self.lock:
                    self.received += data
        except OSError:
            pass
        finally:
            conn.close()

    def _answer_ok(self, conn: socket.socket, data: bytes) -> None:
        while data:
            body = b"<html><body><h2 id='x'>x</h2></body></html>"
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: " +
                         str(len(body)).encode() + b"\r\n\r\n" +
                         (b"" if data.startswith(b"HEAD") else body))
            try:
                data = conn.recv(65536)
            except TimeoutError:
                return
            with self.lock:
                self.received += data

    def url(self, path: str = "/", host: str | None = None, scheme: str = "http") -> str:
        return f"{scheme}://{host or self.host}:{self.port}{path}"

    def close(self) -> None:
        self._stop.set()
        self.sock.close()
        self._thread.join(timeout=2)


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[str]:
    """The preview server (``serve`` without reloads) over ``folder`` on a free loopback
    port, in a thread; its base URL."""
    from pipeline.preview.serve import make_server

    server = make_server(folder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()


def status(reply: bytes) -> int:
    """The status code of a raw HTTP reply."""
    assert reply.startswith(b"HTTP/1."), reply[:80]
    return int(reply.split(b" ", 2)[1])
