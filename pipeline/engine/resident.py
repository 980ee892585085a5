"""Whether this process keeps what a build derived for the next build.

``serve --watch`` builds again and again in one process: it keeps the decoded state
rows, the articles restored from them, each article's decoded parts and analysis
findings, the related-article lists and each finding's encoding in a report, every item
keyed by exactly what it was made from, so a rebuild redoes only what an edit changed
(docs/ENGINE.md). A command that builds once keeps none of it: nothing would read it
again, and holding it raised the memory peak of a one-article edit at 10,000 pairs by
about a fifth. When keeping is off, the kept items are neither read nor written.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

_KEEPING = False


def keeping() -> bool:
    """True in a long-lived process that builds more than once (``serve --watch``)."""
    return _KEEPING


def keep(on: bool = True) -> None:
    global _KEEPING
    _KEEPING = on


@contextlib.contextmanager
def kept(on: bool = True) -> Iterator[None]:
    """Keeping on (or off) inside the block, as it was after it."""
    was = _KEEPING
    keep(on)
    try:
        yield
    finally:
        keep(was)
