"""Adaptive per-host limits, host sharding across processes, and the shared retry policy."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from links_support import article, read_report

from pipeline.cli import main
from pipeline.links.hosts import HostLimits
from pipeline.links.shards import plan
from pipeline.net.retry import RetryPolicy, TooLong


def _answer(limits: HostLimits, host: str, status: int | None, seconds: float = 0.0) -> None:
    started = limits.acquire(host)
    limits.release(host, started - seconds, status)


def test_the_limit_starts_low_grows_to_the_ceiling_and_halves_on_push_back() -> None:
    limits = HostLimits(ceiling=8)
    assert limits.limit("a.example") == 2
    for _ in range(10):
        _answer(limits, "a.example", 200)
    assert limits.limit("a.example") == 8  # per_host is the ceiling
    _answer(limits, "a.example", 429)
    assert limits.limit("a.example") == 4
    _answer(limits, "a.example", 503)  # within the cool-down: one cut per burst
    assert limits.limit("a.example") == 4
    assert limits.limit("b.example") == 2  # hosts adapt independently


def test_slow_answers_do_not_grow_the_limit() -> None:
    limits = HostLimits(ceiling=8)
    _answer(limits, "a.example", 200, seconds=0.01)
    for _ in range(5):
        _answer(limits, "a.example", 200, seconds=2.0)
    assert limits.limit("a.example") == 3


def test_a_shared_host_gets_a_share_of_the_ceiling_and_rate() -> None:
    limits = HostLimits(ceiling=8, rate=10.0, share={"a.example": 2})
    for _ in range(10):
        _answer(limits, "a.example", 200)
    assert limits.limit("a.example") == 4
    started = [limits.acquire("a.example") for _ in range(3)]
    assert started[2] - started[0] >= 0.39  # 5 requests/s for this process: 0.2 s apart


def test_hosts_are_dealt_whole_and_a_big_host_is_split() -> None:
    items = [(i, f"https://big.example/{i}", False) for i in range(100)]
    items += [(100 + i, f"https://h{i % 4}.example/{i}", False) for i in range(20)]
    shards = plan(items, 2)
    assert len(shards) == 2
    assert all(s.share == {"big.example": 2} for s in shards)
    for host in ("h0", "h1", "h2", "h3"):
        holders = [s for s in shards if any(f"//{host}." in uri for _, uri, _ in s.items)]
        assert len(holders) == 1
    assert sorted(i for s in shards for i, _, _ in s.items) == list(range(120))


def test_processes_keep_the_per_host_ceiling_across_the_run(project, raw_server) -> None:
    urls = [raw_server.url(f"/page/{i}") for i in range(40)]
    body = "\n\n".join(f"[{i}]({u})" for i, u in enumerate(urls))
    root = project({"en/a.md": article("a", body)}, {"per_host": 4, "workers": 16})
    assert main(["links", "--root", str(root), "--no-cache", "--jobs", "2"]) == 0
    links = [link for link in read_report(root)["data"]["links"] if not link["internal"]]
    assert len(links) == 40 and {link["state"] for link in links} == {"ok"}
    assert len(raw_server.requests) == 40
    assert raw_server.max_in_flight <= 4


def test_retry_waits_follow_retry_after_then_backoff() -> None:
    policy = RetryPolicy(retries=2, backoff=0.5, max_delay=10.0)
    now = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)
    assert policy.next_wait(1) == 0.5
    assert policy.next_wait(2) == 1.0
    assert policy.next_wait(3) is None  # retries used up
    assert policy.next_wait(1, "3") == 3.0
    assert policy.next_wait(1, "Mon, 23 Nov 2026 12:00:04 GMT", now) == 4.0
    assert policy.next_wait(1, "120") == TooLong(120.0)
    assert policy.next_wait(1, "soon") == 0.5  # unreadable: the backoff
    jittered = RetryPolicy(retries=3, backoff=1.0, max_delay=3.0, jitter=True)
    assert all(2.0 <= jittered.backoff_delay(2) <= 3.0 for _ in range(50))


def test_a_timed_wait_is_not_spent_holding_a_slot() -> None:
    limits = HostLimits(ceiling=1)
    first = limits.acquire("a.example")
    limits.release("a.example", first, 429)
    begin = time.monotonic()
    limits.release("a.example", limits.acquire("a.example"), 200)
    assert time.monotonic() - begin < 0.5
