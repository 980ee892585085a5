"""Read a file only when it is a regular file, and never more than a limit.

Opened non-blocking and checked after opening (no race between a check and the open):
a FIFO, socket or device never blocks the run, and a file larger than the limit is never
read into memory beyond ``max_bytes + 1`` bytes.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

KINDS = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFSOCK: "a socket",
         stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
         stat.S_IFDIR: "a folder"}


def kind_of(mode: int) -> str:
    """'a FIFO (named pipe)', 'a folder', ... for a non-regular ``st_mode``."""
    return KINDS.get(stat.S_IFMT(mode), "not a regular file")


def read_regular(path: Path | str, max_bytes: int) -> bytes | str:
    """At most ``max_bytes + 1`` bytes of a regular file, or what kind of file it is instead.

    Raises ``OSError`` when it cannot be opened (a socket cannot: ENXIO).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        return kind_of(mode)
    with os.fdopen(fd, "rb", buffering=0) as handle:
        chunks, left = [], max_bytes + 1
        while left > 0 and (chunk := handle.read(min(left, 1 << 20))):
            chunks.append(chunk)
            left -= len(chunk)
    return b"".join(chunks)


def open_regular(path: Path | str) -> BinaryIO:
    """A binary reader of a regular file (the caller closes it).

    Raises ``OSError`` when it cannot be opened or is not a regular file (FIFOs, sockets
    and devices are never waited on).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise OSError(f"{kind_of(mode)}, not a file")
    return os.fdopen(fd, "rb")
