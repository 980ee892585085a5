"""The source cache: what loading found in each file, reused while the file is unchanged.

A file is unchanged when its size and modification time are those recorded; otherwise its
bytes are hashed and compared with the recorded hash, so a touched but identical file is
not parsed again. Entries are rows of the state database (``engine.store``), JSON data
(``content.records``) tied to the code fingerprint and the ``[validate]`` and
``[[locales]]`` settings; only changed rows are written.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from pipeline.content.records import article_of, article_record, finding_of, finding_record
from pipeline.core.model import Article, Finding
from pipeline.core.settings import Settings
from pipeline.engine import fingerprint, resident, store
from pipeline.engine.shapes import ScanDoc, SourceRow
from pipeline.engine.state import read_state, write_state

Entry = tuple[Article | None, list[Finding]]
KIND = "source"  # one state row per source file, keyed by its path below the project
# Articles restored from rows in this process, by row object (rows stay in memory in a
# long-lived process: ``engine.store``); the row itself is held so its id stays its own.
_RESTORED: dict[int, tuple[tuple[str, str, str, str], SourceRow, Entry]] = {}
SCAN = "sources-scan"
RACY_NS = 2_000_000_000  # file system timestamps can be this coarse


class SourceCache:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.root = settings.root
        self.fp = fingerprint.of(fingerprint.code(), fingerprint.sections(
            settings, "validate", "locales"), settings.root)
        self.cache = settings.path("cache")
        self.db = store.of(self.cache)
        self.entries: dict[str, SourceRow] = self.db.rows(KIND, self.fp, SourceRow)
        scan = read_state(self.cache, SCAN, self.fp, ScanDoc)
        self.findings = self.db.take_findings()
        # Files changed within RACY_NS of the last scan may have changed again within the
        # same timestamp tick: their times prove nothing, so they are hashed.
        self.trust_before = int(scan.get("scanned", 0)) - RACY_NS
        self.scanned = time.time_ns()
        self._prefix = str(self.root).rstrip(os.sep) + os.sep
        self.dirty: set[str] = set()
        self._pending: dict[str, tuple[int, int, str]] = {}

    def _key(self, path: Path) -> str:
        text = str(path)
        if text.startswith(self._prefix):
            return text[len(self._prefix):].replace(os.sep, "/")
        return os.path.relpath(path, self.root).replace(os.sep, "/")

    def get(self, path: Path, locale: str, st: os.stat_result | None = None) -> Entry | None:
        """The cached result of ``path`` (``st``: its stat when the caller has it)."""
        key = self._key(path)
        entry = self.entries.get(key)
        if st is None:
            try:
                st = os.stat(path)
            except OSError:
                return None
        stamp = (st.st_size, st.st_mtime_ns)
        if entry is not None and entry.get("locale") == locale \
                and (entry.get("size"), entry.get("mtime")) == stamp \
                and st.st_mtime_ns < self.trust_before \
                and (restored := self._restore(entry)) is not None:
            return restored
        try:
            sha = _sha(path)
        except OSError:
            return None
        self._pending[key] = (*stamp, sha)
        if entry is not None and entry.get("locale") == locale and entry.get("sha") == sha:
            entry["size"], entry["mtime"] = stamp
            self.dirty.add(key)
            return self._restore(entry)
        return None

    def _restore(self, entry: SourceRow) -> Entry | None:
        """The cached result, or None when the entry cannot be read back (then the file
        is parsed again and the entry replaced). A long-lived process keeps what it
        restored, per file and content hash, and hands the same objects out again."""
        memo = (str(self.root), self.fp, entry["sha"], entry["locale"])
        keeping = resident.keeping()
        held = _RESTORED.get(id(entry)) if keeping else None
        if held is not None and held[0] == memo and held[1] is entry:
            return held[2]
        try:
            record = entry.get("article")
            article = article_of(record, self.root) if record else None
            restored = article, [finding_of(f) for f in entry.get("findings", ())]
        except (KeyError, TypeError, ValueError):
            return None
        if keeping:
            _RESTORED[id(entry)] = (memo, entry, restored)
        return restored

    def put(self, path: Path, locale: str, result: Entry) -> None:
        key = self._key(path)
        pending = self._pending.pop(key, None)
        if pending is None:
            return
        size, mtime, sha = pending
        if (old := self.entries.get(key)) is not None:
            _RESTORED.pop(id(old), None)
        article, findings = result
        self.entries[key] = {"locale": locale, "size": size, "mtime": mtime, "sha": sha,
                             "article": article_record(article) if article else None,
                             "findings": [finding_record(f) for f in findings]}
        self.dirty.add(key)

    def save(self, jobs: list[tuple[Path, str]]) -> None:
        """Write the rows that changed and drop those of files no longer present, in one
        transaction; the scan time moves on when any file was recently changed."""
        keys = {self._key(path) for path, _ in jobs}
        gone = set(self.entries) - keys
        racy = any(e["mtime"] >= self.trust_before for e in self.entries.values())
        if not (self.dirty or gone or racy):
            return
        with self.db.transaction():
            self.db.delete(KIND, gone)
            self.db.put_many(KIND, self.fp, {k: self.entries[k] for k in self.dirty
                                             if k in keys and k in self.entries})
            write_state(self.cache, SCAN, self.fp, {"scanned": self.scanned})
        self.dirty.clear()


def _sha(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
