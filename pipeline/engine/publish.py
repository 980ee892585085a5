"""Crash-safe output folders: two buffers, one atomic exchange.

The published folder (``dist/``, ``sitemap/``, ``reports/``) is a plain directory. A spare
of the same shape lives in the cache folder. A run first brings the spare level with the
published folder (only the files the last run changed; a run levels the spare right after
it publishes, so this is a check), writes what changes into the spare, then swaps the two
names in one step (``exchange``). A run killed at any moment
therefore leaves the published folder holding either the whole previous output or the
whole new one, and never a temp file. Unchanged files are hard links shared by both
buffers; a changed file is always a new inode (unlink, then write), so writing into the
spare never alters a published file.

Which buffer holds what is recorded by directory identity (device and inode) in the
state database (``engine.store``; every recorded path must be a plain relative path below
its folder, or nothing recorded is trusted), so a kill between any two steps is
recovered by the next run: a buffer whose record is missing or marked dirty is rebuilt
from the published one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import zlib
from pathlib import Path

from pipeline.core.model import Finding
from pipeline.engine import exchange, store
from pipeline.engine.paths import is_safe
from pipeline.engine.shapes import FileBucket, PublishDoc
from pipeline.engine.state import read_state, write_state

KIND = "publish"  # the document of a folder; its file rows are of kind "published/<label>"
CODE = "3"
BUCKETS = 256  # file rows are kept in this many rows per folder, by a hash of the path


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path | str) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _identity(path: Path) -> str | None:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    return f"{st.st_dev}:{st.st_ino}" if os.path.isdir(path) and not path.is_symlink() else None


Stat = list[int]  # size, modification time (ns), inode: a hand change alters one of them


def walk_stats(folder: Path | str) -> dict[str, Stat]:
    """Every regular file below ``folder`` (symlinks are not followed) with its stat, in
    one ``scandir`` pass."""
    found: dict[str, Stat] = {}
    pending = [(str(folder), "")]
    while pending:
        path, prefix = pending.pop()
        try:
            entries = list(os.scandir(path))
        except OSError:
            continue
        for entry in entries:
            rel = prefix + entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, rel + "/"))
                elif entry.is_file(follow_symlinks=False):
                    st = entry.stat(follow_symlinks=False)
                    found[rel] = [st.st_size, st.st_mtime_ns, st.st_ino]
            except OSError:
                continue
    return found


def scan(folder: Path, known: dict[str, str] | None = None,
         stats: dict[str, Stat] | None = None) -> tuple[dict[str, str], dict[str, Stat]]:
    """Every file below ``folder`` with its SHA-256, and every file's stat; a file whose
    stat is the one in ``stats`` keeps its hash from ``known`` instead of being read, so
    a file added, removed, replaced or edited by hand is always seen."""
    known, stats = known or {}, stats or {}
    base = str(folder)
    files = {}
    seen = walk_stats(folder)
    for rel, stat in seen.items():
        if rel in known and stats.get(rel) == stat:
            files[rel] = known[rel]
        else:
            try:
                files[rel] = file_digest(base + "/" + rel)
            except OSError:
                continue
    return files, seen


def stat_of(path: str) -> Stat | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino]


class Writer:
    """Writes files below a buffer root; parents made once; never truncates a shared inode."""

    def __init__(self, root: Path):
        self.root = str(root)
        self.made: set[str] = set()
        self.fresh: set[str] = set()  # folders this writer created: nothing to unlink there

    def _target(self, rel: str) -> str:
        path = self.root + "/" + rel
        parent = path.rpartition("/")[0]
        if parent not in self.made:
            try:
                os.mkdir(parent)
                self.fresh.add(parent)
            except FileExistsError:
                pass
            except FileNotFoundError:
                os.makedirs(parent, exist_ok=True)
            self.made.add(parent)
        return path

    def put(self, rel: str, data: bytes) -> None:
        path = self._target(rel)
        if path.rpartition("/")[0] not in self.fresh:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)

    def copy(self, rel: str, source: Path | str) -> None:
        path = self._target(rel)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        shutil.copyfile(source, path)

    def link(self, rel: str, source: str) -> None:
        path = self._target(rel)
        if path.rpartition("/")[0] not in self.fresh:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
        os.link(source, path)

    def remove(self, rel: str) -> None:
        path = self.root + "/" + rel
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        parent = os.path.dirname(path)
        while parent != self.root and parent.startswith(self.root):
            try:
                os.rmdir(parent)
            except OSError:
                break
            self.made.discard(parent)
            parent = os.path.dirname(parent)


class Publication:
    """One update of a published folder: ``current`` is what it holds now, ``writer``
    writes into the spare; ``commit(files)`` makes ``files`` the published state."""

    def __init__(self, folder: PublishedFolder, current: dict[str, str], spare_id: str,
                 stats: dict[str, Stat] | None = None):
        self.folder = folder
        self.current = current
        self.stats = stats or {}  # of the published files when the run began
        self.published_stats: dict[str, Stat] = {}  # of the files the commit published
        self.spare_id = spare_id
        self.writer = Writer(folder.spare)
        self.touched: dict[str, str] = {}  # every file written into the spare: its SHA-256
        self.leveling: tuple[dict[str, str], dict[str, str]] | None = None  # spare, published

    def touch(self, rel: str, sha: str) -> None:
        """Record that the spare's ``rel`` now holds bytes of ``sha`` (written by this
        process or a worker); the spare's record is derived from these, never assumed."""
        self.touched[rel] = sha

    def _settle(self, files: dict[str, str]) -> None:
        """Make the spare hold exactly ``files``: a file written this run but not wanted
        (a stage failed after a unit wrote it) is removed, or linked back to the published
        bytes when those are the wanted ones."""
        target = str(self.folder.target)
        for rel, sha in self.touched.items():
            wanted = files.get(rel)
            if wanted == sha:
                continue
            if wanted is None:
                self.writer.remove(rel)
            elif self.current.get(rel) == wanted:
                self.writer.link(rel, target + "/" + rel)
            else:
                raise RuntimeError(f"{self.folder.label}/{rel}: recorded bytes were never "
                                   "written")  # a stage bug: never publish a wrong record
        for rel in set(self.current) - set(files):
            self.writer.remove(rel)

    def discard(self) -> None:
        """Publish nothing; the spare is put back level with the published folder (only
        the files this run wrote are touched), so the next run starts from a true record."""
        self._settle(self.current)
        self.folder.save({self.spare_id: self.current,
                          **self.folder.record_of_target(self.current)}, self.stats)

    def commit(self, files: dict[str, str]) -> bool:
        """Publish ``files`` (relative path -> SHA-256, every file written or kept).

        Returns False when nothing changed (the folder is left as it is)."""
        folder = self.folder
        self._settle(files)
        folder.save({self.spare_id: files, **folder.record_of_target(self.current)},
                    self.stats)
        if files == self.current and folder.target.is_dir():
            self.published_stats = {r: s for r, s in self.stats.items() if r in files}
            folder.save(folder._records, self.published_stats)
            return False  # the spare is level with the published folder: nothing to swap
        if folder.target.is_dir():
            exchange.exchange(folder.target, folder.spare)
        else:
            folder.target.parent.mkdir(parents=True, exist_ok=True)
            os.rename(folder.spare, folder.target)
        self.published_stats = self._stats_after(files)
        # the spare (the previous output, if any) is unrecorded until ``level`` evens it
        folder.save(folder.record_of_target(files), self.published_stats)
        self.leveling = (self.current if folder.spare.is_dir() else {}, files)
        return True

    def level(self) -> None:
        """After a publish, bring the spare level with the published folder and record
        it, so the next run starts with nothing to link: each run links what it changed,
        and a cold build pays for its own files. Stopped half way, the spare stays
        unrecorded and the next run rebuilds it."""
        if self.leveling is not None:
            self.folder.level_spare(*self.leveling)
            self.leveling = None

    def _stats_after(self, files: dict[str, str]) -> dict[str, Stat]:
        """The stats of the published files after the swap: a file this run did not write
        is the inode the old folder had (a hard link), so its stat is the one seen when
        the run began; only the files written are looked at."""
        if not self.stats:
            return {r: s for r, s in walk_stats(self.folder.target).items() if r in files}
        target = str(self.folder.target) + "/"
        result = {}
        for rel in files:
            stat = None if rel in self.touched else self.stats.get(rel)
            if stat is None:
                stat = stat_of(target + rel)
            if stat is not None:
                result[rel] = stat
        return result


