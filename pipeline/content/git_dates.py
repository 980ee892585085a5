"""``[build] lastmod = "git"``: each article's ``lastmod`` is the author date of the last
commit that touched its source file.

One ``git log`` pass over the content folder reads every date at once (newest commit
first, the first date seen for a path is its last change); a file that is not committed,
a folder that is not a repository, or no ``git`` at all leaves the front matter as it is.
The date is never earlier than the article's ``date``. Dates are read on every load
(outside the per-file caches) and are part of each unit's fingerprint through the
article's ``modified`` date; ``stamp`` (HEAD and the index) is part of the no-change
stamp, so a commit alone rebuilds what its dates change.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from pipeline.core.model import Article
from pipeline.core.settings import Settings

GIT_TIMEOUT = 120.0  # seconds for the one log pass


def enabled(settings: Settings) -> bool:
    return settings.build.lastmod == "git"


def _git(args: list[str], cwd: Path) -> bytes | None:
    git = shutil.which("git")
    if git is None or not cwd.is_dir():
        return None
    try:
        done = subprocess.run([git, *args], cwd=cwd, capture_output=True, check=False,
                              timeout=GIT_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def author_dates(folder: Path) -> dict[str, datetime]:
    """Path (relative to ``folder``, POSIX) -> author date of its last commit; {} when
    ``folder`` is in no repository."""
    out = _git(["-c", "core.quotepath=off", "log", "--relative", "--no-renames",
                "--format=%x01%aI", "--name-only", "-z", "--", "."], folder)
    dates: dict[str, datetime] = {}
    if not out:
        return dates
    current: datetime | None = None
    for token in out.decode("utf-8", "surrogateescape").split("\0"):
        token = token.lstrip("\n")
        if token.startswith("\x01"):
            try:
                current = datetime.fromisoformat(token[1:])
            except ValueError:
                current = None
        elif token and current is not None:
            dates.setdefault(token, current)
    return dates


def apply(articles: Iterable[Article], settings: Settings) -> list[Article]:
    """Articles whose ``lastmod`` is their source's last commit date (never before
    ``date``); uncommitted files keep their front matter."""
    content = settings.path("content")
    dates = author_dates(content)
    result = []
    for article in articles:
        try:
            rel = (settings.root / article.source).relative_to(content).as_posix()
        except ValueError:
            rel = ""
        when = dates.get(rel)
        if when is not None:
            article = replace(article, meta=replace(article.meta,
                                                    lastmod=max(when, article.meta.date)))
        result.append(article)
    return result


def stamp(settings: Settings) -> str:
    """What a commit changes (HEAD and the index) when dates come from git, else ''."""
    if not enabled(settings):
        return ""
    head = _git(["rev-parse", "HEAD"], settings.path("content")) or b""
    return head.decode("ascii", "replace").strip()
