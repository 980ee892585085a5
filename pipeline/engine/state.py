"""Engine state documents: small named records in the state database (``engine.store``).

A document is one row of its kind, tied to the fingerprint of the code (or settings) that
wrote it and decoded into a declared shape: one of other code, of the wrong shape, or
missing reads as ``{}`` and the caller starts afresh. Large state (sources, units) uses the
store's rows directly, one per item, so it can be read in part.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.core.jsontypes import JSONObject, JSONValue
from pipeline.engine import store

DOCUMENT = "document"


def read_state(cache: Path, name: str, code_fp: str,
               # Any: a TypedDict class or a dict[...] form, which type[...] does not name
               shape: Any = JSONObject) -> JSONObject:
    """The document ``name`` of the cache folder ``cache`` when it has ``shape`` (a
    ``TypedDict`` or mapping type), else ``{}``."""
    found = store.of(cache).get(DOCUMENT, name, code_fp, shape)
    return found if isinstance(found, dict) else {}


def write_state(cache: Path, name: str, code_fp: str, data: JSONValue) -> None:
    """Write the document (in the run's transaction when one is open)."""
    store.of(cache).put(DOCUMENT, name, code_fp, data)


def forget_state(cache: Path, name: str) -> None:
    store.of(cache).delete(DOCUMENT, [name])
