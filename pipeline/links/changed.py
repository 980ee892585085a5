"""Which articles to check: ``--files PATH...`` or ``--changed-since REF`` (git).

Only the links of the selected articles are checked; internal links still resolve
against the whole site. A REF git does not know, or a project outside a git work tree,
is a usage error (exit 2).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from pipeline.core.model import Article, Finding, Severity
from pipeline.core.settings import ConfigError


def changed_since(root: Path, ref: str) -> set[str]:
    """Paths (relative to ``root``) changed since ``ref`` forked off: committed, staged,
    unstaged or new (so changes made on ``ref`` since then are not counted, as in a
    pull request's diff)."""
    base = _git(root, "merge-base", ref, "HEAD").strip()
    diff = _git(root, "diff", "--relative", "--name-only", "-z", base, "--")
    new = _git(root, "ls-files", "--others", "--exclude-standard", "-z")
    return {p for p in (diff + new).split("\0") if p}


def named(root: Path, files: list[str]) -> set[str]:
    """``--files`` arguments as paths relative to ``root`` (given relative to the cwd)."""
    out = set()
    for name in files:
        path = Path(os.path.abspath(name))
        try:
            out.add(path.relative_to(root.resolve()).as_posix())
        except ValueError:
            out.add(Path(name).as_posix())
    return out


def select(articles: tuple[Article, ...], paths: set[str]) -> list[Article]:
    return [a for a in articles if a.source.as_posix() in paths]


def _git(root: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                              timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise _usage(f"git could not run: {exc}") from None
    if done.returncode != 0:
        raise _usage(f"git {args[0]} failed: {done.stderr.strip() or done.returncode}")
    return done.stdout


def _usage(message: str) -> ConfigError:
    return ConfigError([Finding("--changed-since", 1, 1, "LNK050", Severity.ERROR, message,
                                "give a commit, branch or tag git knows (fetch it first)")])
