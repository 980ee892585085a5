"""Rendered bodies of unchanged articles, reused from ``.cache/render.pickle``.

An entry is keyed by the article's path, the hash of its source and the render policy.
It is reused only while the renderer's code and libraries are the same (a fingerprint
over them) and every image the body referenced still exists, or still does not, exactly
as when it was rendered, so missing-image warnings never go stale.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from importlib import metadata, resources
from pathlib import Path

from pipeline import __version__
from pipeline.core.model import Article
from pipeline.core.pickle_cache import PickleCache
from pipeline.render.markdown import Rendered, RenderPolicy, render_markdown

Images = tuple[tuple[str, bool], ...]  # (src, existed) for every image the body names
Entry = tuple[Rendered, Images]
Key = tuple[str, str, RenderPolicy]
CODE = ("render/markdown.py", "render/render_cache.py")
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


class RenderCache(PickleCache[Key, Entry]):
    """Rendered bodies of the last run, valid while the renderer is the same."""

    def __init__(self, folder: Path):
        super().__init__(folder / FILE_NAME, fingerprint())

    def lookup(self, key: Key, exists: Callable[[str], bool]) -> Rendered | None:
        """The cached body when every image it named is as it was; kept for next time."""
        entry = self.get(key)
        if entry is None or any(exists(src) != existed for src, existed in entry[1]):
            return None
        self.put(key, entry)
        return entry[0]
