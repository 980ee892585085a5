"""The output folders of one run, published together at its end.

Stages put files into ``Outputs`` instead of writing them: ``dist/`` (the site),
``sitemap/`` and ``reports/`` are each brought up to date in a spare buffer and swapped in
one step (``publish``) when the run commits, so ``make build`` switches each folder from
the whole previous output to the whole new one. Each file has an owner (the stage that
produced it); a stage's ``replace`` drops the files it owned before and no longer makes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.core.model import Finding
from pipeline.core.settings import Settings
from pipeline.engine import store
from pipeline.engine.options import RunOptions
from pipeline.engine.publish import Publication, PublishedFolder, Stat, digest
from pipeline.engine.state import write_state

if TYPE_CHECKING:
    from pipeline.engine.incremental import UnitRun

MetadataLines = tuple[dict[str, tuple[int, int]], str]  # source -> byte range; file SHA-256


@dataclass
class FolderRun:
    """One folder during a run: what it holds, what it will hold, and who owns what."""

    publication: Publication
    files: dict[str, str] = field(default_factory=dict)  # relative path -> SHA-256

    @property
    def current(self) -> dict[str, str]:
        return self.publication.current

    @property
    def root(self) -> Path:
        return self.publication.folder.spare

    def put(self, rel: str, data: bytes) -> str:
        """Stage ``data`` at ``rel`` (written only when it differs); its SHA-256."""
        sha = digest(data)
        if self.current.get(rel) != sha:
            self.publication.writer.put(rel, data)
            self.publication.touch(rel, sha)
        self.files[rel] = sha
        return sha

    def put_copy(self, rel: str, source: Path, sha: str) -> None:
        """Stage a copy of ``source`` whose SHA-256 the caller knows."""
        if self.current.get(rel) != sha:
            self.publication.writer.copy(rel, source)
            self.publication.touch(rel, sha)
        self.files[rel] = sha

    def written(self, rel: str, sha: str) -> None:
        """Publish ``rel`` as ``sha``: a file a worker wrote into ``root`` (``touch``ed
        when its result came in) or one the folder already holds."""
        self.files[rel] = sha

    def touch(self, rel: str, sha: str) -> None:
        """A worker wrote ``rel`` into the spare (whether or not a stage publishes it)."""
        self.publication.touch(rel, sha)

    def keep(self, rels: list[str] | set[str]) -> None:
        """Carry files over unchanged (other stages' outputs)."""
        for rel in rels:
            if rel in self.current and rel not in self.files:
                self.files[rel] = self.current[rel]


@dataclass(frozen=True)
class FolderChanges:
    """Files of a folder written (new or changed), unchanged and removed by a commit."""

    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]
    stats: dict[str, Stat] = field(default_factory=dict, compare=False)  # as published

    @staticmethod
    def between(before: dict[str, str], after: dict[str, str]) -> FolderChanges:
        written = tuple(sorted(r for r, sha in after.items() if before.get(r) != sha))
        unchanged = tuple(sorted(r for r, sha in after.items() if before.get(r) == sha))
        return FolderChanges(written, unchanged, tuple(sorted(set(before) - set(after))))


class Outputs:
    """The run's output folders, opened when first used and committed together."""

    def __init__(self, settings: Settings, force: bool = False):
        self.settings = settings
        self.force = force  # trust no cache: every unit runs, every file is hashed
        self.cache = settings.path("cache")
        self.runs: dict[str, FolderRun] = {}
        self.findings: list[Finding] = []
        self.owned: dict[str, dict[str, set[str]]] = {}  # folder -> owner -> files
        self.published: dict[str, bool] = {}
        self.discarded: set[str] = set()
        # What the stages of one run share, and what the commit records (typed, no keys):
        self.units: UnitRun | None = None  # the work units' results (engine.incremental)
        self.metadata_lines: MetadataLines | None = None  # where each line of metadata.jsonl is
        self.documents: dict[str, tuple[str, object]] = {}  # state documents: name -> (code, data)
        self.changes: dict[str, FolderChanges] = {}  # what each commit did, per folder

    def folder(self, name: str) -> FolderRun:
        if name not in self.runs:
            folder = PublishedFolder(self.settings.path(name), self.cache, name)
            publication = folder.begin(trust=not self.force)
            self.findings += folder.findings
            self.runs[name] = FolderRun(publication)
        return self.runs[name]

    def replace(self, name: str, owner: str, previous: set[str]) -> FolderRun:
        """The folder, with ``owner``'s files of the last run no longer carried over."""
        run = self.folder(name)
        self.owned.setdefault(name, {})[owner] = previous
        return run

    def discard(self, name: str) -> None:
        """Publish nothing of this folder in this run (its spare is rebuilt next time)."""
        self.discarded.add(name)

    def commit(self) -> dict[str, bool]:
        """Publish every folder used: files put this run, plus every other file kept."""
        for name, run in self.runs.items():
            if name in self.discarded:
                run.publication.discard()
                continue
            dropped = set().union(*self.owned.get(name, {}).values()) - set(run.files)
            run.keep(set(run.current) - dropped)
            changes = FolderChanges.between(run.current, run.files)
            self.published[name] = run.publication.commit(run.files)
            self.changes[name] = FolderChanges(changes.written, changes.unchanged,
                                               changes.removed, run.publication.published_stats)
        runs, self.runs = self.runs, {}
        with store.of(self.cache).transaction():  # every state write of the run, at once
            for name, (code, data) in sorted(self.documents.items()):
                write_state(self.cache, name, code, data)
            if self.units is not None:
                self.units.save(self)
        for run in runs.values():  # every folder and the state are new: ready the spares
            run.publication.level()
        return self.published

    def record(self, name: str, code: str, data: object) -> None:
        """Write the state document ``name`` when the run commits."""
        self.documents[name] = (code, data)


@contextlib.contextmanager
def run_outputs(settings: Settings, options: object = None) -> Iterator[Outputs]:
    """The run's shared ``Outputs`` (``options.outputs``), or one of its own that is
    committed when the block ends without an exception."""
    run = RunOptions.of(options)
    if run.outputs is not None:
        yield run.outputs
        return
    outputs = Outputs(settings, force=run.force)
    yield outputs
    outputs.commit()
