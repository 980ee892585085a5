"""Python's cycle collector paused while a build runs.

A build holds millions of small long-lived objects (state rows, articles, findings), and
each full pass of the collector walks all of them: at 10,000 pairs its passes took 5.2 of
16 s of a one-article edit, and in all 14 full passes found 259 objects to free (the
build's garbage is freed by reference counting as it goes). So the collector is off for
the build and back on afterwards, where a long-lived process (``serve --watch``) needs it.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No cycle collection inside the block (nested blocks: the outer one restores)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
