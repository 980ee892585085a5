"""Which units must run again, and the results of all of them, for one run.

A unit's fingerprint covers everything its outputs are made from: the code, the
``site.toml`` sections pages read, the UI catalogs, each member article's path, locale and
source hash, and the state (size and modification time, or absence) of every image the
unit looked up last time. A unit is reused when its fingerprint is the recorded one and
the output folder still holds the files it made, byte for byte (by hash); otherwise it
runs again. Results are rows of the state database (one per unit, ``engine.store``, only
changed ones written); metadata lines are kept as byte ranges of the published
``reports/metadata.jsonl``.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar, cast

import msgspec

from pipeline.content.records import finding_of
from pipeline.core import urls
from pipeline.core.jsontypes import JSONObject, JSONValue
from pipeline.core.model import Article, Finding, Site
from pipeline.engine import fingerprint, resident, store
from pipeline.engine.executors import Executor
from pipeline.engine.options import RunOptions
from pipeline.engine.outputs import Outputs, run_outputs
from pipeline.engine.progress import progress
from pipeline.engine.shapes import UnitRow, UnitsDoc
from pipeline.engine.state import read_state, write_state
from pipeline.engine.units import PARTS, Job, default_workers, run_units
from pipeline.render import catalogs, related

T = TypeVar("T")
KIND = "unit"  # one state row per translation group
PART_KIND = "part/"  # + a part's name: one state row per article, its JSON (units.PARTS)
STATE_NAME = "units"
METADATA_FILE = "metadata.jsonl"


def unit_fingerprint(settings_fp: str, articles: tuple[Article, ...], stamps: list[str],
                     related: JSONValue = None) -> str:
    members = [(a.source.as_posix(), a.locale, a.source_hash, a.meta.modified.isoformat())
               for a in articles]  # modified: a clock-dropped lastmod, a git date
    return fingerprint.of(settings_fp, members, stamps, related or {})


class Stamps:
    """The state of files under ``public/`` as short strings, looked up once per run."""

    def __init__(self, public: Path):
        self.public = str(public)
        self.seen: dict[str, str] = {}

    def __call__(self, ref: str) -> str:
        if ref not in self.seen:
            relative = urls.asset_path(ref)
            if relative is None or ".." in relative.split("/"):
                self.seen[ref] = "external" if relative is None else "outside"
            else:
                try:
                    st = os.stat(os.path.join(self.public, relative))
                    kind = "f" if stat.S_ISREG(st.st_mode) else "o"
                    self.seen[ref] = f"{kind}:{st.st_size}:{st.st_mtime_ns}"
                except OSError:
                    self.seen[ref] = "missing"
        return self.seen[ref]


# Parts decoded in this process, by (state folder, part, source): (digest, value); a
# long-lived process (``serve --watch``) decodes only the parts an edit changed.
_DECODED: dict[tuple[str, str, str], tuple[str, object]] = {}


def part_digest(text: str | bytes) -> str:
    """What an article's row records of one of its parts (``shapes.ArticleRow``)."""
    return fingerprint.of(text if isinstance(text, bytes) else text.encode())


@dataclass
class UnitResults:
    """Per published article (by source path): its unit's results, in site order."""

    articles: dict[str, JSONObject] = field(default_factory=dict)
    metadata_lines: dict[str, bytes] = field(default_factory=dict)
    ran: int = 0
    reused: int = 0
    findings: list[Finding] = field(default_factory=list)

    site: Site | None = None
    code: str = ""  # of the unit and part rows
    # Parts made in this run (by units that ran, or made again): name -> source -> text;
    # written as rows when the run commits.
    texts: dict[str, dict[str, str]] = field(default_factory=dict)

    def findings_of(self, kind: str) -> list[Finding]:
        return [finding_of(f) for result in self.articles.values() for f in result[kind]]

    def part(self, name: str, shape: type[T],
             sources: Iterable[str] | None = None) -> dict[str, T]:
        """The ``name`` part of each article (of ``sources``; default: all), decoded into
        ``shape`` by the one stage that reads it: made in this run, or read from its own
        row (kind ``part/<name>``) when that row's digest is the one the article's row
        records. A part missing, damaged or of another digest is made again from its
        article: it costs time, never a wrong report."""
        wanted = list(self.articles if sources is None else sources)
        made = self.texts.setdefault(name, {})
        cache = self.site.settings.path("cache") if self.site is not None else None
        where = str(cache or "")
        found: dict[str, T] = {}
        todo: list[str] = []
        keeping = resident.keeping()
        for source in wanted:
            digest = self.articles[source].get(name)
            held = _DECODED.get((where, name, source)) if keeping else None
            if source not in made and held is not None and held[0] == digest \
                    and isinstance(held[1], dict):
                found[source] = cast(T, held[1])
            else:
                todo.append(source)
        decoder = msgspec.json.Decoder(shape)
        stored = {} if cache is None else store.of(cache).raw(
            PART_KIND + name, [s for s in todo if s not in made], self.code)
        articles: dict[str, Article] = {}
        for source in todo:
            text: str | bytes | None = made.get(source, stored.get(source))
            value = None
            if text is not None and (source in made or
                                     part_digest(text) == self.articles[source].get(name)):
                with contextlib.suppress(msgspec.ValidationError, msgspec.DecodeError):
                    value = decoder.decode(text)
            if value is None:
                site = self.site
                if site is None:
                    raise KeyError(f"{name} part of {source}")
                articles = articles or {a.source.as_posix(): a for a in site.published()}
                made[source] = PARTS[name](site.settings, articles[source])
                self.articles[source][name] = part_digest(made[source])
                value = decoder.decode(made[source])
            found[source] = value
            if keeping:
                _DECODED[where, name, source] = (self.articles[source][name], value)
        return {source: found[source] for source in wanted}


