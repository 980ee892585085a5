"""Sitemaps stage: per-locale hreflang sitemaps, the index, and ``robots.txt``.

Reads the loaded site; writes ``sitemap/sitemap-<locale>-<n>.xml[.gz]`` and
``sitemap/sitemap_index.xml`` plus the same index as ``sitemap.xml`` (the whole folder
replaced at once), copies them to the site output's root, and writes ``robots.txt``
there with an absolute ``Sitemap:`` line.
Other files in the site output are left alone; only sitemap files of earlier runs that
this run no longer produces are removed from it. Every file written is checked against
the shipped XSDs. Codes: SM001 limits, SM002 URL too long, SM003 entry too large,
SM004 schema violation, SM005 output folders overlap. Only SM002 (the URL is left out)
is a warning; any error leaves the previous sitemaps in place.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import orjson

from pipeline.content.records import finding_of, finding_record
from pipeline.core import urls
from pipeline.core.jsontypes import JSONObject
from pipeline.core.model import Finding, Severity, Site, StageResult
from pipeline.core.settings import Settings
from pipeline.engine import fingerprint
from pipeline.engine.outputs import Outputs, run_outputs
from pipeline.engine.shapes import SitemapsDoc
from pipeline.engine.state import read_state
from pipeline.sitemaps import schema
from pipeline.sitemaps.entries import locale_entries
from pipeline.sitemaps.index import write_index
from pipeline.sitemaps.model import (
    ALIAS_NAME,
    INDEX_NAME,
    MAX_PER_FILE,
    EntryTooLarge,
    Limits,
    WrittenFile,
)
from pipeline.sitemaps.writer import write_sitemaps

PROTOCOL_MAX_BYTES = 50 * 1024 * 1024
STATE_NAME = "sitemaps"
ROBOTS = "robots.txt"
OWN_FILE = re.compile(rf"sitemap-[a-z0-9-]+-\d+\.xml(\.gz)?|{re.escape(INDEX_NAME)}|"
                      rf"{re.escape(ALIAS_NAME)}")


def run(site: Site, options: object = None) -> StageResult:
    settings = site.settings
    findings = _check_settings(site)
    if findings:
        return StageResult("sitemaps", findings)
    with run_outputs(settings, options) as outputs:
        fp = _inputs(site)
        cache = settings.path("cache")
        state = read_state(cache, STATE_NAME, fingerprint.code(), SitemapsDoc)
        if not outputs.force and state.get("fp") == fp and _kept(state, outputs):
            return StageResult("sitemaps", [finding_of(f) for f in state["findings"]],
                               outputs=_listing(settings, state["names"]), data=state["data"])
        with tempfile.TemporaryDirectory(prefix=".sitemaps-",
                                         dir=_parent(settings.path("cache"))) as tmp:
            staging = Path(tmp)
            files = _write_all(site, staging, findings)
            if any(f.is_error for f in findings):
                return StageResult("sitemaps", findings)
            names = _publish(site, staging, outputs)
        data = {"index": urls.site_url(settings, INDEX_NAME) if files else None,
                "urls": sum(f.urls for f in files),
                "files": [{"name": f.path.name, "urls": f.urls, "bytes": f.size}
                          for f in files]}
        record = {"fp": fp, "names": names, "data": data,
                  "findings": [finding_record(f) for f in findings],
                  "sitemap": {n: outputs.folder("sitemap").files[n] for n in names},
                  "output": {n: outputs.folder("output").files[n] for n in [*names, ROBOTS]}}
        outputs.record(STATE_NAME, fingerprint.code(), record)
    return StageResult("sitemaps", findings, outputs=_listing(settings, names), data=data)


def _inputs(site: Site) -> str:
    """Everything the sitemaps show: per published article its locale, slug, translation
    key, dates, cover and tags (alternates follow from the keys; list pages from the
    dates, tags and ``per_page``), plus the settings."""
    rows = [(a.locale, a.slug, a.translation_key, a.meta.modified.isoformat(),
             a.meta.date.isoformat(), a.meta.cover_image, a.meta.tags)
            for a in site.published()]
    return fingerprint.of(fingerprint.sections(site.settings, "site", "locales", "sitemaps",
                                               "paths", "bundles", "tags"),
                          orjson.dumps(rows))


def _kept(state: JSONObject, outputs: Outputs) -> bool:
    """True when the folders still hold what the recorded run published; then kept."""
    folder, dist = outputs.folder("sitemap"), outputs.folder("output")
    wanted = (("sitemap", folder, state.get("sitemap")), ("output", dist, state.get("output")))
    if any(not isinstance(files, dict) or any(run.current.get(n) != sha
                                               for n, sha in files.items())
           for _, run, files in wanted):
        return False
    outputs.replace("sitemap", "sitemaps", set(folder.current))
    outputs.replace("output", "sitemaps", set())
    for _, run, files in wanted:
        for name, sha in (files or {}).items():
            run.written(name, sha)
    return True


def _listing(settings: Settings, names: list[str]) -> list[Path]:
    target, output = settings.path("sitemap"), settings.path("output")
    return [target / n for n in names] + [output / n for n in names] + [output / ROBOTS]


def _parent(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    return target.parent


def _config_error(message: str, code: str = "SM001", hint: str = "") -> Finding:
    return Finding("site.toml", 1, 1, code, Severity.ERROR, message, hint)


def _check_settings(site: Site) -> list[Finding]:
    settings = site.settings
    limits = settings.sitemaps
    findings = []
    if not 1 <= limits.max_urls <= MAX_PER_FILE:
        findings.append(_config_error(f"sitemaps.max_urls must be 1-{MAX_PER_FILE}, got "
                                      f"{limits.max_urls}", hint="the protocol allows 50,000"))
    if not 1024 <= limits.max_bytes <= PROTOCOL_MAX_BYTES:
        findings.append(_config_error(f"sitemaps.max_bytes must be 1024-{PROTOCOL_MAX_BYTES}, "
                                      f"got {limits.max_bytes}", hint="the protocol allows 50 MiB"))
    target, root = settings.path("sitemap"), settings.root.resolve()
    guarded = {root, settings.path("output"), settings.path("content"), settings.path("public")}
    if target in guarded or target in root.parents:
        findings.append(_config_error(f"paths.sitemap ({target}) must be a folder of its own: "
                                      "it is replaced as a whole on every run", "SM005",
                                      "use e.g. paths.sitemap = \"sitemap\""))
    return findings


def _write_all(site: Site, staging: Path, findings: list[Finding]) -> list[WrittenFile]:
    settings = site.settings
    limits = Limits(settings.sitemaps.max_urls, settings.sitemaps.max_bytes,
                    settings.sitemaps.gzip)
    files: list[WrittenFile] = []
    for locale in site.locales:
        try:
            files += write_sitemaps(locale_entries(site, locale.code, findings), staging,
                                    f"sitemap-{locale.code}", limits)
        except EntryTooLarge as exc:
            findings.append(_config_error(str(exc), "SM003", "raise sitemaps.max_bytes"))
            return files
    if len(files) > MAX_PER_FILE:
        findings.append(_config_error(f"{len(files)} sitemap files, over the {MAX_PER_FILE} an "
                                      "index may list", "SM001", "raise sitemaps.max_urls"))
        return files
    if files:
        index = write_index(staging / INDEX_NAME,
                            [(urls.site_url(settings, f.path.name), f.lastmod) for f in files])
        shutil.copyfile(index, staging / ALIAS_NAME)
    for path in sorted(staging.iterdir()):
        findings += [Finding(f"{settings.paths.sitemap}/{path.name}", int(line or 1), 1,
                             "SM004", Severity.ERROR, f"schema: {message}")
                     for line, _, message in (e.partition(": ") for e in schema.check(path))]
    return files


def _publish(site: Site, staging: Path, outputs: Outputs) -> list[str]:
    """The sitemap folder as a whole; the same files and ``robots.txt`` at the root of the
    site output, replacing the sitemap files of the last run there. Returns the names."""
    settings = site.settings
    folder = outputs.replace("sitemap", "sitemaps", set(outputs.folder("sitemap").current))
    dist = outputs.folder("output")
    dist = outputs.replace("output", "sitemaps", {rel for rel in dist.current
                                                 if OWN_FILE.fullmatch(rel) or rel == ROBOTS})
    names = sorted(p.name for p in staging.iterdir())
    for name in names:
        data = (staging / name).read_bytes()
        folder.put(name, data)
        dist.put(name, data)
    robots = ["User-agent: *", "Allow: /", ""]
    if INDEX_NAME in names:
        robots.append(f"Sitemap: {urls.site_url(settings, INDEX_NAME)}")
    dist.put(ROBOTS, ("\n".join(robots) + "\n").encode())
    return names
