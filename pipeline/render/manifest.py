"""The output folder's ``manifest.json``: every article and every file the bundles stage
wrote, with its SHA-256; and the last published one.

The last manifest serves two readers: the bundles stage (the files it made before, so
the ones it no longer makes are dropped) and the disappeared-URL detector
(``redirects.detect``: the articles it listed, by URL). Both take them from one
``Previous``. The engine state keeps, for the manifest it names by SHA-256, the digests
of its file list and URL list: when this run lists the same ones (an edit that adds,
renames and removes nothing), nothing is read; else the file is parsed once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from functools import cached_property

import orjson

from pipeline.core.fsutil import dumps_json_bytes
from pipeline.core.jsontypes import JSONObject
from pipeline.core.output_names import MANIFEST_FILE
from pipeline.engine.outputs import FolderRun

MANIFEST_SCHEMA = "seo-pipeline/bundles-manifest/1"
_PLAIN = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE


STATE = "manifest"  # the engine state document: what the last manifest listed, in brief


def listing(items: list[str]) -> str:
    """The SHA-256 of a list of paths or URLs (none holds a NUL), in order."""
    return hashlib.sha256("\0".join(items).encode()).hexdigest()


class Previous:
    """The last published manifest: the files it listed (with itself) and its articles by
    URL. When the state says it listed the files (or the URLs) this run lists, those are
    known without reading it; it is parsed, once, only when something else is asked."""

    def __init__(self, dist: FolderRun, files: set[str] | None = None,
                 urls: list[str] | None = None):
        self.dist = dist
        self.known_files = files
        self.known_urls = urls

    @cached_property
    def read(self) -> tuple[set[str], dict[str, JSONObject]]:
        """The files and articles of the manifest file (both empty when it does not read)."""
        return read_manifest(self.dist)

    @property
    def files(self) -> set[str]:
        return set(self.known_files) if self.known_files is not None else set(self.read[0])

    @property
    def bundles(self) -> Mapping[str, JSONObject]:
        """The articles by URL, in the manifest's order (``redirects.detect``)."""
        return OldBundles(self) if self.known_urls is not None else self.read[1]


class OldBundles(Mapping[str, JSONObject]):
    """The last manifest's articles by URL: its URLs known, each article read only when
    one is asked for (an URL that disappeared)."""

    def __init__(self, previous: Previous):
        self.previous = previous
        self.urls = previous.known_urls or []

    def __iter__(self) -> Iterator[str]:
        return iter(self.urls)

    def __len__(self) -> int:
        return len(self.urls)

    def __getitem__(self, url: str) -> JSONObject:
        return self.previous.read[1][url]


def previous(dist: FolderRun, state: dict[str, str], files: list[str],
             urls: list[str]) -> Previous:
    """The last manifest of the output folder ``dist``; ``state`` (the ``STATE``
    document) vouches for it only when it names the manifest published now."""
    published = dist.current.get(MANIFEST_FILE)
    if not published or state.get("manifest") != published:
        return Previous(dist)
    same_files = state.get("files") == listing(files)
    return Previous(dist, set(files) | {MANIFEST_FILE} if same_files else None,
                    urls if state.get("urls") == listing(urls) else None)


def state_of(sha: str, files: list[str], urls: list[str]) -> dict[str, str]:
    """The ``STATE`` document of a manifest whose SHA-256 is ``sha``."""
    return {"manifest": sha, "files": listing(files), "urls": listing(urls)}


def read_manifest(dist: FolderRun) -> tuple[set[str], dict[str, JSONObject]]:
    """The files (with the manifest itself) and the articles by URL (each with
    ``_folder``, the published folder, to read its old JSON) of the last published
    manifest; both empty when there is none or it does not read."""
    if MANIFEST_FILE not in dist.current:
        return set(), {}
    folder = dist.publication.folder.target
    try:
        data = orjson.loads((folder / MANIFEST_FILE).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return set(), {}
    files = data.get("files") if isinstance(data, dict) else None
    found = ({str(k) for k in files} | {MANIFEST_FILE}) if isinstance(files, dict) else set()
    try:
        items = data["bundles"]
        bundles = {str(b["url"]): b for b in items if isinstance(b, dict) and "url" in b}
    except (KeyError, TypeError):
        bundles = {}
    for bundle in bundles.values():
        bundle["_folder"] = folder
    return found, bundles


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
