"""Output path guards as string checks: no file system access on the hot path."""

from __future__ import annotations


def is_safe(rel: str) -> bool:
    """A relative output path that stays inside its folder: no empty, ``.`` or ``..``
    component, not absolute, no backslash or NUL."""
    if not rel or rel.startswith("/") or "\\" in rel or "\0" in rel:
        return False
    return all(part not in ("", ".", "..") for part in rel.split("/"))