def _bucket(rel: str) -> str:
    """The file row (of ``BUCKETS``) that holds ``rel``: an edit rewrites a few rows."""
    return format(zlib.crc32(rel.encode("utf-8", "surrogateescape")) % BUCKETS, "02x")


def _difference(base: dict[str, str], files: dict[str, str]) -> dict[str, str | None]:
    """``files`` as changes to ``base``: a new hash per file that differs, None for a file
    ``files`` lacks."""
    delta: dict[str, str | None] = {rel: sha for rel, sha in files.items()
                                    if base.get(rel) != sha}
    delta.update((rel, None) for rel in base.keys() - files.keys())
    return dict(sorted(delta.items()))


class PublishedFolder:
    """A published output folder and its spare buffer."""

    def __init__(self, target: Path, cache: Path, label: str):
        """Each run checks the published folder against the record file by file (by stat,
        hashing only what changed), so hand changes are seen and put right."""
        self.target = target
        self._stats: dict[str, list[int]] = {}
        self.label = label
        spare_root = cache / "publish"
        self.cache = cache
        self.state_name = f"{KIND}/{label}"
        self.file_kind = f"{KIND}ed/{label}"
        self._persisted: dict[str, tuple[str, tuple[int, ...]]] = {}  # the file rows
        self._rows_of: tuple[dict[str, str], dict[str, Stat]] = ({}, {})  # what they hold
        self.spare = spare_root / label
        with contextlib.suppress(OSError):
            spare_root.mkdir(parents=True, exist_ok=True)
            target.parent.mkdir(parents=True, exist_ok=True)
            if os.stat(spare_root).st_dev != os.stat(target.parent).st_dev:
                self.spare = target.with_name(f".{target.name}.spare")  # exchange needs one fs
        self.findings: list[Finding] = []
        self._records: dict[str, dict[str, str]] = {}

    # -- state -----------------------------------------------------------------------
    def _load(self) -> None:
        doc = read_state(self.cache, self.state_name, CODE, PublishDoc)
        buckets = store.of(self.cache).rows(self.file_kind, CODE, FileBucket) if doc else {}
        self._persisted = {rel: (sha, tuple(stat)) for rows in buckets.values()
                           for rel, sha, stat in rows}
        others = doc.get("others", {})
        count = sum(map(len, buckets.values()))
        if not doc or count != doc.get("count") or len(self._persisted) != count \
                or not all(map(is_safe, self._persisted)) \
                or any(_bucket(rel) != key for key, rows in buckets.items() for rel, _, _ in rows) \
                or not all(is_safe(rel) for delta in others.values() for rel in delta):
            self._records, self._stats = {}, {}  # damaged, or a path out of its folder:
            self._persisted = {}
            return  # nothing recorded is trusted
        base = {rel: sha for rel, (sha, _) in self._persisted.items()}
        self._records = {doc["base"]: base}
        for ident, delta in others.items():
            files = dict(base)
            for rel, sha in delta.items():
                if sha is None:
                    files.pop(rel, None)
                else:
                    files[rel] = sha
            self._records[ident] = files
        self._stats = {rel: list(stat) for rel, (_, stat) in self._persisted.items() if stat}
        self._rows_of = (base, dict(self._stats))

    def save(self, records: dict[str, dict[str, str]], stats: dict[str, Stat]) -> None:
        """Record ``records`` (buffer identity -> files) and the published files' stats,
        writing only the file rows that changed."""
        self._records, self._stats = records, stats
        target = _identity(self.target)
        base_id = target if target in records else next(iter(sorted(records)), "")
        base = records.get(base_id, {})
        held = self._rows_of
        if len(base) == len(held[0]) and base == held[0] and stats == held[1]:
            rows, changed = self._persisted, set()  # the file rows hold these already
        else:
            rows = {rel: (sha, tuple(stats.get(rel, ()))) for rel, sha in base.items()}
            changed = {rel for rel, row in rows.items() if self._persisted.get(rel) != row}
            changed.update(rel for rel in self._persisted if rel not in rows)
        touched = {_bucket(rel) for rel in changed}
        others = {ident: {} if files == base else _difference(base, files)
                  for ident, files in records.items() if ident != base_id}
        grouped: dict[str, list[tuple[str, str, list[int]]]] = {key: [] for key in touched}
        for rel in sorted(rows) if touched else ():
            key = _bucket(rel)
            if key in grouped:
                sha, stat = rows[rel]
                grouped[key].append((rel, sha, list(stat)))
        db = store.of(self.cache)
        with db.transaction():
            empty = [key for key, group in grouped.items() if not group]
            if empty:
                db.delete(self.file_kind, empty)
            if grouped:
                db.put_many(self.file_kind, CODE, {key: [list(row) for row in group]
                                                   for key, group in grouped.items() if group},
                            replace_all=not self._persisted)
            write_state(self.cache, self.state_name, CODE,
                        {"base": base_id, "count": len(rows), "others": others})
        self._persisted = rows
        self._rows_of = (dict(base), {rel: stats[rel] for rel in base if rel in stats})

    def record_of_target(self, files: dict[str, str]) -> dict[str, dict[str, str]]:
        ident = _identity(self.target)
        return {ident: files} if ident else {}

    # -- a run -------------------------------------------------------------------------
    def begin(self, trust: bool = True) -> Publication:
        """Recover from any interrupted run, then level the spare with the published folder;
        ``trust=False`` hashes every published file instead of trusting the record."""
        exchange.recover(self.target, self.spare)
        self._load()
        target_id = _identity(self.target)
        current: dict[str, str] = {}
        seen: dict[str, Stat] = {}
        if target_id is not None:
            known = self._records.get(target_id)
            current, seen = scan(self.target, known, self._stats) \
                if trust and known is not None else scan(self.target)
        spare_id = _identity(self.spare)
        spare_files = self._records.get(spare_id) if spare_id else None
        if spare_id is None or not isinstance(spare_files, dict):
            shutil.rmtree(self.spare, ignore_errors=True)
            if self.spare.is_symlink() or self.spare.is_file():
                self.spare.unlink()
            self.spare.mkdir(parents=True)
            spare_id = _identity(self.spare) or ""
            spare_files = {}
        # From here the spare is being changed: mark it dirty first.
        self.save({**self.record_of_target(current)}, seen)
        self._level(spare_files, current)
        return Publication(self, current, spare_id, seen)

    def _level(self, spare_files: dict[str, str], current: dict[str, str]) -> None:
        writer = Writer(self.spare)
        source = str(self.target)
        for rel in spare_files.keys() - current.keys():
            writer.remove(rel)
        for rel, sha in current.items():
            if spare_files.get(rel) != sha:
                writer.link(rel, source + "/" + rel)

    def level_spare(self, spare_files: dict[str, str], files: dict[str, str]) -> None:
        """Bring the spare (holding ``spare_files``) level with the published ``files``
        and record it."""
        self.spare.mkdir(parents=True, exist_ok=True)
        spare_id = _identity(self.spare)
        self._level(spare_files, files)
        if spare_id is not None:
            self.save({spare_id: files, **self.record_of_target(files)}, self._stats)


