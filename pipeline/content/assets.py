"""The one lookup of a file under ``public/`` that a site path names.

A reference (``/assets/x%20(1).jpeg``, ``assets/x (1).jpeg``) is decoded once
(``urls.asset_path``) and checked as a string against the public root, resolved once:
no ``..``, NUL or backslash components. Symlinks are followed only while they stay inside
``public/`` (each folder is resolved once per run). Remote URLs name no local file.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pipeline.core import urls


class Public:
    """Lookups below one ``public/`` folder, memoised per folder."""

    def __init__(self, folder: Path | str):
        self.root = os.path.realpath(folder)
        self._folder = lru_cache(maxsize=65536)(self._resolve_folder)

    def _resolve_folder(self, folder: str) -> str | None:
        real = os.path.realpath(folder)
        inside = real == self.root or real.startswith(self.root + os.sep)
        return real if inside else None

    def path_of(self, ref: str) -> str | None:
        """The file a site path names below ``public/`` (it may not exist); ``None`` for
        remote URLs and for paths that leave ``public/``."""
        relative = urls.asset_path(ref)
        if relative is None:
            return None
        parts = relative.split("/")
        if any(p in ("..", ".") or "\0" in p or "\\" in p for p in parts):
            return None
        folder = self._folder(os.path.join(self.root, *parts[:-1]))
        if folder is None:
            return None
        path = os.path.join(folder, parts[-1]) if parts[-1] else folder
        if os.path.islink(path):
            real = os.path.realpath(path)
            return real if real.startswith(self.root + os.sep) else None
        return path

    def is_file(self, ref: str) -> bool:
        """True when the reference names a regular file under ``public/``."""
        path = self.path_of(ref)
        return path is not None and os.path.isfile(path)

    def image_exists(self, src: str) -> bool:
        """Remote images are assumed present; site paths must be files under ``public/``."""
        if urls.is_remote(src):
            return True
        return self.is_file(src if src.startswith("/") else "/" + src)


@lru_cache(maxsize=16)
def public_of(folder: Path) -> Public:
    """The lookup of a ``public/`` folder, shared within a process."""
    return Public(folder)
