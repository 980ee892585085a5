"""Atomic, guarded file output: temp file + rename, never outside the output root."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from pipeline.core import jsonfmt


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
# IO[Any]: text or bytes depending on ``mode``, as typeshed types open() with a str mode.
def atomic_open(path: Path, mode: str = "wb", sync: bool = True) -> Iterator[IO[Any]]:
    """Open a temp file beside ``path``; rename it over ``path`` only on success.

    ``sync=False`` skips the fsync: the rename is still atomic for readers and a killed
    process, only not durable across a power cut (enough for caches)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(fd, mode, encoding=encoding, newline=None if encoding is None else "") as fh:
            yield fh
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_bytes(path: Path, data: bytes, sync: bool = True) -> Path:
    with atomic_open(path, "wb", sync) as fh:
        fh.write(data)
    return path


def write_text(path: Path, text: str) -> Path:
    return write_bytes(path, text.encode("utf-8"))


def dumps_json(data: object) -> str:
    """Deterministic JSON: sorted keys, UTF-8 kept readable, two-space indent, trailing
    newline (``core.jsonfmt``: orjson, the json module's bytes)."""
    return jsonfmt.dumps_json(data)


def dumps_json_bytes(data: object) -> bytes:
    return jsonfmt.dumps_json_bytes(data)


def write_json(path: Path, data: object) -> Path:
    return write_text(path, dumps_json(data))
