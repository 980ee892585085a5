"""Output path guards as string checks, against roots resolved once per run."""

from __future__ import annotations

import os


def is_safe(rel: str) -> bool:
    """A relative output path that stays inside its folder: no empty, ``.`` or ``..``
    component, not absolute, no backslash or NUL."""
    if not rel or rel.startswith("/") or "\\" in rel or "\0" in rel:
        return False
    return all(part not in ("", ".", "..") for part in rel.split("/"))


def is_below(path: str, root: str) -> bool:
    """``path`` is ``root`` or inside it (both already resolved)."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)
