"""Guards for the content tree: what may be read, and how a path is shown.

Only regular files inside the (real) content folder are read. A symlink that leaves it or
loops, a FIFO, socket or device, and a name that is not UTF-8 are located findings, never
a hang or a traceback. Codes: FM006 symlink leaving the tree or looping, FM008 not a
regular file, FM009 file or folder name not valid UTF-8.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from pipeline.content.parsing import err
from pipeline.core.model import Finding
from pipeline.core.safe_read import kind_of


def shown(path: Path | str, root: Path) -> str:
    """``path`` relative to ``root`` when inside it, printable even for non-UTF-8 names."""
    try:
        text = Path(path).relative_to(root).as_posix()
    except ValueError:
        text = Path(path).as_posix()
    return printable(text)


def printable(text: str) -> str:
    """Undecodable bytes of a file name (surrogate escapes) as ``\\xNN``."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def is_utf8_name(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def real_inside(path: Path, folder: Path) -> bool | None:
    """Whether ``path`` resolves to ``folder`` or below it; ``None`` for a loop or dangling link."""
    try:
        real = Path(os.path.realpath(path, strict=True))
    except (OSError, RuntimeError):
        return None
    return real == folder or folder in real.parents


def root_problem(folder: Path, root: Path, label: str, what: str) -> Finding | None:
    """A ``[paths]`` folder (resolved, symlinks followed) must stay inside the project."""
    root_real = Path(os.path.realpath(root))
    real = Path(os.path.realpath(folder))
    if real == root_real or root_real in real.parents:
        return None
    return err(printable(label), 1, "FM006", f"the {what} folder resolves to "
               f"{printable(str(real))}, outside the project", "keep the folder (and any "
               "symlink to it) inside the project root")


def symlink_problem(path: Path, content_real: Path, root: Path) -> Finding | None:
    """A symlink (file or folder) must resolve inside the content tree and not loop."""
    if not path.is_symlink():
        return None
    inside = real_inside(path, content_real)
    if inside:
        return None
    why = ("is a symlink loop or points to nothing" if inside is None
           else "is a symlink pointing outside the content tree")
    return err(shown(path, root), 1, "FM006", f"{why}; ignored",
               "copy the file or folder into the tree instead")


def kind_problem(path: Path, root: Path) -> Finding | None:
    """Anything but a regular file (after following symlinks) is refused, without opening it."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return err(shown(path, root), 1, "FM001", f"cannot read file: {exc.strerror or exc}")
    if stat.S_ISREG(mode):
        return None
    kind = kind_of(mode)
    return err(shown(path, root), 1, "FM008", f"is {kind}, not a regular file; ignored",
               "only Markdown files belong in the content tree")


def name_problem(path: Path, root: Path) -> Finding | None:
    if is_utf8_name(path.name):
        return None
    return err(shown(path, root), 1, "FM009", "file or folder name is not valid UTF-8; ignored",
               "rename it (e.g. with convmv) to UTF-8")
