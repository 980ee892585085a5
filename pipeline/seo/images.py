"""Real image dimensions and media type, read from the file header with Pillow."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from pipeline.content.assets import public_of
from pipeline.core import urls
from pipeline.core.fsutil import OutputPathError
from pipeline.core.settings import Settings


@dataclass(frozen=True, slots=True)
class ImageInfo:
    width: int
    height: int
    mime: str


@dataclass(frozen=True, slots=True)
class ImageProblem:
    """Why an image could not be measured: ``missing``, ``unreadable`` or ``external``."""

    kind: str
    detail: str


def local_file(settings: Settings, ref: str) -> Path | None:
    """The file below ``public/`` that a front-matter image names, or ``None`` if external.

    Raises ``OutputPathError`` when the path (or a symlink on it) leaves ``public/``.
    """
    if urls.asset_path(ref) is None:
        return None
    path = public_of(settings.path("public")).path_of(ref)
    if path is None:
        raise OutputPathError(f"{ref!r} resolves outside public/")
    return Path(path)


def inspect(settings: Settings, ref: str) -> ImageInfo | ImageProblem:
    """Dimensions and type of a front-matter image (``/assets/x.jpg`` or a URL)."""
    return inspect_in(settings.path("public"), ref)


def inspect_in(public: Path, ref: str) -> ImageInfo | ImageProblem:
    """``inspect`` against the ``public/`` folder ``public``."""
    if _asset_path(ref) is None:
        return ImageProblem("external", f"{ref} is not a local file; not measured")
    path = public_of(public).path_of(ref)  # as ``local_file``: normalised
    if path is None:
        return ImageProblem("missing", f"{ref} points outside public/")
    try:
        stat = os.stat(path)
    except OSError:
        return ImageProblem("missing", f"public/{urls.asset_path(ref)} does not exist")
    return _read(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4096)  # a pure function of the reference; hits come from nearby articles
def _asset_path(ref: str) -> str | None:
    return urls.asset_path(ref)


@lru_cache(maxsize=65536)  # ImageInfo is tiny; a large site has one cover per article
def _read(path: str, mtime_ns: int, size: int) -> ImageInfo | ImageProblem:
    """Header-only read; cached per file version (the key holds mtime and size)."""
    try:
        with Image.open(path) as image:
            mime = Image.MIME.get(image.format or "", "")
            return ImageInfo(image.width, image.height, mime)
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError) as exc:
        # the reason without the absolute path (messages are the same wherever the project is)
        reason = str(exc).replace(f"'{path}'", "it").replace(path, "it")
        return ImageProblem("unreadable", f"{Path(path).name} cannot be read as an image: "
                            f"{reason}")
