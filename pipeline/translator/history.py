"""The source text a translation was made from, found in git history by its ``translationOf``.

``translationOf`` is the project's source hash (SHA-256 of the text with BOM removed and
LF line endings, ``pipeline/content/translations.py``), not a git blob id, so the blobs
of every commit that touched the source file (``git log --all --raw``) are read in one
``git cat-file --batch`` process and hashed the same way until one matches. Nothing is
found without git, outside a repository, in a shallow clone missing that commit, or when
the translation was recorded against a version never committed: the caller then treats
every segment as possibly changed. Bounded: at most ``MAX_VERSIONS`` blobs, each git
call at most ``TIMEOUT`` seconds.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

MAX_VERSIONS = 2000
TIMEOUT = 60
_ZERO = "0" * 40


def normalized(raw: bytes) -> str:
    """Text as the load stage hashes it: UTF-8, BOM removed, LF line endings."""
    text = raw.decode("utf-8", errors="replace").removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _git(root: Path, args: list[str], stdin: bytes | None = None) -> bytes | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], input=stdin,
                              capture_output=True, timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def blob_ids(root: Path, relpath: str) -> list[str]:
    """Blob ids of every version of ``relpath`` in the repository's history, newest first."""
    out = _git(root, ["log", "--all", "--format=", "--raw", "--no-abbrev", "--no-renames",
                      "--", relpath])
    seen: dict[str, None] = {}
    for line in (out or b"").decode("utf-8", "replace").splitlines():
        parts = line.split("\t", 1)[0].split()
        if len(parts) >= 4 and line.startswith(":"):
            for blob in (parts[3], parts[2]):
                if blob != _ZERO:
                    seen.setdefault(blob, None)
    return list(seen)[:MAX_VERSIONS]


def text_by_hash(root: Path, relpath: str, wanted: str) -> str | None:
    """The version of ``relpath`` whose source hash is ``wanted``, from git; else None."""
    blobs = blob_ids(root, relpath)
    if not blobs:
        return None
    out = _git(root, ["cat-file", "--batch"], ("\n".join(blobs) + "\n").encode())
    if out is None:
        return None
    at = 0
    while at < len(out):
        end = out.find(b"\n", at)
        if end < 0:
            break
        header = out[at:end].split()
        at = end + 1
        if len(header) != 3 or header[1] != b"blob":
            continue  # "<id> missing": skip it
        size = int(header[2])
        text = normalized(out[at:at + size])
        at += size + 1
        if text_hash(text) == wanted:
            return text
    return None
