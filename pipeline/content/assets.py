"""The files under ``public/``: read once per run, the one lookup every stage uses.

``PublicTree.scan`` lists every file below ``public/`` once (hidden names skipped,
symlinked folders not followed, a symlinked file kept only while it resolves inside
``public/``), with its type, size and modification time. Validate checks images and output
names against it, bundles copies it, the no-change check stamps it, and ``Public`` answers
"which file does this site path name" from it: a reference (``/assets/x%20(1).jpeg``,
``assets/x (1).jpeg``) is decoded once (``urls.asset_path``) and checked as a string: no
``..``, NUL or backslash components. Remote URLs name no local file.

The tree is taken anew by every run (``forget``), so watch mode never sees a stale one.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.core import urls, walk


@dataclass(frozen=True, slots=True)
class PublicFile:
    rel: str  # '/'-separated, relative to public/
    path: str  # absolute
    mode: int  # of the file a symlink points to; 0 when it cannot be read
    size: int
    mtime_ns: int
    symlink: bool


class PublicTree:
    """Every file below one ``public/`` folder, in sorted order."""

    def __init__(self, root: str, files: dict[str, PublicFile]):
        self.root = root
        self.files = files

    @staticmethod
    def scan(folder: Path | str) -> PublicTree:
        root = os.path.realpath(folder)
        files: dict[str, PublicFile] = {}
        if not os.path.isdir(folder):
            return PublicTree(root, files)
        base = os.path.join(str(folder), "")
        for entry in walk.entries(str(folder), lambda e: not e.is_symlink(), hidden=False):
            link = entry.is_symlink()
            try:
                st = os.stat(entry.path)
                mode, size, mtime = st.st_mode, st.st_size, st.st_mtime_ns
            except OSError:
                mode, size, mtime = 0, 0, 0
            rel = entry.path[len(base):]
            files[rel] = PublicFile(rel, entry.path, mode, size, mtime, link)
        return PublicTree(root, dict(sorted(files.items())))

    def inside(self, item: PublicFile) -> bool:
        """A symlinked file counts only while it resolves inside ``public/``."""
        if not item.symlink:
            return True
        real = os.path.realpath(item.path)
        return real.startswith(self.root + os.sep)

    def stamp(self) -> list[object]:
        return [(f.rel, f.mode, f.size, f.mtime_ns) for f in self.files.values()]


class Public:
    """Which file under ``public/`` a site path names, from the run's ``PublicTree``."""

    def __init__(self, folder: Path | str, tree: PublicTree | None = None):
        self.folder = str(folder)
        self.tree = tree or PublicTree.scan(folder)
        self.root = self.tree.root

    def relative(self, ref: str) -> str | None:
        """The decoded path below ``public/`` a reference names; ``None`` for remote URLs
        and for paths that could leave ``public/``."""
        relative = urls.asset_path(ref)
        if relative is None:
            return None
        parts = relative.split("/")
        if any(p in ("..", ".") or "\0" in p or "\\" in p for p in parts):
            return None
        return relative

    def path_of(self, ref: str) -> str | None:
        """The file a site path names below ``public/`` (it may not exist); ``None`` also
        for a symlink that resolves outside ``public/``."""
        relative = self.relative(ref)
        if relative is None:
            return None
        item = self.tree.files.get(relative)
        if item is not None and not self.tree.inside(item):
            return None
        return os.path.join(self.folder, relative)

    def is_file(self, ref: str) -> bool:
        """True when the reference names a regular file under ``public/``."""
        relative = self.relative(ref)
        item = self.tree.files.get(relative) if relative is not None else None
        return item is not None and stat.S_ISREG(item.mode) and self.tree.inside(item)

    def image_exists(self, src: str) -> bool:
        """Remote images are assumed present; site paths must be files under ``public/``."""
        if urls.is_remote(src):
            return True
        return self.is_file(src if src.startswith("/") else "/" + src)


@lru_cache(maxsize=16)
def public_of(folder: Path) -> Public:
    """The lookup of a ``public/`` folder for this run (see ``forget``)."""
    return Public(folder)


def tree_of(folder: Path) -> PublicTree:
    return public_of(folder).tree


def forget() -> None:
    """Start a new run: the next lookup scans ``public/`` again."""
    public_of.cache_clear()
