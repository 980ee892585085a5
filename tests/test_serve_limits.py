"""The preview server answers loopback names only (DNS rebinding), keeps its threads and
live-reload streams bounded, and prints no traceback when clients go away. Every test
talks to a real server on 127.0.0.1 over real sockets."""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from servers import status

from pipeline.preview.guard import host_problem
from pipeline.preview.reload import MAX_STREAMS, Broadcaster
from pipeline.preview.serve import make_server


class Served:
    """A preview server in watch mode on a small output folder, in a thread."""

    def __init__(self, root: Path, max_connections: int | None = None):
        (root / "index.html").write_text("<html><body><p>home</p></body></html>",
                                         encoding="utf-8")
        (root / "404.html").write_text("<p>missing</p>", encoding="utf-8")
        (root / "big.bin").write_bytes(b"\0" * (16 << 20))
        self.reload = Broadcaster()
        extra = {} if max_connections is None else {"max_connections": max_connections}
        self.server = make_server(root, reload=self.reload, **extra)
        self.address = self.server.server_address[:2]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.reload.close()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[Served]:
    server = Served(tmp_path)
    yield server
    server.close()


def connect(address: tuple[str, int]) -> socket.socket:
    return socket.create_connection(address, timeout=10)


def request(address: tuple[str, int], path: str = "/", host: str | None = "127.0.0.1",
            method: str = "GET", version: str = "HTTP/1.1", extra: str = "") -> bytes:
    """The whole answer to one request on a fresh connection."""
    head = f"{method} {path} {version}\r\n" + (f"Host: {host}\r\n" if host is not None else "")
    with connect(address) as conn:
        conn.sendall((head + extra + "\r\n").encode())
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def head_and_body(reply: bytes) -> tuple[bytes, bytes]:
    head, _, body = reply.partition(b"\r\n\r\n")
    return head, body


