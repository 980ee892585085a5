"""The no-change fast path: when nothing a build reads has changed since the last build,
its reports are shown again instead of rebuilding.

The stamp covers the code, the configuration file, the size and modification time of
every file under ``content/``, ``public/`` and ``locales/``, and the identity of each
published output folder (so a deleted or replaced ``dist/`` builds again). It is taken
before the build reads anything, so a file saved during a build makes the next one run.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import orjson

from pipeline.content.assets import tree_of
from pipeline.content.records import finding_of
from pipeline.core import walk
from pipeline.core.model import StageResult
from pipeline.core.settings import Settings
from pipeline.engine import fingerprint
from pipeline.engine.publish import Stat, walk_stats
from pipeline.engine.shapes import BuildDoc
from pipeline.engine.state import forget_state, read_state, write_state

STATE_NAME = "build"
FOLDERS = ("output", "sitemap", "reports")


RACY_NS = 2_000_000_000  # a file changed this recently may change again unseen


def _tree(folder: Path, newest: list[int]) -> list[object]:
    """Every file below ``folder`` (a symlinked file followed, as a build reads it; a
    symlinked folder not walked) with its size and modification time, in ``walk`` order;
    ``newest`` keeps the latest modification or change time seen."""
    found: list[object] = []
    for entry in walk.entries(str(folder), lambda e: not e.is_symlink()):
        try:
            st = entry.stat()
        except OSError:
            continue
        found += [os.path.dirname(entry.path), entry.name, st.st_size, st.st_mtime_ns]
        newest[0] = max(newest[0], st.st_mtime_ns, st.st_ctime_ns)
    return found


def inputs(settings: Settings, config: Path, options: tuple[object, ...]) -> str | None:
    """What a build reads, taken before it reads it; None when a file changed so recently
    that its time stamp cannot tell a later change apart (then the build runs)."""
    started = time.time_ns()
    parts: list[object] = [fingerprint.code(), options, str(settings.root)]
    try:
        parts.append(config.read_bytes())
    except OSError:
        parts.append(b"")
    newest = [0]
    for name in ("content", "locales"):
        parts += _tree(settings.path(name), newest)
    tree = tree_of(settings.path("public"))
    parts += tree.stamp()
    newest[0] = max([newest[0], *(f.mtime_ns for f in tree.files.values())])
    if newest[0] >= started - RACY_NS:
        return None
    return fingerprint.of(*parts)


def outputs(settings: Settings, known: dict[str, dict[str, Stat]] | None = None) -> str:
    """What the output folders hold: which directories they are (a publish swaps them in)
    and the stat of every file in them, so a file deleted, added, replaced or edited by
    hand makes the next build run and put it right."""
    parts: list[object] = []
    for name in FOLDERS:
        try:
            st = os.stat(settings.path(name))
            parts += [st.st_dev, st.st_ino, st.st_mtime_ns]
        except OSError:
            parts.append("-")
            continue
        stats = (known or {}).get(name)  # a build that just published knows them
        if stats is None:
            stats = walk_stats(settings.path(name))
        parts.append(orjson.dumps(sorted(stats.items())))
    return fingerprint.of(*parts)


def replay(settings: Settings, current: str | None) -> list[StageResult] | None:
    """The last build's results, read back from its reports, when ``current`` (the inputs)
    and the output folders are those it left."""
    data = read_state(settings.path("cache"), STATE_NAME, fingerprint.code(), BuildDoc)
    if current is None or data.get("stamp") != current \
            or data.get("outputs") != outputs(settings) \
            or not isinstance(data.get("stages"), list):
        return None
    results = []
    for stage in data["stages"]:
        try:
            report = orjson.loads((settings.path("reports") / f"{stage}.json").read_bytes())
            findings = [finding_of([f["path"], f["line"], f["col"], f["code"], f["severity"],
                                    f["message"], f["hint"]]) for f in report["findings"]]
            result = StageResult(stage, findings, data=report.get("data", {}))
        except (OSError, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            return None
        result.run_stats["unchanged"] = True
        results.append(result)
    return results


def record(settings: Settings, current: str | None, results: list[StageResult],
           known: dict[str, dict[str, Stat]] | None = None) -> None:
    if current is None:
        forget(settings)
        return
    write_state(settings.path("cache"), STATE_NAME, fingerprint.code(),
                {"stamp": current, "outputs": outputs(settings, known),
                 "stages": [r.stage for r in results]})


def forget(settings: Settings) -> None:
    """Drop the stamp (a stage run alone changes what a build would replay)."""
    forget_state(settings.path("cache"), STATE_NAME)
