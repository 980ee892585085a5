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


def check(files: Sequence[Path], warnings: bool = False) -> dict[Path, list[NuMessage]]:
    """Messages per file (every file present, an empty list when it is valid)."""
    result: dict[Path, list[NuMessage]] = defaultdict(list)
    if not files:
        return {}
    command = [need("java"), "-Xss8m", "-jar", str(node_package(VNU_JAR)), "--format", "json",
               "--exit-zero-always", *([] if warnings else ["--errors-only"]),
               *(str(f) for f in files)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    report = json.loads(done.stderr or done.stdout or '{"messages": []}')
    by_name = {f.resolve(): f for f in files}
    for item in report.get("messages", []):
        path = by_name.get(Path(unquote(urlsplit(item.get("url", "")).path)).resolve())
        kind = "warning" if item.get("subType") == "warning" else item.get("type", "error")
        if path is None or (kind != "error" and not warnings):
            continue
        result[path].append(NuMessage(kind, int(item.get("lastLine", 0)), item.get("message", ""),
                                      item.get("extract", "")))
    return {f: result.get(f, []) for f in files}
