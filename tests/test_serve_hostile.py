"""The preview server answers hostile request lines with a 4xx status, never a traceback."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from servers import status

from pipeline.preview.serve import make_server


@pytest.fixture(scope="module")
def address(tmp_path_factory) -> Iterator[tuple[str, int]]:
    root = tmp_path_factory.mktemp("dist")
    (root / "index.html").write_text("<p>home</p>", encoding="utf-8")
    (root / "404.html").write_text("<p>Page not found</p>", encoding="utf-8")
    server = make_server(root)
    errors: list[BaseException] = []
    server.handle_error = lambda request, client: errors.append(  # type: ignore[method-assign]
        RuntimeError("handler raised"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[:2]
    server.shutdown()
    server.server_close()
    assert errors == [], "a request raised inside the handler"


def raw(address: tuple[str, int], data: bytes) -> bytes:
    with socket.create_connection(address, timeout=5) as conn:
        conn.sendall(data)
        conn.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize(("request_line", "expected"), [
    (b"GET /" + b"a" * 70_000 + b" HTTP/1.1", 414),  # over the request-line limit
    (b"GET /" + b"a" * 60_000 + b" HTTP/1.1", 404),  # a file name longer than NAME_MAX
    (b"GET /" + b"a/" * 3000 + b" HTTP/1.1", 404),  # a path longer than PATH_MAX
    (b"GET /%00 HTTP/1.1", 404),  # NUL in the decoded path
    (b"GET /a%00b/ HTTP/1.1", 404),
    (b"GET /\x00 HTTP/1.1", 404),
    (b"GET /%ff%fe HTTP/1.1", 404),
    (b"GET /%D8 HTTP/1.1", 404),
    (b"GET /\xff\xfe HTTP/1.1", 404),
    (b"GARBAGE", 400),
    (b"GET", 400),
    (b"GET / HTTP/1.1 extra", 400),
    (b"GET / HTTP/9.9", 505),
    (b"GET / FTP/1.0", 400),
    (b"BREW / HTTP/1.1", 501),
    (b"GET * HTTP/1.1", 404),
    (b"GET http://127.0.0.1/ HTTP/1.1", 200),  # absolute-form: RFC 9112 says accept it
    (b"GET http://evil.example/ HTTP/1.1", 421),  # ... but only for a loopback name
    (b"GET ../../etc/passwd HTTP/1.1", 404),
    (b"GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1", 404),
    (b"GET //etc/passwd HTTP/1.1", 404),
    (b"GET /\\..\\site.toml HTTP/1.1", 404),
])
def test_hostile_request_lines_get_a_status(address, request_line: bytes, expected: int) -> None:
    reply = raw(address, request_line + b"\r\nHost: 127.0.0.1\r\n\r\n")
    assert status(reply) == expected
    assert b"Traceback" not in reply


def test_oversized_header_gets_431(address) -> None:
    reply = raw(address, b"GET / HTTP/1.1\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n")
    assert status(reply) == 431


def test_too_many_headers_get_431(address) -> None:
    headers = b"".join(b"X-%d: 1\r\n" % i for i in range(200))
    reply = raw(address, b"GET / HTTP/1.1\r\n" + headers + b"\r\n")
    assert status(reply) == 431


def test_server_still_serves_after_hostile_requests(address) -> None:
    raw(address, b"GET /%00 HTTP/1.1\r\n\r\n")
    reply = raw(address, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert status(reply) == 200 and b"home" in reply


def test_empty_and_unfinished_requests_are_harmless(address) -> None:
    assert raw(address, b"") == b""
    raw(address, b"GET / HTT")  # closed mid request line
    assert status(raw(address, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")) == 200
