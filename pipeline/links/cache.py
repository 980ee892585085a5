"""SQLite cache of successful link checks, keyed by normalised URL, and of each
article's extracted links, keyed by its path and source hash.

Only successes are stored (failures are always checked again) and an entry is fresh
for ``max_age`` seconds; fresh entries can be read in one query (``preload``) and
results are written many per transaction (``record_many``). An extraction is reused
only for the same source hash and extractor version. The database runs in WAL mode
with a busy timeout, and every write is one short ``BEGIN IMMEDIATE`` transaction, so
several processes may share it and a process killed mid-run leaves it consistent
(SQLite's journal rolls back the unfinished transaction). A file that is not a readable
database is moved aside and rebuilt: the cache is an optimisation and never fails the stage.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from pipeline.links.types import State, Verdict

FILE_NAME = "links.sqlite3"
CACHED_STATES = frozenset({State.OK, State.REDIRECTED})
_SCHEMA = """
CREATE TABLE IF NOT EXISTS links (
    url TEXT PRIMARY KEY,
    status INTEGER,
    final_url TEXT NOT NULL,
    checked_at REAL NOT NULL,
    verdict TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS extracted (
    path TEXT PRIMARY KEY,
    hash TEXT NOT NULL,
    version INTEGER NOT NULL,
    links TEXT NOT NULL
)"""


class LinkCache:
    """Fresh successes by normalised URL; see the module docstring for the guarantees."""

    def __init__(self, path: Path, max_age: float, busy_timeout: float = 30.0):
        self.path = path
        self.max_age = max_age
        self.note = ""  # what went wrong opening it, if anything
        self._fresh: dict[str, str] | None = None  # preloaded fresh entries
        self._db = self._open(busy_timeout)

    def _open(self, busy_timeout: float) -> sqlite3.Connection | None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return _connect(self.path, busy_timeout)
        except OSError as exc:
            self.note = f"cache disabled: {exc}"
            return None
        except sqlite3.DatabaseError as exc:
            aside = self.path.with_name(self.path.name + ".corrupt")
            with contextlib.suppress(OSError):
                self.path.replace(aside)
            self.note = f"cache {self.path.name} was unreadable ({exc}); rebuilt"
            try:
                return _connect(self.path, busy_timeout)
            except sqlite3.DatabaseError as again:
                self.note = f"cache disabled: {again}"
                return None

    def get(self, key: str, now: float | None = None) -> Verdict | None:
        """The cached verdict when fresh, else ``None``."""
        if self._fresh is not None:
            text = self._fresh.get(key)
            return _verdict(text) if text is not None else None
        if self._db is None or self.max_age <= 0:
            return None
        oldest = (time.time() if now is None else now) - self.max_age
        try:
            row = self._db.execute("SELECT verdict FROM links WHERE url = ? AND checked_at >= ?",
                                   (key, oldest)).fetchone()
        except sqlite3.DatabaseError:
            return None
        return _verdict(row[0]) if row is not None else None

    def preload(self, now: float | None = None) -> None:
        """Read every fresh entry at once, so ``get`` needs no query per URL."""
        if self._db is None or self.max_age <= 0:
            return
        oldest = (time.time() if now is None else now) - self.max_age
        try:
            rows = self._db.execute("SELECT url, verdict FROM links WHERE checked_at >= ?",
                                    (oldest,)).fetchall()
        except sqlite3.DatabaseError:
            return
        self._fresh = dict(rows)

    def extracted(self, paths: set[str]) -> dict[str, tuple[str, int, str]]:
        """Stored link extractions of ``paths``: ``path -> (source hash, version, JSON)``."""
        if self._db is None or not paths:
            return {}
        try:
            rows = self._db.execute("SELECT path, hash, version, links FROM extracted")
            return {path: (digest, version, text) for path, digest, version, text in rows
                    if path in paths}
        except sqlite3.DatabaseError:
            return {}

    def save_extracted(self, rows: list[tuple[str, str, int, str]]) -> None:
        """Store ``(path, source hash, extractor version, JSON)`` rows."""
        if self._db is None or not rows:
            return
        try:
            with self._transaction() as db:
                db.executemany("INSERT OR REPLACE INTO extracted (path, hash, version, links) "
                               "VALUES (?, ?, ?, ?)", rows)
        except sqlite3.DatabaseError:
            return

    def record(self, key: str, verdict: Verdict, now: float | None = None) -> None:
        """Store a success; a failure removes any stored success for ``key``."""
        self.record_many([(key, verdict)], now)

    def record_many(self, results: list[tuple[str, Verdict]], now: float | None = None) -> None:
        """``record`` for many results in one transaction."""
        if self._db is None or not results:
            return
        checked_at = time.time() if now is None else now
        keep = [(key, v.status, v.final_url, checked_at,
                 json.dumps(v.to_dict(), ensure_ascii=False, sort_keys=True))
                for key, v in results if v.state in CACHED_STATES]
        drop = [(key,) for key, v in results if v.state not in CACHED_STATES]
        try:
            with self._transaction() as db:
                db.executemany(
                    "INSERT INTO links (url, status, final_url, checked_at, verdict) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET "
                    "status = excluded.status, final_url = excluded.final_url, "
                    "checked_at = excluded.checked_at, verdict = excluded.verdict "
                    "WHERE excluded.checked_at >= links.checked_at", keep)
                db.executemany("DELETE FROM links WHERE url = ?", drop)
        except sqlite3.DatabaseError:
            return

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        assert self._db is not None
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def _verdict(text: str) -> Verdict | None:
    try:
        return Verdict.from_dict(json.loads(text), from_cache=True)
    except (ValueError, KeyError, TypeError):  # written by another version: check again
        return None


def _connect(path: Path, busy_timeout: float) -> sqlite3.Connection:
    """Open and set up the database; another process setting it up at the same moment
    (a locked database) is waited for, up to ``busy_timeout``."""
    deadline = time.monotonic() + busy_timeout
    while True:
        try:
            return _connect_once(path, busy_timeout)
        except sqlite3.OperationalError as exc:
            text = str(exc).lower()
            if ("locked" not in text and "busy" not in text) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _connect_once(path: Path, busy_timeout: float) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None,
                         check_same_thread=False)
    try:
        db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.executescript(_SCHEMA)
        db.execute("SELECT count(*) FROM links").fetchone()
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db
