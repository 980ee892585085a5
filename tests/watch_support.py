"""``seo-pipeline serve --watch`` as a real subprocess on a copy of the bundled project."""

from __future__ import annotations

import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from sitetree import REPO

SERVING = re.compile(r"^serving .* at (http://127\.0\.0\.1:(\d+))/")


def copy_project(root: Path) -> Path:
    """The bundled project (content, public files, catalogs, site.toml) under ``root``."""
    for name in ("content", "public"):  # UI catalogs: the package's defaults
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("*.mo"))
    shutil.copy2(REPO / "site.toml", root / "site.toml")
    return root


class WatchServer:
    """``serve --watch`` on ``root``; ``base`` once it serves, every output line kept."""

    def __init__(self, root: Path, port: int = 0, timeout: float = 60.0):
        self.root = root
        self.lines: list[str] = []
        self._new: queue.Queue[str] = queue.Queue()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "serve", "--watch", "--root", str(root),
             "--port", str(port)],
            cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8")
        threading.Thread(target=self._read, daemon=True).start()
        match = self.wait_for(SERVING, timeout)
        self.base, self.port = match.group(1), int(match.group(2))

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            self._new.put(self.lines[-1])

    def wait_for(self, pattern: re.Pattern[str], timeout: float) -> re.Match[str]:
        """The next output line matching ``pattern``."""
        end = time.monotonic() + timeout
        while (left := end - time.monotonic()) > 0:
            try:
                line = self._new.get(timeout=left)
            except queue.Empty:
                break
            if match := pattern.search(line):
                return match
        raise AssertionError(f"no {pattern.pattern!r} in the output:\n" + "\n".join(self.lines))

    def stop(self) -> int:
        self.process.terminate()
        return self.process.wait(timeout=10)


def read_event(lines: Iterator[str]) -> list[str]:
    """The lines of the next event (comments and ``retry`` left out)."""
    event: list[str] = []
    for line in lines:
        if line == "" and event:
            return event
        if line and not line.startswith(":") and not line.startswith("retry:"):
            event.append(line)
    raise AssertionError("the stream ended")
