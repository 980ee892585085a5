"""The source cache: what loading found in each file, reused while the file is unchanged.

A file is unchanged when its size and modification time are those recorded; otherwise its
bytes are hashed and compared with the recorded hash, so a touched but identical file is
not parsed again. Entries are JSON (``content.records``) tied to the code fingerprint and
the ``[validate]`` and ``[[locales]]`` settings.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import Any

from pipeline.content.records import article_of, article_record, finding_of, finding_record
from pipeline.core.model import Article, Finding
from pipeline.core.settings import Settings
from pipeline.engine import fingerprint
from pipeline.engine.state import read_state, write_state

Entry = tuple[Article | None, list[Finding]]
FILE_NAME = "sources.json"
RACY_NS = 2_000_000_000  # file system timestamps can be this coarse


class SourceCache:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.root = settings.root
        self.path = settings.path("cache") / FILE_NAME
        self.fp = fingerprint.of(fingerprint.code(), fingerprint.sections(
            settings, "validate", "locales"), settings.root)
        data, self.findings = read_state(self.path, "sources", self.fp,
                                         f"{settings.paths.cache}/{FILE_NAME}")
        files = data.get("files")
        self.entries: dict[str, dict[str, Any]] = files if isinstance(files, dict) else {}
        # Files changed within RACY_NS of the last scan may have changed again within the
        # same timestamp tick: their times prove nothing, so they are hashed.
        scanned = data.get("scanned")
        self.trust_before = (scanned if isinstance(scanned, int) else 0) - RACY_NS
        self.scanned = time.time_ns()
        self._prefix = str(self.root).rstrip(os.sep) + os.sep
        self.changed = False
        self._pending: dict[str, tuple[int, int, str]] = {}

    def _key(self, path: Path) -> str:
        text = str(path)
        if text.startswith(self._prefix):
            return text[len(self._prefix):].replace(os.sep, "/")
        return os.path.relpath(path, self.root).replace(os.sep, "/")

    def get(self, path: Path, locale: str) -> Entry | None:
        key = self._key(path)
        entry = self.entries.get(key)
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
            self.changed = True
            return self._restore(entry)
        return None

    def _restore(self, entry: dict[str, Any]) -> Entry | None:
        """The cached result, or None when the entry cannot be read back (then the file
        is parsed again and the entry replaced)."""
        try:
            record = entry.get("article")
            article = article_of(record, self.root) if record else None
            return article, [finding_of(f) for f in entry.get("findings", ())]
        except (KeyError, TypeError, ValueError):
            return None

    def put(self, path: Path, locale: str, result: Entry) -> None:
        key = self._key(path)
        size, mtime, sha = self._pending.pop(key, (None, None, None))
        if sha is None:
            return
        article, findings = result
        self.entries[key] = {"locale": locale, "size": size, "mtime": mtime, "sha": sha,
                             "article": article_record(article) if article else None,
                             "findings": [finding_record(f) for f in findings]}
        self.changed = True

    def save(self, jobs: list[tuple[Path, str]]) -> None:
        """Write the cache when it changed; files no longer present are dropped."""
        keys = {self._key(path) for path, _ in jobs}
        self.changed = self.changed or any(
            e.get("mtime", 0) >= self.trust_before for e in self.entries.values())
        if set(self.entries) - keys:
            self.entries = {k: v for k, v in self.entries.items() if k in keys}
            self.changed = True
        if self.changed:
            write_state(self.path, "sources", self.fp, {"files": self.entries,
                                                        "scanned": self.scanned})


def _sha(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
