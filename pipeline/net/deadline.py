"""One deadline over a whole request: connect, TLS, headers and body.

Socket timeouts bound each read, so a server that trickles a byte a second never trips
them. A ``Watchdog`` thread keeps the deadline of every request in flight; the sockets a
request opens or reuses are attached to it (``attach``, called by the connection
classes of ``pinning`` on the requesting thread), and when the deadline passes the
watchdog shuts them down, which ends any blocked read at once. ``Deadline.expired``
tells the caller that the error it then sees was the deadline.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import socket
import threading
import time
from collections.abc import Iterator

_current = threading.local()


class Deadline:
    """The deadline of one request and the sockets it uses."""

    __slots__ = ("at", "expired", "done", "_sockets")

    def __init__(self, at: float):
        self.at = at
        self.expired = False
        self.done = False
        self._sockets: list[socket.socket] = []

    def attach(self, sock: socket.socket) -> None:
        self._sockets.append(sock)
        if self.expired:
            _shut(sock)

    def expire(self) -> None:
        self.expired = True
        for sock in self._sockets:
            _shut(sock)


def attach(sock: socket.socket | None) -> None:
    """Attach ``sock`` to the deadline of the request running on this thread, if any."""
    deadline = getattr(_current, "deadline", None)
    if deadline is not None and sock is not None:
        deadline.attach(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class Watchdog:
    """Expires deadlines on time; one thread for any number of requests."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Deadline]] = []
        self._order = itertools.count()
        self._cond = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="deadline", daemon=True)
        self._thread.start()

    @contextlib.contextmanager
    def guard(self, seconds: float) -> Iterator[Deadline]:
        """Run the body under a deadline ``seconds`` from now (on this thread)."""
        deadline = Deadline(time.monotonic() + seconds)
        with self._cond:
            first = not self._heap or deadline.at < self._heap[0][0]
            heapq.heappush(self._heap, (deadline.at, next(self._order), deadline))
            if first:
                self._cond.notify()
        _current.deadline = deadline
        try:
            yield deadline
        finally:
            _current.deadline = None
            with self._cond:  # never expire a finished request: its sockets are reused
                deadline.done = True

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        with self._cond:
            while not self._closed:
                while self._heap and self._heap[0][2].done:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._cond.wait()
                    continue
                wait = self._heap[0][0] - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                heapq.heappop(self._heap)[2].expire()
