"""Site search per locale with Pagefind: a search page in each language and its index.

Article pages mark their text with ``data-pagefind-body`` (table of contents, tags,
translation and related lists with ``data-pagefind-ignore``); Pagefind splits the index
by the pages' ``<html lang>``, so each locale's search page (``/<locale>/search/``,
localized, right-to-left where the locale is) finds that locale's articles. The index
is built during the build from the article pages only (hard links in a scratch folder of
the cache, so a file the run drops is never indexed) into ``pagefind/`` of the output
folder, by the binary the ``pagefind-bin`` package ships (no download, no third-party
request: the page loads the index from the same site).

Pagefind has no incremental mode: the index is made again when an article page changed
(its fingerprint is the list of article pages and their hashes) and kept otherwise.
Its output is byte-stable for the same pages except one file: ``pagefind-entry.json``
lists the languages in hash-map order, which changes between runs; it is written back
with sorted keys (the browser looks languages up by name), so an incremental build
equals a clean one. Code BN401: Pagefind is missing or failed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import orjson

from pipeline.core import urls
from pipeline.core.model import Finding, Severity
from pipeline.core.settings import CONFIG_NAME, Settings
from pipeline.engine import fingerprint
from pipeline.engine.outputs import FolderRun

BUNDLE = "pagefind"  # folder of the index in the output folder
ENTRY = "pagefind-entry.json"  # the one file Pagefind writes in varying order
SCRATCH = "search-"  # prefix of the scratch folder in the cache folder
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
        from pagefind_bin import get_executable  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError:
        return None
    try:
        return Path(get_executable())
    except (FileNotFoundError, OSError):
        return None


def publish_index(settings: Settings, dist: FolderRun, owners: dict[str, str],
                  articles: set[str], state: dict[str, Any]) -> list[Finding]:
    """The Pagefind index of the article pages (``articles``: their output paths) into
    ``pagefind/``; reused when no article page changed since the run ``state`` (the
    search state, updated here) records."""
    pages = sorted((rel, dist.files[rel]) for rel in articles)
    fp = fingerprint.of(fingerprint.code(), pages)
    old = state.get("files")
    if state.get("fp") == fp and isinstance(old, dict) and old and all(
            dist.current.get(rel) == sha for rel, sha in old.items()):
        for rel, sha in old.items():
            dist.written(rel, sha)
            owners[rel] = "search index"
        return []
    binary = executable()
    if binary is None:
        return [Finding(CONFIG_NAME, 1, 1, "BN401", Severity.ERROR,
                        "search needs Pagefind, which is not installed",
                        "pip install pagefind-bin, or set [bundles] search = false")]
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
            return [Finding(CONFIG_NAME, 1, 1, "BN401", Severity.ERROR,
                            f"Pagefind failed: {problem[:500]}",
                            "set [bundles] search = false to build without search")]
        files = {}
        for path in sorted(out.rglob("*")):
            if path.is_file() and not path.name.startswith(UNUSED):
                rel = f"{BUNDLE}/{path.relative_to(out).as_posix()}"
                data = path.read_bytes()
                if path.name == ENTRY:
                    data = orjson.dumps(orjson.loads(data), option=orjson.OPT_SORT_KEYS)
                files[rel] = dist.put(rel, data)
                owners[rel] = "search index"
    state.clear()
    state.update({"fp": fp, "files": files})
    return []


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
