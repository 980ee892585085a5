"""One walk over a folder tree in a stable order, for every reader that lists inputs.

``entries(folder, descend)`` yields every entry below ``folder`` that is not a folder,
depth first: each folder's entries in name order, then its sub-folders in name order.
It lists each folder once with ``os.scandir``, so the caller gets ``os.DirEntry``
objects whose type (and, on the first ``stat``, stat) comes with the listing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

Entry = os.DirEntry[str]


def is_folder(entry: Entry) -> bool:
    """A folder, or a symlink to one (symlinks followed; unreadable: not a folder)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def entries(folder: str, descend: Callable[[Entry], bool], hidden: bool = True,
            unreadable: Callable[[OSError, str], None] | None = None) -> Iterator[Entry]:
    """Every entry below ``folder`` that ``is_folder`` does not call a folder; a folder
    entry is walked into when ``descend`` says so and is never yielded. ``hidden=False``
    leaves out names starting with a dot (folders too); ``unreadable`` hears of each
    folder that cannot be listed (the error and the folder), which is then skipped."""
    pending = [folder]
    while pending:
        path = pending.pop()
        try:
            with os.scandir(path) as listing:
                found = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            if unreadable is not None:
                unreadable(exc, path)
            continue
        folders = []
        for entry in found:
            if not hidden and entry.name.startswith("."):
                continue
            if is_folder(entry):
                if descend(entry):
                    folders.append(entry.path)
            else:
                yield entry
        pending.extend(reversed(folders))