@dataclass
class UnitRun:
    """The units of one run: their results for the stages, and the rows to record once
    the run has published (``save``)."""

    site: Site
    results: UnitResults
    cache: Path
    base_fp: str
    units: dict[str, UnitRow]
    old_units: dict[str, UnitRow]
    metadata_sha: str | None  # of the published metadata lines the old rows point into

    def save(self, outputs: Outputs) -> None:
        save_state(self, outputs)


def settings_fingerprint(site: Site) -> str:
    settings = site.settings
    catalog_files = [catalogs.catalog_path(settings.path("locales"), loc) for loc in site.locales]
    return fingerprint.of(fingerprint.code(), fingerprint.sections(
        settings, "site", "paths", "locales", "bundles", "metadata", "feeds", "tags",
        "analyze"),
        fingerprint.files(catalog_files), settings.root)


def unit_results(site: Site, outputs: Outputs, jobs: int = 0,
                 executor: Executor | None = None) -> UnitResults:
    """Results of every unit of ``site``, running those that changed (once per run), on
    ``executor`` (default: ``jobs`` local processes)."""
    if outputs.units is not None and outputs.units.site is site:
        return outputs.units.results
    outputs.units = _compute(site, outputs, jobs, executor)
    return outputs.units.results


@contextlib.contextmanager
def stage_units(site: Site, args: object) -> Iterator[UnitResults]:
    """The units' results for a stage that only reads them (analyze, crosscheck): in a
    build, the build's; run alone, a run of its own whose pages are not published (the
    bundles stage publishes them)."""
    run = RunOptions.of(args)
    with run_outputs(site.settings, run) as outputs:
        units = unit_results(site, outputs, run.jobs, run.executor)
        if run.outputs is None:
            outputs.discard("output")
        yield units


def _compute(site: Site, outputs: Outputs, jobs: int,
             executor: Executor | None) -> UnitRun:
    settings = site.settings
    cache = settings.path("cache")
    base_fp = settings_fingerprint(site)
    state = read_state(cache, STATE_NAME, base_fp, UnitsDoc)
    db = store.of(cache)
    old_units: dict[str, UnitRow] = {} if outputs.force else db.rows(KIND, base_fp, UnitRow)
    dist = outputs.folder("output")
    reports = outputs.folder("reports")
    old_lines = _published_lines(reports.current, state, settings.path("reports"))
    metadata_sha = state.get("metadataSha") if old_lines[0] else None
    stamps = Stamps(settings.path("public"))
    links = related.links_for(site, outputs)  # each group's lists: part of its fingerprint
    results = UnitResults(site=site, code=base_fp)
    todo: list[Job] = []
    units: dict[str, UnitRow] = {}
    order: list[str] = []
    by_key: dict[str, list[Article]] = {}
    for article in site.published():  # every published article, duplicate keys included
        by_key.setdefault(article.translation_key, []).append(article)
        order.append(article.source.as_posix())
    for key in sorted(by_key):
        members = tuple(by_key[key])
        old = old_units.get(key)
        deps = old.get("deps", []) if old else []
        fp = unit_fingerprint(base_fp, members, [stamps(d) for d in deps], links.get(key))
        if old and old.get("fp") == fp and _still_published(old, dist.current):
            units[key] = old
            results.reused += 1
            continue
        current = {}
        for article in members:
            address = urls.address(settings, article.locale, article.slug)
            for rel in (address.file, address.json_file):
                if rel in dist.current:
                    current[rel] = dist.current[rel]
        todo.append(Job(key, members, current, links.get(key)))
        units[key] = {"fp": fp, "deps": [], "articles": {}}
    with progress("rendering", len(todo)) as advance:
        for result in run_units(settings, dist.root, todo, default_workers(jobs),
                                executor):
            advance(1)
            for article in result["articles"].values():
                for rel, sha in article["shas"].items():
                    if dist.current.get(rel) != sha:
                        dist.touch(rel, sha)
            _record(result, units, results)
    for job in todo:  # the fingerprint covers the images this run looked up
        unit = units[job.key]
        unit["fp"] = unit_fingerprint(base_fp, job.articles, [stamps(d) for d in unit["deps"]],
                                      job.related)
    _collect(units, results, order, old_lines)
    return UnitRun(site, results, cache, base_fp, units, old_units, metadata_sha)


