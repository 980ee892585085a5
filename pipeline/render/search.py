"""Site search per locale with Pagefind: a search page in each language and its index.

Article pages mark their text with ``data-pagefind-body`` (table of contents, tags,
translation and related lists with ``data-pagefind-ignore``); Pagefind splits the index
by the pages' ``<html lang>``, so each locale's search page (``/<locale>/search/``,
localized, right-to-left where the locale is) finds that locale's articles. The index
is built during the build from the article pages only (hard links in a scratch folder of
the cache, so a file the run drops is never indexed) into ``pagefind/`` of the output
folder, by the binary the ``pagefind-bin`` package ships (no download, no third-party
request: the page loads the index from the same site).

Pagefind has no incremental mode, so the index is split into shards of at most
``SHARD_PAGES`` article pages (by a hash of the page path; ``shards``), each made on its
own and merged by the search page: a shard is made again only when one of its pages
changed (its fingerprint is the list of its pages and their hashes) and kept otherwise.
Its output is byte-stable for the same pages except one file: ``pagefind-entry.json``
lists the languages in hash-map order, which changes between runs; it is written back
with sorted keys (the browser looks languages up by name), so an incremental build
equals a clean one. Code BN401: Pagefind is missing or failed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

import orjson

from pipeline.core import urls
from pipeline.core.jsontypes import JSONObject
from pipeline.core.model import Finding, Severity
from pipeline.core.settings import CONFIG_NAME, Settings
from pipeline.engine import fingerprint
from pipeline.engine.outputs import FolderRun
from pipeline.engine.paths import is_safe

BUNDLE = "pagefind"  # folder of the index in the output folder
ENTRY = "pagefind-entry.json"  # the one file Pagefind writes in varying order
SCRATCH = "search-"  # prefix of the scratch folder in the cache folder
SHARD_PAGES = 2000  # article pages per index shard at most (each shard is made on its own)
TIMEOUT = 900.0  # seconds for one Pagefind run
# Pagefind's own UI bundles; the search page uses its small script instead.
UNUSED = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.",
          "pagefind-highlight.")


def page_file(locale: str) -> str:
    return f"{locale}/search/index.html"


def page_href(settings: Settings, locale: str) -> str:
    return urls.site_href(settings, f"/{locale}/search/")


def page_url(settings: Settings, locale: str) -> str:
    return urls.site_url(settings, f"/{locale}/search/")


def bundle_href(settings: Settings) -> str:
    return urls.site_href(settings, f"/{BUNDLE}/")


def executable() -> Path | None:
    """The Pagefind binary of the installed ``pagefind-bin`` package, if any."""
    try:
        from pagefind_bin import get_executable  # type: ignore[import-not-found,import-untyped,unused-ignore]  # ships no type hints
    except ImportError:
        return None
    try:
        return Path(get_executable())
    except (FileNotFoundError, OSError):
        return None


def shard_count(pages: int) -> int:
    """Index shards for ``pages`` article pages: 1 up to ``SHARD_PAGES``, else the power of
    two that keeps shards at most that size (it changes only when the site doubles)."""
    count = 1
    while pages > count * SHARD_PAGES:
        count *= 2
    return count


def shards(articles: Iterable[str]) -> dict[str, list[str]]:
    """Article page paths by the output folder of their shard's index: a page's shard is
    a hash of its path, so an edit re-indexes one shard; the first non-empty shard is the
    main bundle (``pagefind/``), the others ``pagefind/part-N/``, merged by the page."""
    pages = sorted(articles)
    count = shard_count(len(pages))
    groups: dict[int, list[str]] = {}
    for rel in pages:
        digest = hashlib.blake2b(rel.encode(), digest_size=8).digest()
        groups.setdefault(int.from_bytes(digest, "big") % count, []).append(rel)
    return {(BUNDLE if i == 0 else f"{BUNDLE}/part-{n}"): groups[n]
            for i, n in enumerate(sorted(groups))}


def merged_hrefs(settings: Settings, articles: Iterable[str]) -> list[str]:
    """Where the search page finds the shards other than the main bundle."""
    return [urls.site_href(settings, f"/{folder}/") for folder in shards(articles)
            if folder != BUNDLE]


def recorded_files(state: JSONObject) -> set[str]:
    """The index files the run that wrote ``state`` published (to drop those not made
    again, even when the output's manifest is gone)."""
    shards = state.get("shards")
    if not isinstance(shards, dict):
        return set()
    return {rel for shard in shards.values() if isinstance(shard, dict)
            and isinstance(shard.get("files"), dict) for rel in shard["files"]
            if isinstance(rel, str) and is_safe(rel)}


def publish_index(settings: Settings, dist: FolderRun, owners: dict[str, str],
                  articles: set[str], state: JSONObject) -> list[Finding]:
    """The Pagefind index of the article pages (``articles``: their output paths), one
    index per shard; a shard is reused when none of its pages changed since the run
    ``state`` (the search state, updated here) records."""
    old: JSONObject = state.get("shards") or {}
    made: JSONObject = {}
    todo: list[tuple[str, list[tuple[str, str]], str]] = []
    for folder, rels in shards(articles).items():
        pages = [(rel, dist.files[rel]) for rel in rels]
        fp = fingerprint.of(fingerprint.code(), folder, pages)
        kept = old.get(folder)
        if isinstance(kept, dict) and kept.get("fp") == fp and kept.get("files") and all(
                dist.current.get(rel) == sha for rel, sha in kept["files"].items()):
            for rel, sha in kept["files"].items():
                dist.written(rel, sha)
                owners[rel] = "search index"
            made[folder] = kept
        else:
            todo.append((folder, pages, fp))
    binary = executable() if todo else None
    for folder, pages, fp in todo:
        if binary is None:
            return [Finding(CONFIG_NAME, 1, 1, "BN401", Severity.ERROR,
                            "search needs Pagefind, which is not installed",
                            "pip install pagefind-bin, or set [bundles] search = false")]
        files, problem = _index(settings, dist, folder, pages, binary)
        if problem:
            return [Finding(CONFIG_NAME, 1, 1, "BN401", Severity.ERROR,
                            f"Pagefind failed: {problem[:500]}",
                            "set [bundles] search = false to build without search")]
        owners.update((rel, "search index") for rel in files)
        made[folder] = {"fp": fp, "files": files}
    state.clear()
    state["shards"] = made
    return []


def _index(settings: Settings, dist: FolderRun, folder: str, pages: list[tuple[str, str]],
           binary: Path) -> tuple[dict[str, str], str]:
    """One shard's index into ``folder`` of the output folder: its files and hashes, or
    what went wrong."""
    cache = settings.path("cache")
    cache.mkdir(parents=True, exist_ok=True)
    for stale in cache.glob(f"{SCRATCH}*"):  # a killed run's (the build lock is held)
        shutil.rmtree(stale, ignore_errors=True)
    with tempfile.TemporaryDirectory(dir=cache, prefix=SCRATCH) as scratch:
        site, out = Path(scratch) / "site", Path(scratch) / "out"
        for rel, _ in pages:
            target = site / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(dist.root / rel, target)
            except OSError:
                shutil.copyfile(dist.root / rel, target)
        problem = _run(binary, site, out)
        if problem:
            return {}, problem
        files = {}
        for path in sorted(out.rglob("*")):
            if path.is_file() and not path.name.startswith(UNUSED):
                rel = f"{folder}/{path.relative_to(out).as_posix()}"
                data = path.read_bytes()
                if path.name == ENTRY:
                    data = orjson.dumps(orjson.loads(data), option=orjson.OPT_SORT_KEYS)
                files[rel] = dist.put(rel, data)
    return files, ""


def _run(binary: Path, site: Path, out: Path) -> str:
    """Run Pagefind over ``site`` into ``out``; what went wrong, or ''."""
    try:
        done = subprocess.run([str(binary), "--site", str(site), "--output-path", str(out),
                               "--silent"], capture_output=True, text=True,
                              timeout=TIMEOUT, check=False, cwd=site.parent)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc).replace(str(site.parent), "<scratch>")
    if done.returncode:
        text = done.stderr.strip() or done.stdout.strip() or f"exit status {done.returncode}"
        return text.replace(str(site.parent), "<scratch>")
    return "" if (out / ENTRY).is_file() else "no index written"