def reset(conn: socket.socket) -> None:
    """Close with a TCP reset, as a crashed browser tab does."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


def open_stream(address: tuple[str, int]) -> tuple[socket.socket, bytes]:
    """A ``/__reload`` request and the answer's head (and whatever came with it)."""
    conn = connect(address)
    conn.sendall(b"GET /__reload HTTP/1.1\r\nHost: localhost\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return conn, data


def eventually(check, what: str, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    """Wait (generously) for a state the server reaches on its own."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(what)


# -- host names ------------------------------------------------------------------------

@pytest.mark.parametrize("host", [
    "127.0.0.1", "127.0.0.1:8000", "127.0.0.1:1", "127.9.8.7", "127.255.255.254:80",
    "localhost", "localhost:8000", "LocalHost:3000", "[::1]", "[::1]:8000",
])
def test_loopback_names_are_served(served: Served, host: str) -> None:
    reply = request(served.address, "/", host)
    assert status(reply) == 200 and b"home" in reply


@pytest.mark.parametrize("host", [
    "evil.example", "evil.example:8000", "127.0.0.1.evil.example", "localhost.evil.example",
    "evil.localhost", "localhost.", "127.1", "0x7f000001", "2130706433", "017700000001",
    "[::ffff:127.0.0.1]", "10.0.0.1", "0.0.0.0", "192.168.1.1:8000", "[fe80::1]",
    "user@127.0.0.1", "127.0.0.1:99999", "127.0.0.1:x", "127.0.0.1/x", "", "[::1",
    "xn--80ak6aa92e.com", "127.0.0.1 evil.example",
])
def test_other_names_get_421_with_a_short_body(served: Served, host: str) -> None:
    reply = request(served.address, "/", host)
    head, body = head_and_body(reply)
    assert status(reply) == 421, reply[:200]
    assert b"home" not in body and b"Traceback" not in reply
    assert len(body) < 300 and body.startswith(b"421 Misdirected Request")
    assert b"text/plain" in head


@pytest.mark.parametrize("path", ["/", "/__reload", "/__reload.js", "/big.bin", "/missing"])
def test_every_path_is_refused_to_other_names(served: Served, path: str) -> None:
    assert status(request(served.address, path, "attacker.example:8000")) == 421


def test_head_requests_are_refused_without_a_body(served: Served) -> None:
    reply = request(served.address, "/", "evil.example", method="HEAD")
    assert status(reply) == 421 and head_and_body(reply)[1] == b""


def test_absolute_form_targets_must_name_loopback_too(served: Served) -> None:
    base = served.address
    assert status(request(base, "http://127.0.0.1/", "127.0.0.1")) == 200
    assert status(request(base, "http://evil.example/", "127.0.0.1")) == 421
    assert status(request(base, "http://127.0.0.1/", "evil.example")) == 421


def test_missing_or_repeated_host_headers(served: Served) -> None:
    base = served.address
    assert status(request(base, "/", None, version="HTTP/1.0")) == 200  # 1.0 may omit it
    assert status(request(base, "/", None)) == 400  # HTTP/1.1 must send one
    assert status(request(base, "/", "127.0.0.1", extra="Host: evil.example\r\n")) == 400


_LABEL = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(labels=st.lists(_LABEL, min_size=1, max_size=4), port=st.none() | st.integers(0, 65535))
def test_any_domain_name_but_localhost_is_refused(labels: list[str], port: int | None) -> None:
    name = ".".join(labels)
    value = name if port is None else f"{name}:{port}"
    problem = host_problem([value], "/", "HTTP/1.1", "127.0.0.1")
    numeric = all(label.isdigit() for label in labels) and len(labels) == 4 and all(
        int(label) < 256 and (label == "0" or not label.startswith("0")) for label in labels)
    loopback = name == "localhost" or (numeric and labels[0] == "127")
    assert (problem is None) == loopback, value


# -- streams and threads ---------------------------------------------------------------

def test_streams_beyond_the_maximum_are_refused_and_pages_keep_working(
        served: Served, capfd) -> None:
    streams, refused = [], []
    try:
        for _ in range(MAX_STREAMS + 20):
            conn, head = open_stream(served.address)
            (streams if head.startswith(b"HTTP/1.0 200") else refused).append((conn, head))
        assert len(streams) == MAX_STREAMS and len(refused) == 20
        for conn, head in refused:
            assert head.startswith(b"HTTP/1.0 503") and b"Retry-After: " in head
            rest = head + conn.recv(4096)
            assert b"too many live-reload streams" in rest
        for _ in range(10):  # pages, the script and the 404 page answer while all are open
            assert status(request(served.address, "/")) == 200
            assert status(request(served.address, "/__reload.js")) == 200
            assert status(request(served.address, "/nope")) == 404
        served.reload.published()  # every open stream still hears of builds
        for conn, head in streams[:3]:
            data = head
            while b"data: " + served.reload.state.token.encode() not in data:
                data += conn.recv(4096)
    finally:
        for conn, _ in streams + refused:
            reset(conn)
    served.reload.published()  # writes to the reset streams fail: their places come free
    eventually(lambda: open_stream(served.address)[1].startswith(b"HTTP/1.0 200"),
               "no stream place came free after the clients went away")
    assert "Traceback" not in capfd.readouterr().err


def test_connections_beyond_the_maximum_get_503_and_threads_stay_bounded(tmp_path: Path,
                                                                         capfd) -> None:
    served = Served(tmp_path, max_connections=8)
    before = threading.active_count()
    idle = [connect(served.address) for _ in range(8)]
    try:
        eventually(lambda: threading.active_count() >= before + 8, "the idle connections")
        for _ in range(30):
            reply = request(served.address, "/")
            assert status(reply) == 503 and b"Retry-After: " in reply
        assert threading.active_count() <= before + 8
    finally:
        for conn in idle:
            conn.close()
    eventually(lambda: status(request(served.address, "/")) == 200,
               "the server did not serve again once the idle connections closed")
    served.close()
    assert "Traceback" not in capfd.readouterr().err


def test_clients_that_reset_mid_answer_print_no_traceback(served: Served, capfd) -> None:
    for _ in range(5):
        conn = connect(served.address)
        conn.sendall(b"GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert conn.recv(4096).startswith(b"HTTP/1.0 200")
        reset(conn)
    for _ in range(5):  # a stream reset before the first event is written
        conn, head = open_stream(served.address)
        reset(conn)
    served.reload.published()
    eventually(lambda: status(request(served.address, "/")) == 200, "the server answers")
    time.sleep(0.2)
    assert "Traceback" not in capfd.readouterr().err
