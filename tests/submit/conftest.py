"""Fixtures for the submit tests: a small site in a temp dir, loopback-only sockets."""

from __future__ import annotations

import ipaddress
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .sitetree import Sandbox

_GUARD = {"on": False, "refused": []}


def _loopback(host: object) -> bool:
    if host in (None, "localhost", b"localhost"):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _audit(event: str, args: tuple) -> None:
    if not _GUARD["on"]:
        return
    if event == "socket.getaddrinfo":
        host = args[0]
    elif event == "socket.connect" and isinstance(args[1], tuple):
        host = args[1][0]
    else:
        return
    if not _loopback(host):
        _GUARD["refused"].append(host)
        raise OSError(f"test guard: traffic to {host!r} refused (loopback only)")


sys.addaudithook(_audit)


@pytest.fixture(autouse=True)
def loopback_only() -> Iterator[None]:
    """Refuse (and fail the test on) any connection that leaves the loopback range."""
    _GUARD["on"], _GUARD["refused"] = True, []
    yield
    _GUARD["on"] = False
    assert _GUARD["refused"] == [], f"non-loopback traffic attempted: {_GUARD['refused']}"


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    for name in ("GOOGLE_APPLICATION_CREDENTIALS", "SUBMIT_TEST_CREDENTIALS"):
        monkeypatch.delenv(name, raising=False)
    return Sandbox(tmp_path / "site")
