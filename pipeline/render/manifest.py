"""The output folder's ``manifest.json``: every article and every file the bundles stage
wrote, with its SHA-256; and the last published one, read once per build.

The last manifest serves two readers: the bundles stage (the files it made before, so
the ones it no longer makes are dropped) and the disappeared-URL detector
(``redirects.detect``: the articles it listed, by URL). Both take them from one
``Previous``, parsed once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import orjson

from pipeline.core.fsutil import dumps_json_bytes
from pipeline.core.jsontypes import JSONObject
from pipeline.core.output_names import MANIFEST_FILE
from pipeline.engine.outputs import FolderRun

MANIFEST_SCHEMA = "seo-pipeline/bundles-manifest/1"
_PLAIN = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE


@dataclass
class Previous:
    """The last published manifest: the files it listed (with itself) and its articles by
    URL (each with ``_folder``, the published folder, to read its old JSON); both empty
    when there is none or it does not read."""

    files: set[str] = field(default_factory=set)
    bundles: dict[str, JSONObject] = field(default_factory=dict)


def read_previous(dist: FolderRun) -> Previous:
    """The last published manifest of the output folder ``dist``."""
    if MANIFEST_FILE not in dist.current:
        return Previous()
    folder = dist.publication.folder.target
    try:
        data = orjson.loads((folder / MANIFEST_FILE).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return Previous()
    files = data.get("files") if isinstance(data, dict) else None
    found = ({str(k) for k in files} | {MANIFEST_FILE}) if isinstance(files, dict) else set()
    try:
        items = data["bundles"]
        bundles = {str(b["url"]): b for b in items if isinstance(b, dict) and "url" in b}
    except (KeyError, TypeError):
        bundles = {}
    for bundle in bundles.values():
        bundle["_folder"] = folder
    return Previous(found, bundles)


def manifest_bytes(bundles: list[dict[str, str]], files: dict[str, str]) -> bytes:
    """The manifest as ``core.fsutil.dumps_json_bytes`` writes it. The caller builds every
    value as a plain ``str`` (locale, slug, key, URL, paths, hashes), which orjson writes
    as the json module does, so its value-by-value check is not needed; a string orjson
    refuses (a lone surrogate) goes to ``dumps_json_bytes`` as before."""
    data = {"schema": MANIFEST_SCHEMA, "bundles": bundles, "files": files}
    try:
        return orjson.dumps(data, option=_PLAIN)
    except orjson.JSONEncodeError:
        return dumps_json_bytes(data)
