"""``serve --watch`` as a subprocess over plain HTTP: saves rebuild, streams announce."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from watch_support import WatchServer, copy_project, read_event


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[WatchServer]:
    server = WatchServer(copy_project(tmp_path))
    yield server
    assert server.stop() == 0


def test_saves_rebuild_and_the_stream_announces_them(served: WatchServer):
    root = served.root
    assert re.search(r"^built in .*bundles: ok", "\n".join(served.lines), re.M)
    with requests.get(served.base + "/__reload", stream=True, timeout=10) as stream:
        events = stream.iter_lines(chunk_size=1, decode_unicode=True)
        first = read_event(events)
        config = (root / "site.toml").read_text(encoding="utf-8")
        (root / ".site.toml.new").write_text(config.replace("O9 Skin Journal", "Renamed Journal"),
                                             encoding="utf-8")
        os.replace(root / ".site.toml.new", root / "site.toml")
        second = read_event(events)
        assert second != first
        assert "Renamed Journal" in requests.get(served.base + "/en/", timeout=5).text
        icon = root / "public" / "favicon.ico"
        icon.write_bytes(icon.read_bytes() + b"\0")
        assert read_event(events) not in (first, second)
    assert requests.get(served.base + "/favicon.ico", timeout=5).content.endswith(b"\0")
    assert not [p for p in (root / "dist").rglob("*.html") if b"__reload" in p.read_bytes()]


def test_a_broken_configuration_keeps_serving(served: WatchServer):
    page = requests.get(served.base + "/en/", timeout=5).text
    (served.root / "site.toml").write_text("[site\n", encoding="utf-8")
    served.wait_for(re.compile("^build failed: configuration"), 15)
    assert requests.get(served.base + "/en/", timeout=5).text == page


def test_streams_are_bounded_and_other_host_names_refused(served: WatchServer):
    """The subprocess: MAX_STREAMS + 20 open streams, pages still answer, extra streams
    get 503, a rebinding host name gets 421, and the console shows no traceback."""
    import socket
    import struct

    from pipeline.preview.reload import MAX_STREAMS

    address = ("127.0.0.1", served.port)
    conns, heads = [], []
    try:
        for _ in range(MAX_STREAMS + 20):
            conn = socket.create_connection(address, timeout=10)
            conn.sendall(b"GET /__reload HTTP/1.1\r\nHost: localhost\r\n\r\n")
            conns.append(conn)
            heads.append(conn.recv(4096).split(b"\r\n", 1)[0])
        assert heads.count(b"HTTP/1.0 200 OK") == MAX_STREAMS
        assert heads.count(b"HTTP/1.0 503 Service Unavailable") == 20
        for _ in range(5):
            assert requests.get(served.base + "/en/", timeout=5).status_code == 200
        rebinding = requests.get(served.base + "/en/", timeout=5,
                                 headers={"Host": f"attacker.example:{served.port}"})
        assert rebinding.status_code == 421 and "__reload" not in rebinding.text
    finally:
        for conn in conns:
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            conn.close()
    assert requests.get(served.base + "/", timeout=5).status_code == 200
    assert served.stop() == 0
    time.sleep(0.5)  # the reader thread takes the last lines
    assert not [line for line in served.lines if "Traceback" in line]
