"""Engine state: one SQLite database in the cache folder, data only, read in part.

Every piece of state is a row ``(kind, key) -> JSON``: one row per source file, per work
unit, per published folder, and one for each small document (the no-change stamp, page and
sitemap records). A reader asks for one kind, or for single keys, never for the whole
database, and decodes each row into its declared shape (``msgspec``): a row that does not
have the shape (a list where a mapping belongs, a string for a number) is dropped as if
absent, so wrong state can cost a rebuild but never a crash. Nothing read executes code.

A file that is not this database (corrupt, truncated, foreign, another schema version)
is set aside, reported once as ENG001 and started afresh. Writes of one run go into one
transaction (``transaction``), committed when the run publishes (WAL journal): a run
killed during a write leaves the previous state or the new one, never a mix.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypeVar

import msgspec
import orjson

from pipeline.core.jsontypes import JSONObject, JSONValue
from pipeline.core.model import Finding, Severity
from pipeline.engine import resident

FILE_NAME = "state.db"
APPLICATION_ID = 0x53454F50  # "SEOP": tells this database from any other SQLite file
SCHEMA_VERSION = 2
T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS rows (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    code TEXT NOT NULL,
    value BLOB NOT NULL,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;
"""


class Store:
    """The state database of one cache folder (opened on first use, one per process)."""

    def __init__(self, cache: Path):
        self.path = cache / FILE_NAME
        self.findings: list[Finding] = []  # ENG001 once, for the run that found it
        self._db: sqlite3.Connection | None = None
        self._inode: tuple[int, int] | None = None
        self._depth = 0
        self._lock = threading.RLock()
        # Rows decoded by ``rows``, per kind: ((code, shape, data_version), rows).
        self._rows: dict[str, tuple[tuple[str, object, int], JSONObject]] = {}

    # -- opening ---------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection | None:
        if self._db is not None and (self._depth or self._inode == _inode_of(self.path)):
            return self._db
        self.close()  # the file was removed or replaced (``make clean``): open it anew
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            return None  # a read-only cache folder: nothing is kept, nothing fails
        for attempt in range(2):
            try:
                self._db = _open(self.path)
                self._inode = _inode_of(self.path)
                return self._db
            except (sqlite3.DatabaseError, _Foreign) as exc:
                if attempt:
                    return None
                self.findings.append(_ignored(f"{self.path.parent.name}/{FILE_NAME}", exc))
                _set_aside(self.path)
            except OSError:
                return None
        return None

    def take_findings(self) -> list[Finding]:
        """Why the database was rebuilt (ENG001), once: the run's loader reports it."""
        self._connect()
        found, self.findings = self.findings, []
        return found

    def close(self) -> None:
        self._rows.clear()
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

    # -- reading ---------------------------------------------------------------------
    def rows(self, kind: str, code: str, shape: type[T]) -> dict[str, T]:
        """Every row of ``kind`` written by ``code`` that has ``shape``. A long-lived
        process (``serve --watch``: ``engine.resident``) decodes them once: they stay in
        memory, kept up to date by its own writes, while no other process has written
        the database."""
        if not resident.keeping():
            self._rows.clear()
            return dict(self._select(kind, code, shape, None))
        with self._lock:
            version = self._data_version()
            held = self._rows.get(kind)
            if held is not None and held[0] == (code, shape, version):
                return dict(held[1])
            found = dict(self._select(kind, code, shape, None))
            if version is not None:
                self._rows[kind] = ((code, shape, version), found)
            return dict(found)

    def _data_version(self) -> int | None:
        """Changes whenever another connection commits (SQLite's ``data_version``)."""
        db = self._connect()
        if db is None:
            return None
        try:
            return int(db.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.DatabaseError:
            return None

    def _held(self, kind: str, code: str) -> JSONObject | None:
        held = self._rows.get(kind)
        return held[1] if held is not None and held[0][0] == code else None

    def get(self, kind: str, key: str, code: str, shape: type[T]) -> T | None:
        """One row, or None when it is missing, of other code or of the wrong shape."""
        found = dict(self._select(kind, code, shape, [key]))
        return found.get(key)

    def some(self, kind: str, keys: Iterable[str], code: str, shape: type[T]) -> dict[str, T]:
        """The rows of ``keys`` that exist (read in part: only these rows are decoded)."""
        return dict(self._select(kind, code, shape, list(keys)))

    def raw(self, kind: str, keys: Iterable[str], code: str) -> dict[str, bytes]:
        """The JSON text of the rows of ``keys`` that exist and were written by ``code``,
        undecoded (the caller checks and decodes it)."""
        return {key: value for key, row_code, value in self._fetch(kind, list(keys))
                if row_code == code}

    def _select(self, kind: str, code: str, shape: type[T],
                keys: list[str] | None) -> Iterator[tuple[str, T]]:
        decoder = msgspec.json.Decoder(shape)
        for key, row_code, value in self._fetch(kind, keys):
            if row_code != code:
                continue  # other code wrote it: rebuilt silently, as after an upgrade
            try:
                yield key, decoder.decode(value)
            except (msgspec.ValidationError, msgspec.DecodeError):
                continue

    def _fetch(self, kind: str, keys: list[str] | None) -> list[tuple[str, str, bytes]]:
        with self._lock:
            db = self._connect()
            if db is None:
                return []
            try:
                if keys is None:
                    found = db.execute("SELECT key, code, value FROM rows WHERE kind = ?",
                                       (kind,)).fetchall()
                else:
                    found = []
                    for i in range(0, len(keys), 500):
                        chunk = keys[i : i + 500]
                        marks = ",".join("?" * len(chunk))
                        found += db.execute(
                            f"SELECT key, code, value FROM rows WHERE kind = ? AND key IN "
                            f"({marks})", (kind, *chunk)).fetchall()
            except sqlite3.DatabaseError as exc:
                self._broken(exc)
                return []
        return found

    # -- writing ---------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Group every write inside into one transaction (nested blocks join the outer)."""
        with self._lock:
            db = self._connect()
            self._depth += 1
            try:
                if db is not None and self._depth == 1:
                    with contextlib.suppress(sqlite3.DatabaseError):
                        db.execute("BEGIN IMMEDIATE")
                yield
                if db is not None and self._depth == 1:
                    with contextlib.suppress(sqlite3.DatabaseError):
                        db.execute("COMMIT")
            except BaseException:
                if db is not None and self._depth == 1 and db.in_transaction:
                    with contextlib.suppress(sqlite3.DatabaseError):
                        db.execute("ROLLBACK")
                self._rows.clear()  # memory may now hold rows the database does not
                raise
            finally:
                self._depth -= 1

    def put(self, kind: str, key: str, code: str, value: JSONValue) -> None:
        self.put_many(kind, code, {key: value})

    def put_many(self, kind: str, code: str, values: JSONObject,
                 replace_all: bool = False) -> None:
        """Write rows of ``kind``; ``replace_all`` drops the kind's other rows too."""
        encoded = [(kind, key, code, orjson.dumps(value)) for key, value in values.items()]
        self._write(kind, code, encoded, values, replace_all)

    def put_raw(self, kind: str, code: str, texts: dict[str, bytes],
                replace_all: bool = False) -> None:
        """Write rows of ``kind`` whose values are JSON text already (read with ``raw``)."""
        self._write(kind, code, [(kind, key, code, text) for key, text in texts.items()],
                    None, replace_all)

    def _write(self, kind: str, code: str, encoded: list[tuple[str, str, str, bytes]],
               values: JSONObject | None, replace_all: bool) -> None:
        with self.transaction():
            db = self._db
            if db is None:
                return
            try:
                if replace_all:
                    db.execute("DELETE FROM rows WHERE kind = ?", (kind,))
                db.executemany("INSERT OR REPLACE INTO rows VALUES (?, ?, ?, ?)", encoded)
            except sqlite3.DatabaseError as exc:
                self._broken(exc)
                return
            held = self._held(kind, code)
            if replace_all or values is None:
                self._rows.pop(kind, None)
            elif held is not None:
                held.update(values)
            else:
                self._rows.pop(kind, None)

    def delete(self, kind: str, keys: Iterable[str] | None = None) -> None:
        """Drop rows of ``kind`` (all of them when ``keys`` is None)."""
        with self.transaction():
            db = self._db
            if db is None:
                return
            try:
                if keys is None:
                    db.execute("DELETE FROM rows WHERE kind = ?", (kind,))
                    self._rows.pop(kind, None)
                else:
                    keys = list(keys)
                    db.executemany("DELETE FROM rows WHERE kind = ? AND key = ?",
                                   [(kind, key) for key in keys])
                    held = self._rows.get(kind)
                    for key in keys if held is not None else ():
                        held[1].pop(key, None)  # type: ignore[index]  # checked just above
            except sqlite3.DatabaseError as exc:
                self._broken(exc)

    def _broken(self, exc: Exception) -> None:
        """The database failed under us (damaged after opening): start afresh next time."""
        self.findings.append(_ignored(f"{self.path.parent.name}/{FILE_NAME}", exc))
        self.close()
        _set_aside(self.path)


class _Foreign(Exception):
    """An SQLite file that is not this project's state, or of another schema version."""


def _open(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)
    try:
        app = db.execute("PRAGMA application_id").fetchone()[0]
        version = db.execute("PRAGMA user_version").fetchone()[0]
        tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if tables and (app != APPLICATION_ID or version != SCHEMA_VERSION):
            raise _Foreign("is another program's database or of another version")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        if not tables:
            db.executescript(_SCHEMA)
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute("SELECT count(*) FROM rows WHERE kind = ''").fetchone()
    except BaseException:
        db.close()
        raise
    return db


def _inode_of(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _set_aside(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            os.unlink(f"{path}{suffix}")


def _ignored(shown: str, exc: Exception) -> Finding:
    why = str(exc) if isinstance(exc, _Foreign) else f"cannot be read ({type(exc).__name__})"
    return Finding(shown, 1, 1, "ENG001", Severity.INFO, f"state {why}; it is rebuilt",
                   "nothing to do: this run writes a fresh one")


_STORES: dict[str, Store] = {}


def of(cache: Path) -> Store:
    """The process's store for ``cache`` (the cache folder of a project)."""
    key = os.path.abspath(cache)
    store = _STORES.get(key)
    if store is None:
        store = _STORES[key] = Store(Path(key))
    return store


def forget_all() -> None:
    """Close every open store (tests, and a worker process after fork)."""
    for store in _STORES.values():
        store.close()
    _STORES.clear()
