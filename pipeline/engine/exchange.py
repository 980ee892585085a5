"""Swap two directory names in one step: ``renameat2(RENAME_EXCHANGE)`` on Linux.

Where the call is missing or the file system refuses it, ``exchange`` falls back to three
renames through a hand-off name; ``recover`` undoes a fallback that was cut short.
"""

from __future__ import annotations

import ctypes
import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import cast

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _renameat2() -> Callable[..., int] | None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return cast(Callable[..., int], libc.renameat2)
    except (OSError, AttributeError):
        return None


_CALL = _renameat2()


def handoff(path: Path) -> Path:
    return path.with_name(f".{path.name}.handoff")


def exchange(a: Path, b: Path) -> None:
    """Give ``a`` the directory ``b`` held and ``b`` the one ``a`` held."""
    if _CALL is not None:
        if _CALL(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
            raise OSError(code, os.strerror(code), str(a))
    middle = handoff(a)
    os.rename(a, middle)
    os.rename(b, a)
    os.rename(middle, b)


def recover(a: Path, b: Path) -> None:
    """Finish a fallback exchange that a kill interrupted, so ``a`` exists again."""
    middle = handoff(a)
    if not middle.exists():
        return
    if not a.exists():
        os.rename(b, a) if b.exists() else os.rename(middle, a)
    if middle.exists() and not b.exists():
        os.rename(middle, b)
