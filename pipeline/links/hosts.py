"""Adaptive per-host concurrency: start low, grow while the host answers quickly, back
off at once when it pushes back.

Each host starts with ``START`` requests in flight. Every quick answer (no slower than
twice the fastest seen, or a quarter second more) raises the limit by one, up to the
``per_host`` ceiling, so a healthy host reaches the ceiling after a few dozen answers.
A 429 or 503 halves the limit, at most once per ``COOLDOWN`` (one cut per burst of
push-back, as TCP cuts once per window); the request itself waits for its
``Retry-After`` before it is tried again. ``rate_per_host`` additionally spaces request
starts by ``1/rate`` seconds.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

START = 2
COOLDOWN = 1.0
THROTTLED = frozenset({429, 503})


@dataclass
class _Host:
    limit: float
    ceiling: int
    interval: float
    in_flight: int = 0
    best: float = float("inf")
    last_cut: float = float("-inf")
    next_start: float = 0.0
    cond: threading.Condition = field(default_factory=threading.Condition)


class HostLimits:
    """Per-host slots whose number adapts between 1 and ``ceiling``.

    ``share`` names hosts whose ceiling and rate this process shares with others: each
    gets ``1/share`` of them.
    """

    def __init__(self, ceiling: int, rate: float = 0.0, start: int = START,
                 share: dict[str, int] | None = None):
        self.ceiling = max(1, ceiling)
        self.rate = rate
        self.start = start
        self.share = share or {}
        self._lock = threading.Lock()
        self._hosts: dict[str, _Host] = {}

    def limit(self, host: str) -> int:
        """The current number of slots of ``host``."""
        return int(self._host(host).limit)

    def acquire(self, host: str) -> float:
        """Wait for a slot (and the rate interval); the start time of the request."""
        state = self._host(host)
        with state.cond:
            while state.in_flight >= int(state.limit):
                state.cond.wait()
            state.in_flight += 1
            now = time.monotonic()
            start = max(now, state.next_start)
            state.next_start = start + state.interval
        if start > now:
            time.sleep(start - now)
        return start

    def release(self, host: str, started: float, status: int | None) -> None:
        """Free the slot and adapt the limit to how the host answered."""
        state = self._host(host)
        now = time.monotonic()
        elapsed = now - started
        with state.cond:
            state.in_flight -= 1
            if status in THROTTLED:
                if now - state.last_cut >= COOLDOWN:
                    state.limit = max(1.0, state.limit / 2)
                    state.last_cut = now
            elif status is not None:
                state.best = min(state.best, elapsed)
                if elapsed <= max(2 * state.best, state.best + 0.25) and \
                        state.limit < state.ceiling:
                    state.limit += 1
                    state.cond.notify()  # the new slot
            state.cond.notify()

    def _host(self, host: str) -> _Host:
        state = self._hosts.get(host)
        if state is None:
            parts = max(1, self.share.get(host, 1))
            ceiling = max(1, self.ceiling // parts)
            rate = self.rate / parts
            fresh = _Host(float(max(1, min(self.start, ceiling))), ceiling,
                          1.0 / rate if rate > 0 else 0.0)
            with self._lock:
                state = self._hosts.setdefault(host, fresh)
        return state
