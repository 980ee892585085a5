"""One build at a time per project: an advisory lock on ``<cache>/build.lock``.

Every command that writes outputs or state (``build``, each stage, every rebuild of
``serve --watch``) holds the lock from loading to publishing. A second command waits,
saying once who holds it (process id and command), and gives up after ``WAIT_SECONDS``
with ENG002 (exit 2). The lock is ``flock``: the kernel drops it when its holder dies, so
a killed build never leaves a stale lock behind, and the file's text is only a note.
Holding is re-entrant within one process.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from pipeline.core.model import Finding, Severity
from pipeline.core.settings import ConfigError

FILE_NAME = "build.lock"
WAIT_SECONDS = 600.0
POLL_SECONDS = 0.1

_held: dict[str, int] = {}  # lock path -> depth, in this process
_guard = threading.RLock()


@contextlib.contextmanager
def holding(cache: Path, wait: float = WAIT_SECONDS,
            say: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the project's build lock for the block (waiting up to ``wait`` seconds)."""
    path = os.path.abspath(cache / FILE_NAME)
    with _guard:
        if _held.get(path):
            _held[path] += 1
            try:
                yield
            finally:
                _held[path] -= 1
            return
        fd = _acquire(Path(path), wait, say or _say)
        _held[path] = 1
        try:
            yield
        finally:
            _held.pop(path, None)
            with contextlib.suppress(OSError):  # forked workers share the descriptor:
                fcntl.flock(fd, fcntl.LOCK_UN)  # unlock it for them too, then close
            os.close(fd)


def _acquire(path: Path, wait: float, say: Callable[[str], None]) -> int:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise ConfigError([_finding(path, f"cannot open the build lock ({exc.strerror})",
                                    "check that the cache folder is writable")]) from None
    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            holder = _holder(fd)
            if time.monotonic() >= deadline:
                os.close(fd)
                raise ConfigError([_finding(
                    path, f"another build is running ({holder}); gave up after "
                    f"{wait:.0f} s", "wait for it to finish, or stop it")]) from None
            if not told:
                say(f"waiting for another build of this project to finish ({holder})")
                told = True
            time.sleep(POLL_SECONDS)
    note = f"{os.getpid()} {' '.join(sys.argv[:3])}\n".encode(errors="replace")
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
        os.pwrite(fd, note[:512], 0)
    return fd


def _holder(fd: int) -> str:
    with contextlib.suppress(OSError):
        text = os.pread(fd, 512, 0).decode(errors="replace").strip()
        if text:
            pid, _, command = text.partition(" ")
            return f"process {pid}: {command}" if command else f"process {pid}"
    return "holder unknown"


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _finding(path: Path, message: str, hint: str) -> Finding:
    return Finding(path.name, 1, 1, "ENG002", Severity.ERROR, message, hint)
