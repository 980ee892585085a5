"""The little of a binary file that readers and sinks need, as protocols: a parser's
input or a download's sink may be a file, a wrapper that counts or limits, or a gzip
stream, none of which is a full ``typing.IO[bytes]``."""

from __future__ import annotations

from typing import Protocol


class ByteSource(Protocol):
    """Something to ``read`` bytes from (``b""`` at the end)."""

    def read(self, size: int = -1, /) -> bytes: ...


class ByteSink(Protocol):
    """Something to ``write`` bytes to; it may raise to stop the writer."""

    def write(self, data: bytes, /) -> int: ...
