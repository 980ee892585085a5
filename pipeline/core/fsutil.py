"""Atomic, guarded file output: temp file + rename, never outside the output root."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


class OutputPathError(ValueError):
    """A computed output path escapes its output root."""


def safe_join(root: Path, *parts: str) -> Path:
    """``root / parts`` resolved, refusing anything that lands outside ``root``."""
    root = root.resolve()
    target = root.joinpath(*parts).resolve()
    if target != root and root not in target.parents:
        raise OutputPathError(f"{'/'.join(parts)!r} resolves outside {root}")
    return target


@contextlib.contextmanager
def atomic_open(path: Path, mode: str = "wb") -> Iterator[IO[Any]]:
    """Open a temp file beside ``path``; rename it over ``path`` only on success."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(fd, mode, encoding=encoding, newline=None if encoding is None else "") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_bytes(path: Path, data: bytes) -> Path:
    with atomic_open(path, "wb") as fh:
        fh.write(data)
    return path


def write_text(path: Path, text: str) -> Path:
    return write_bytes(path, text.encode("utf-8"))


def dumps_json(data: Any) -> str:
    """Deterministic JSON: sorted keys, UTF-8 kept readable, trailing newline."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_json(path: Path, data: Any) -> Path:
    return write_text(path, dumps_json(data))


def replace_dir(staging: Path, target: Path) -> None:
    """Put a fully written ``staging`` directory in place of ``target`` (same parent)."""
    os.chmod(staging, 0o755)  # mkdtemp creates it private
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        os.replace(target, old / target.name)
    os.replace(staging, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
class Staging:
    """Many files replaced together: each is written to a temp file beside its target when
    staged, then one ``commit`` syncs once and renames them all, or ``discard`` removes the
    temp files (and the folders staging created), leaving every target as it was.

    Only paths are held in memory, so a large output streams to disk.
    """

    def __init__(self) -> None:
        self.staged: list[tuple[str, Path]] = []
        self.created: list[Path] = []

    def stage(self, path: Path, data: bytes | Path) -> None:
        """Write ``data`` (bytes, or a file to copy) to a temp file beside ``path``."""
        self._mkdirs(path.parent)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        self.staged.append((tmp, path))
        with os.fdopen(fd, "wb") as fh:
            if isinstance(data, Path):
                with data.open("rb") as source:
                    shutil.copyfileobj(source, fh)
            else:
                fh.write(data)
        os.chmod(tmp, 0o644)

    def _mkdirs(self, folder: Path) -> None:
        missing = []
        while not folder.exists():
            missing.append(folder)
            folder = folder.parent
        for item in reversed(missing):
            item.mkdir()
            self.created.append(item)

    def commit(self) -> list[Path]:
        """Sync once, then rename every temp file over its target."""
        os.sync()
        for tmp, path in self.staged:
            os.replace(tmp, path)
        done = [path for _, path in self.staged]
        self.staged, self.created = [], []
        return done

    def discard(self) -> None:
        for tmp, _ in self.staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        for folder in reversed(self.created):
            with contextlib.suppress(OSError):
                folder.rmdir()
        self.staged, self.created = [], []