def _record(result: JSONObject, units: JSONObject, results: UnitResults) -> None:
    """A unit that ran: its row, and the parts it made (the row keeps their digests)."""
    unit = units[result["key"]]
    unit["deps"] = result["deps"]
    unit["articles"] = result["articles"]
    for source, article in result["articles"].items():
        results.metadata_lines[source] = article.pop("metadata").encode() + b"\n"
        for name in PARTS:
            text = article[name]
            results.texts.setdefault(name, {})[source] = text
            article[name] = part_digest(text)
    results.ran += 1


def _collect(units: JSONObject, results: UnitResults, order: list[str],
             old_lines: tuple[bool, bytes]) -> None:
    """Every article's results in site order; metadata lines of reused units from the
    published ``metadata.jsonl`` where the state says where they are."""
    for unit in units.values():
        for source, article in unit.get("articles", {}).items():
            results.articles[source] = article
            if source not in results.metadata_lines and old_lines[0] and "line" in article:
                start, end = article["line"]
                results.metadata_lines[source] = old_lines[1][start:end]
    results.articles = {s: results.articles[s] for s in order if s in results.articles}


def save_state(run: UnitRun, outputs: Outputs) -> None:
    """Record the units of this run (after the run published what they made); metadata
    lines by their byte ranges in the ``reports/metadata.jsonl`` the run published."""
    cache, base_fp, units, old_units = run.cache, run.base_fp, run.units, run.old_units
    metadata_offsets, metadata_sha = outputs.metadata_lines or (None, None)
    if outputs.published.get("reports") is None:
        metadata_offsets, metadata_sha = None, None
    changed = {k: u for k, u in units.items() if old_units.get(k) is not u}
    for key, unit in units.items():
        for source, article in unit.get("articles", {}).items():
            if metadata_offsets is not None and source in metadata_offsets:
                line = list(metadata_offsets[source])
                if article.get("line") != line:
                    article["line"] = line
                    changed[key] = unit
    if metadata_sha is None:
        metadata_sha = run.metadata_sha
    everything = len(changed) == len(units)
    gone = {source for unit in old_units.values() for source in unit.get("articles", {})} \
        - {source for unit in units.values() for source in unit.get("articles", {})}
    db = store.of(cache)
    with db.transaction():  # only the rows that changed; those of gone groups dropped
        db.put_many(KIND, base_fp, changed, replace_all=everything)
        for name, texts in run.results.texts.items():
            db.put_raw(PART_KIND + name, base_fp, {s: t.encode() for s, t in texts.items()},
                       replace_all=everything)
            if not everything:
                db.delete(PART_KIND + name, gone)
        if not everything:
            db.delete(KIND, set(old_units) - set(units))
        write_state(cache, STATE_NAME, base_fp, {"metadataSha": metadata_sha})


def _published_lines(reports: dict[str, str], state: JSONObject,
                     folder: Path) -> tuple[bool, bytes]:
    """The published metadata lines when they are the ones the state points into."""
    sha = state.get("metadataSha")
    if not sha or reports.get(METADATA_FILE) != sha:
        return False, b""
    try:
        return True, (folder / METADATA_FILE).read_bytes()
    except OSError:
        return False, b""


def _still_published(unit: UnitRow, dist: dict[str, str]) -> bool:
    """The output folder still holds every file the unit made, byte for byte."""
    articles = unit.get("articles")
    if not isinstance(articles, dict):
        return False
    return all(dist.get(rel) == sha for article in articles.values()
               for rel, sha in article["shas"].items())
