"""Incremental loading: parsed articles of unchanged files are reused from ``.cache/``.

An entry is keyed by the file's path, locale and the sha256 of its bytes; the whole cache
is tied to a fingerprint of the code and settings that shape parsing, so a change to the
schema, the parser or ``[validate]`` settings starts afresh. The file is replaced
atomically; a corrupt or foreign cache is ignored, never trusted.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import astuple, replace
from importlib import resources
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.config import Settings
from pipeline.fsutil import write_bytes
from pipeline.model import Article, Finding
from pipeline.parsing import FENCE

Entry = tuple[Article | None, list[Finding]]
Key = tuple[str, str, str]  # (path relative to root, locale, sha256 of bytes)
CODE = ("parsing.py", "schema.py", "stages/load.py", "schemas/frontmatter.schema.json")


def fingerprint(settings: Settings) -> str:
    """What parsing depends on besides the file itself."""
    digest = hashlib.sha256(__version__.encode())
    package = resources.files("pipeline")
    for name in CODE:
        digest.update(package.joinpath(name).read_bytes())
    digest.update(repr((astuple(settings.validate), str(settings.root))).encode())
    return digest.hexdigest()


class LoadCache:
    """A dict of parsed files that is saved only when something changed."""

    def __init__(self, path: Path, settings: Settings):
        self.path = path
        self.fingerprint = fingerprint(settings)
        self.entries: dict[Key, Entry] = self._read()
        self.used: dict[Key, Entry] = {}

    def _read(self) -> dict[Key, Entry]:
        try:
            data: Any = pickle.loads(self.path.read_bytes())  # noqa: S301 (own cache file)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError,
                ImportError, TypeError):
            return {}
        if not isinstance(data, dict) or data.get("fingerprint") != self.fingerprint:
            return {}
        entries = data.get("entries")
        return entries if isinstance(entries, dict) else {}

    def get(self, key: Key) -> Entry | None:
        entry = self.entries.get(key)
        if entry is not None:
            self.used[key] = entry
        return entry

    def put(self, key: Key, entry: Entry) -> None:
        self.used[key] = entry

    def save(self) -> None:
        """Keep only the entries of this run (deleted files drop out)."""
        if self.used.keys() == self.entries.keys():
            return
        blob = pickle.dumps({"fingerprint": self.fingerprint, "entries": self.used},
                            protocol=pickle.HIGHEST_PROTOCOL)
        write_bytes(self.path, blob)


def file_key(path: Path, locale: str, root: Path) -> tuple[Key, bytes] | None:
    """Cache key and bytes of a source file; None when unreadable (load reports why)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        shown = path.relative_to(root).as_posix()
    except ValueError:
        shown = path.as_posix()
    return (shown, locale, hashlib.sha256(data).hexdigest()), data


def slim(entry: Entry) -> Entry:
    """The entry without the article body, which is cheap to split again from the file."""
    article, findings = entry
    return (replace(article, body="") if article else None), findings


def restore(entry: Entry, data: bytes) -> Entry:
    """Put the body back from the file's bytes."""
    article, findings = entry
    if article is None:
        return entry
    text = data.decode("utf-8").lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    match = FENCE.match(text)
    return replace(article, body=text[match.end():] if match else ""), findings
