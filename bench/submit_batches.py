"""Benchmark: plan and send IndexNow batches for a large site to a loopback engine.

    .venv/bin/python bench/submit_batches.py [URLS]

Measures, for URLS URLs (default 100,000) of which a tenth changed since the last
submission: computing what is pending against the state, cutting and encoding the
10,000-URL requests, and POSTing every URL (first submission) to an engine on
127.0.0.1 that parses each body. Prints seconds and peak Python memory.
"""

from __future__ import annotations

import json
import sys
import tempfile
import threading
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

from pipeline.core.settings import parse_settings
from pipeline.submit import indexnow
from pipeline.submit.retry import RetryPolicy
from pipeline.submit.state import Entry, pending, record

KEY = "0123456789abcdef0123456789abcdef"


class Engine(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    received = 0

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Engine.received += len(json.loads(body)["urlList"])
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def main(count: int) -> None:
    settings, problems = parse_settings(
        {"site": {"name": "Bench", "base_url": "https://bench.example"},
         "locales": [{"code": "en", "hreflang": "en", "og_locale": "en_US",
                      "direction": "ltr", "name": "English"}]},
        root=Path(tempfile.mkdtemp()))
    assert not problems, problems
    current = [Entry(f"https://bench.example/en/article-{i:06d}/", "2025-07-01T00:00:00")
               for i in range(count)]
    state = {e.url: (e.lastmod if i % 10 else "2025-01-01T00:00:00")
             for i, e in enumerate(current)}
    tracemalloc.start()
    started = time.perf_counter()
    todo = pending(current, state, "https://bench.example/")
    plan_changed = indexnow.batches(settings, KEY, todo, indexnow.MAX_BATCH)
    diff_seconds = time.perf_counter() - started
    started = time.perf_counter()
    plan_all = indexnow.batches(settings, KEY, current, indexnow.MAX_BATCH)
    encode_seconds = time.perf_counter() - started
    server = ThreadingHTTPServer(("127.0.0.1", 0), Engine)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{server.server_address[1]}/indexnow"
    started = time.perf_counter()
    announced: dict[str, str] = {}
    with requests.Session() as session:
        for batch in plan_all:
            answer = indexnow.post(session, endpoint, batch, RetryPolicy(0, 0.0, 0.0), 30.0,
                                   time.sleep)
            assert answer.accepted, answer.message
            announced = record(announced, list(batch.entries))
    send_seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    server.shutdown()
    assert Engine.received == count and len(announced) == count
    print(f"urls={count} changed={len(todo)} requests_changed={len(plan_changed)} "
          f"requests_all={len(plan_all)}")
    print(f"pending+batches(changed): {diff_seconds:.3f} s; batches(all): "
          f"{encode_seconds:.3f} s; POST all to loopback: {send_seconds:.3f} s; "
          f"peak Python memory: {peak / 2**20:.1f} MiB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
