"""Engine state on disk: JSON documents that are data only, never code.

A state file carries a schema name and the fingerprint of the code that wrote it. One that
is missing, truncated, corrupt, of another schema or written by other code is ignored: the
caller starts afresh and gets an info finding saying why. Writes are atomic.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import orjson

from pipeline.core.fsutil import write_bytes
from pipeline.core.model import Finding, Severity

STATE_SCHEMA = "seo-pipeline/engine-state/1"
MAX_STATE_BYTES = 1 << 30  # a state file larger than this is not read


def read_state(path: Path, kind: str, code_fp: str, shown: str) -> tuple[dict[str, Any], list[Finding]]:
    """The ``data`` of a state file, or ``{}`` with an info finding when it is unusable."""
    try:
        if path.stat().st_size > MAX_STATE_BYTES:
            return {}, [_ignored(shown, "is too large")]
        document = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        return {}, []
    except (OSError, orjson.JSONDecodeError) as exc:
        return {}, [_ignored(shown, f"cannot be read ({type(exc).__name__})")]
    if not isinstance(document, dict) or document.get("schema") != STATE_SCHEMA \
            or document.get("kind") != kind or not isinstance(document.get("data"), dict):
        return {}, [_ignored(shown, "is not a state file of this kind")]
    if document.get("code") != code_fp:
        return {}, []  # other code wrote it: silently rebuilt, as after an upgrade
    return document["data"], []


def write_state(path: Path, kind: str, code_fp: str, data: dict[str, Any]) -> None:
    """Write atomically (temp file + rename); a read-only cache folder is not an error."""
    document = {"schema": STATE_SCHEMA, "kind": kind, "code": code_fp, "data": data}
    with contextlib.suppress(OSError):
        write_bytes(path, orjson.dumps(document), sync=False)


def _ignored(shown: str, why: str) -> Finding:
    return Finding(shown, 1, 1, "ENG001", Severity.INFO, f"cache {why}; it is rebuilt",
                   "nothing to do: the next run writes a fresh one")
