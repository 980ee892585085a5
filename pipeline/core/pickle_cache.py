"""A small on-disk cache (one pickle file) tied to a fingerprint of what made its entries.

Entries are read once; ``put`` keeps an entry for the next run (hits included), and
``save`` writes only this run's entries, atomically, when they differ from what was
read. A corrupt, foreign or outdated file is ignored, never trusted.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any, Generic, TypeVar

from pipeline.core.fsutil import write_bytes

K = TypeVar("K")
V = TypeVar("V")


class PickleCache(Generic[K, V]):
    def __init__(self, path: Path, fingerprint: str):
        self.path = path
        self.fingerprint = fingerprint
        self.entries: dict[K, V] = self._read()
        self.used: dict[K, V] = {}

    def _read(self) -> dict[K, V]:
        try:
            data: Any = pickle.loads(self.path.read_bytes())  # noqa: S301 (own cache file)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError,
                ImportError, TypeError):
            return {}
        if not isinstance(data, dict) or data.get("fingerprint") != self.fingerprint:
            return {}
        entries = data.get("entries")
        return entries if isinstance(entries, dict) else {}

    def get(self, key: K) -> V | None:
        """The entry of the last run, if any (``put`` it to keep it)."""
        return self.entries.get(key)

    def put(self, key: K, value: V) -> None:
        self.used[key] = value

    def save(self) -> None:
        """Keep only this run's entries (deleted sources drop out)."""
        if self.used.keys() == self.entries.keys():
            return
        blob = pickle.dumps({"fingerprint": self.fingerprint, "entries": self.used},
                            protocol=pickle.HIGHEST_PROTOCOL)
        write_bytes(self.path, blob)
