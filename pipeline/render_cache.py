"""Rendered bodies of unchanged articles, reused from ``.cache/render.pickle``.

An entry is keyed by the article's path, the hash of its source and the render policy.
It is reused only while the renderer's code and libraries are the same (a fingerprint
over them) and every image the body referenced still exists, or still does not, exactly
as when it was rendered, so missing-image warnings never go stale. A corrupt or foreign
file is ignored; the file is replaced atomically and keeps only this run's entries.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.fsutil import write_bytes
from pipeline.model import Article
from pipeline.render import Rendered, RenderPolicy, render_markdown

Images = tuple[tuple[str, bool], ...]  # (src, existed) for every image the body names
Entry = tuple[Rendered, Images]
Key = tuple[str, str, RenderPolicy]
CODE = ("render.py", "render_cache.py")
LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "nh3")
FILE_NAME = "render.pickle"


def fingerprint() -> str:
    digest = hashlib.sha256(__version__.encode())
    for name in CODE:
        digest.update(resources.files("pipeline").joinpath(name).read_bytes())
    for library in LIBRARIES:
        digest.update(f"{library}={metadata.version(library)}".encode())
    return digest.hexdigest()


def render_recorded(article: Article, policy: RenderPolicy,
                    exists: Callable[[str], bool]) -> Entry:
    """Render one body and record every image lookup the renderer made."""
    seen: dict[str, bool] = {}

    def recording(src: str) -> bool:
        seen[src] = exists(src)
        return seen[src]

    rendered = render_markdown(article.body, article.source.as_posix(), article.body_line,
                               policy, recording)
    return rendered, tuple(sorted(seen.items()))


def key_of(article: Article, policy: RenderPolicy) -> Key:
    return article.source.as_posix(), article.source_hash, policy


class RenderCache:
    """Entries of the last run; ``save`` writes this run's entries when anything changed."""

    def __init__(self, folder: Path):
        self.path = folder / FILE_NAME
        self.fingerprint = fingerprint()
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

    def get(self, key: Key, exists: Callable[[str], bool]) -> Rendered | None:
        entry = self.entries.get(key)
        if entry is None or any(exists(src) != existed for src, existed in entry[1]):
            return None
        self.used[key] = entry
        return entry[0]

    def put(self, key: Key, entry: Entry) -> None:
        self.used[key] = entry

    def save(self) -> None:
        if self.used.keys() == self.entries.keys():
            return
        blob = pickle.dumps({"fingerprint": self.fingerprint, "entries": self.used},
                            protocol=pickle.HIGHEST_PROTOCOL)
        write_bytes(self.path, blob)
