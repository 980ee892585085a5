"""Hostile servers: trickling answers, private addresses in every spelling, DNS rebinding."""

from __future__ import annotations

import argparse
import ipaddress
import socket
import time
from collections.abc import Iterator

import pytest
from links_support import article, by_url, read_report
from servers import Listener

from pipeline.cli import main
from pipeline.core.settings import load_settings
from pipeline.links.http import HttpChecker
from pipeline.links.policy import build_policy
from pipeline.net.addresses import Vetted, non_global


def run_links(root, *flags: str) -> int:  # type: ignore[no-untyped-def]
    return main(["links", "--root", str(root), "--no-cache", *flags])


@pytest.fixture
def listener() -> Iterator[Listener]:
    made: list[Listener] = []

    def make(**kwargs: object) -> Listener:
        made.append(Listener(**kwargs))  # type: ignore[arg-type]
        return made[-1]

    yield make  # type: ignore[misc]
    for item in made:
        item.close()


@pytest.mark.parametrize("mode", ["trickle", "body"])
def test_a_trickling_server_is_cut_off_near_the_timeout(project, listener, mode: str) -> None:
    """A byte every 0.2 s never trips a socket timeout; the request deadline (1 s) does."""
    slow = listener(mode=mode, gap=0.2)
    url = slow.url("/page")
    root = project({"en/a.md": article("a", f"[x]({url}#x)")},
                   {"read_timeout": 1.0, "retries": 0})
    started = time.monotonic()
    assert run_links(root) == 1
    elapsed = time.monotonic() - started
    link = by_url(read_report(root))[url]
    assert (link["state"], link["detail"]) == ("network", "timeout")
    assert elapsed < 3.0  # deadline 1 s, plus start-up; without it: 10 s of trickle


SPELLINGS = ["[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[::127.0.0.1]", "[64:ff9b::7f00:1]",
             "[2002:7f00:1::1]", "[fec0::1]", "[fd00::1]", "[::1]", "[::]", "127.1",
             "2130706433", "0x7f000001", "0177.0.0.1", "localhost"]


def test_every_spelling_of_a_private_address_is_refused_without_a_connection(
        project, listener) -> None:  # type: ignore[no-untyped-def]
    sink = listener(mode="silent")
    urls = [f"http://{host}:{sink.port}/x" for host in SPELLINGS]
    body = "\n\n".join(f"[{i}]({u})" for i, u in enumerate(urls))
    root = project({"en/a.md": article("a", body)}, {"allow_private": False})
    assert run_links(root) == 1
    links = read_report(root)["data"]["links"]
    external = [link for link in links if not link["internal"]]
    assert len(external) == len(SPELLINGS)
    assert {link["state"] for link in external} == {"refused"}, external
    assert all("private-address" in link["detail"] for link in external)
    assert sink.connections == 0


@pytest.mark.parametrize(("address", "private"), [
    ("::ffff:10.1.2.3", True), ("::ffff:8.8.8.8", False), ("::10.0.0.1", True),
    ("64:ff9b::c0a8:101", True), ("64:ff9b::808:808", False), ("64:ff9b:1::a00:1", True),
    ("2002:c0a8:101::1", True), ("2002:808:808::1", False), ("fec0::1", True),
    ("fc00::1", True), ("fd12:3456::1", True), ("fe80::1", True), ("ff02::1", True),
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", True), ("2606:4700::1111", False),
    ("100.64.0.1", True), ("169.254.169.254", True), ("0.0.0.0", True), ("8.8.8.8", False),
])
def test_non_global_addresses(address: str, private: bool) -> None:
    assert non_global(ipaddress.ip_address(address)) is private


def _checker(root, **extra) -> HttpChecker:  # type: ignore[no-untyped-def]
    return HttpChecker(build_policy(load_settings(root).links, argparse.Namespace(**extra)))


def _answer(address: str):  # type: ignore[no-untyped-def]
    def resolve(host: str, port: int, **_: object) -> list[tuple]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
    return resolve


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_after_a_dns_change_no_byte_reaches_the_new_address(project, listener,
                                                            scheme: str) -> None:
    """A name is vetted once; later connections go to the vetted address only, so the
    address the name now resolves to sees no connection, not even a TLS ClientHello."""
    vetted = listener(host="127.0.0.1", mode="ok" if scheme == "http" else "silent")
    try:
        rebound = listener(host="127.0.0.2", port=vetted.port, mode="ok")
    except OSError:
        pytest.skip("127.0.0.2 is not available for a second listener here")
    root = project({"en/a.md": article("a", "x")}, {"retries": 0})
    checker = _checker(root)
    checker.vetting.resolve = _answer("127.0.0.1")
    try:
        first = checker.check(vetted.url("/one", host="rebind.test", scheme=scheme))
        checker.vetting.resolve = _answer("127.0.0.2")  # the name now points elsewhere
        checker.client.reset()  # no kept-alive connection: the next request connects anew
        second = checker.check(vetted.url("/two", host="rebind.test", scheme=scheme))
    finally:
        checker.close()
    if scheme == "http":
        assert (first.state, second.state) == ("ok", "ok")
        assert b"GET /two" in vetted.received or b"HEAD /two" in vetted.received
    else:
        assert vetted.received[:1] == b"\x16"  # a TLS handshake record went to the vetted one
        assert first.state == second.state == "network"
    assert vetted.connections == 2
    assert rebound.connections == 0 and rebound.received == b""


def test_a_connection_to_a_private_peer_is_refused_before_any_byte(project, listener) -> None:
    """Defence in depth: even a wrongly vetted name is refused once the socket's peer is
    seen to be private, before the request is written."""
    sink = listener(mode="silent")
    root = project({"en/a.md": article("a", "x")}, {"allow_private": False, "retries": 0})
    checker = _checker(root)
    checker.vetting._known[("inside.test", sink.port)] = Vetted(("127.0.0.1",))
    try:
        verdict = checker.check(sink.url("/inside", host="inside.test"))
    finally:
        checker.close()
    assert verdict.state == "refused" and "127.0.0.1 (at connect)" in verdict.detail
    time.sleep(0.1)
    assert sink.received == b""
