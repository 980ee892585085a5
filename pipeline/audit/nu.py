"""The Nu HTML Checker (npm ``vnu-jar``) over HTML files, one Java process for all."""

from __future__ import annotations

import json
import subprocess
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pipeline.audit.tools import VNU_JAR, need, node_package


@dataclass(frozen=True, slots=True)
class NuMessage:
    """One error (or warning) of the checker at a line of a file."""

    kind: str  # "error" or "warning" ("info" with subType "warning")
    line: int
    message: str
    extract: str = ""


def check(files: Sequence[Path], warnings: bool = False,
          batch: int = 500) -> dict[Path, list[NuMessage]]:
    """Messages per file (every file present, an empty list when it is valid); one Java
    process per ``batch`` files, so a large site never exceeds the argument limit."""
    result: dict[Path, list[NuMessage]] = defaultdict(list)
    for start in range(0, len(files), batch):
        part = files[start:start + batch]
        by_name = {f.resolve(): f for f in part}
        for item in _run(part, warnings):
            path = by_name.get(Path(unquote(urlsplit(item.get("url", "")).path)).resolve())
            kind = "warning" if item.get("subType") == "warning" else item.get("type", "error")
            if path is None or (kind != "error" and not warnings):
                continue
            result[path].append(NuMessage(kind, int(item.get("lastLine", 0)),
                                          item.get("message", ""), item.get("extract", "")))
    return {f: result.get(f, []) for f in files}


def _run(files: Sequence[Path], warnings: bool) -> list[dict]:
    command = [need("java"), "-Xss8m", "-jar", str(node_package(VNU_JAR)), "--format", "json",
               "--exit-zero-always", *([] if warnings else ["--errors-only"]),
               *(str(f) for f in files)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=1800, check=False)
    try:  # the report is written to stderr
        return list(json.loads(done.stderr or '{"messages": []}').get("messages", []))
    except ValueError:
        raise RuntimeError(f"the Nu HTML Checker failed: {done.stderr.strip()[-2000:]}") from None
