"""Incremental loading: parsed articles of unchanged files are reused from ``.cache/``.

An entry is keyed by the file's path, locale and the sha256 of its bytes; the whole cache
is tied to a fingerprint of the code and settings that shape parsing, so a change to the
schema, the parser or ``[validate]`` settings starts afresh. The file is replaced
atomically; a corrupt or foreign cache is ignored, never trusted.
"""

from __future__ import annotations

import hashlib
from dataclasses import astuple, replace
from importlib import resources
from pathlib import Path

from pipeline import __version__
from pipeline.content.parsing import FENCE
from pipeline.core.model import Article, Finding
from pipeline.core.pickle_cache import PickleCache
from pipeline.core.settings import Settings

Entry = tuple[Article | None, list[Finding]]
Key = tuple[str, str, str]  # (path relative to root, locale, sha256 of bytes)
CODE = ("content/parsing.py", "content/schema.py", "content/load.py", "schemas/frontmatter.schema.json")


def fingerprint(settings: Settings) -> str:
    """What parsing depends on besides the file itself."""
    digest = hashlib.sha256(__version__.encode())
    package = resources.files("pipeline")
    for name in CODE:
        digest.update(package.joinpath(name).read_bytes())
    digest.update(repr((astuple(settings.validate), str(settings.root))).encode())
    return digest.hexdigest()


class LoadCache(PickleCache[Key, Entry]):
    """Parsed files of the last run, valid while the code and settings are the same."""

    def __init__(self, path: Path, settings: Settings):
        super().__init__(path, fingerprint(settings))

    def get(self, key: Key) -> Entry | None:
        entry = super().get(key)
        if entry is not None:
            self.put(key, entry)
        return entry


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
