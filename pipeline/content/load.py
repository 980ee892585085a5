"""Load: discover ``content/<locale>/**/*.md``, parse and type every article into a ``Site``.

Metadata is layered: defaults, then what the path says (locale from the tree, slug and
translation key from the file name), then front matter. Files that cannot be typed are
left out of the ``Site`` and reported; nothing raises on bad input.
"""

from __future__ import annotations

import hashlib
import os
import stat
import unicodedata
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

from pipeline.content import git_dates, schema
from pipeline.content import tree as guards
from pipeline.content.parsing import err, read_text, split
from pipeline.content.schedule import schedule
from pipeline.content.terms import terms_of
from pipeline.content.tree import shown as shown_path
from pipeline.core import clock, walk
from pipeline.core.model import Article, Finding, Severity, Site
from pipeline.core.settings import Settings
from pipeline.core.text import invisible_chars
from pipeline.engine.sources import SourceCache

SUFFIXES = (".md", ".markdown")
PARALLEL_THRESHOLD = 400  # below this, starting worker processes costs more than it saves
CHUNK = 250


def load_site(settings: Settings, use_cache: bool = True) -> tuple[Site, list[Finding]]:
    """Read every article; return the site and every problem found while reading.

    Unchanged files (same size and modification time, else same bytes) are taken from
    ``.cache/sources.json`` (see ``engine.sources``) without being parsed again.
    """
    content = settings.path("content")
    findings: list[Finding] = []
    articles: list[Article] = []
    if not content.is_dir():
        findings.append(err(settings.paths.content, 1, "FM200",
                            f"content directory not found: {content}"))
        return Site(settings, (), tuple(findings)), findings
    findings += _unknown_trees(settings, content)
    stats: dict[str, os.stat_result] = {}
    jobs = [(path, locale) for locale in settings.locale_codes
            for path in discover(content / locale, content, settings.root, findings, stats)]
    for article, problems in _load_cached(jobs, settings, use_cache, findings, stats):
        findings += problems
        if article is not None:
            articles.append(article)
    if git_dates.enabled(settings):  # one git log pass; never cached
        articles = git_dates.apply(articles, settings)
    timed = schedule(articles, clock.now(), *clock.previews())  # the clock: never cached
    findings += timed.findings
    articles = timed.articles
    articles.sort(key=lambda a: (settings.locale_codes.index(a.locale), a.source.as_posix()))
    site = Site(settings, tuple(articles), tuple(findings), timed.held, timed.next_change)
    return site, findings


def _load_cached(jobs: list[tuple[Path, str]], settings: Settings, use_cache: bool,
                 notes: list[Finding], stats: dict[str, os.stat_result] | None = None,
                 ) -> list[tuple[Article | None, list[Finding]]]:
    """Results in job order: unchanged files from the source cache, the rest parsed."""
    if not use_cache:
        return list(_load_all(jobs, settings))
    cache = SourceCache(settings)
    notes += cache.findings
    results: list[tuple[Article | None, list[Finding]] | None] = [
        cache.get(path, locale, (stats or {}).get(str(path))) for path, locale in jobs]
    misses = [i for i, entry in enumerate(results) if entry is None]
    for i, entry in zip(misses, _load_all([jobs[i] for i in misses], settings), strict=True):
        results[i] = entry
        cache.put(jobs[i][0], jobs[i][1], entry)
    cache.save(jobs)
    return [entry for entry in results if entry is not None]


def _load_all(jobs: list[tuple[Path, str]], settings: Settings,
              ) -> Iterator[tuple[Article | None, list[Finding]]]:
    """Parse every file, on all cores when there are many (results keep the job order)."""
    workers = min(os.cpu_count() or 1, 8)
    if len(jobs) < PARALLEL_THRESHOLD or workers < 2:
        return (load_article(path, locale, settings) for path, locale in jobs)
    chunks = [jobs[i : i + CHUNK] for i in range(0, len(jobs), CHUNK)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(_load_chunk, chunks, [settings] * len(chunks)))
    return (item for chunk in results for item in chunk)


def _load_chunk(jobs: list[tuple[Path, str]], settings: Settings,
                ) -> list[tuple[Article | None, list[Finding]]]:
    """Parse in a worker; bodies are left behind (read again from the file when needed)."""
    results = []
    for path, locale in jobs:
        article, problems = load_article(path, locale, settings)
        results.append((replace(article, text=None) if article else None, problems))
    return results


def _unknown_trees(settings: Settings, content: Path) -> list[Finding]:
    known = set(settings.locale_codes)
    return [
        err(shown_path(child, settings.root), 1, "FM205",
            f"'{guards.printable(child.name)}' is not a configured locale; its files are ignored",
            f"add a [[locales]] entry to site.toml or rename it to one of: {', '.join(known)}")
        for child in sorted(content.iterdir())
        if child.is_dir() and child.name not in known and not child.name.startswith(".")
    ]


def discover(tree: Path, content: Path, root: Path, findings: list[Finding],
             stats: dict[str, os.stat_result] | None = None) -> list[Path]:
    """Regular Markdown files below ``tree`` in sorted order (each folder's files, then its
    sub-folders), in one ``scandir`` pass; ``stats`` receives the stat of each plain file
    found (by its path as text), so the source cache need not ask again.

    Refused with a finding (see ``content.tree``): the content folder outside the project,
    symlinks (files or folders, the locale folder too) leaving ``content`` or looping,
    FIFOs, sockets and devices, names that are not UTF-8. Folder symlinks are not followed.
    """
    content_real = content.resolve()
    if problem := guards.root_problem(content_real, root, shown_path(content, root),
                                      "content"):
        findings.append(problem)
        return []
    if problem := guards.symlink_problem(tree, content_real, root):
        findings.append(problem)
        return []
    if not tree.is_dir():
        return []
    found: list[Path] = []

    def descend(entry: walk.Entry) -> bool:
        problem = _folder_problem(Path(entry.path), content_real, root)
        return not _refused(problem, findings) and not entry.is_symlink()

    def unreadable(exc: OSError, folder: str) -> None:
        findings.append(err(shown_path(Path(exc.filename or folder), root), 1, "FM001",
                            f"cannot read folder: {exc.strerror or exc}"))

    for entry in walk.entries(str(tree), descend, hidden=False, unreadable=unreadable):
        path = Path(entry.path)
        if _plain_markdown(entry):
            try:
                st: os.stat_result | None = entry.stat(follow_symlinks=False)
            except OSError:
                st = None
            if st is not None and stat.S_ISREG(st.st_mode):
                found.append(path)
                if stats is not None:
                    stats[entry.path] = st
            elif not _refused(_file_problem(path, content_real, root), findings):
                found.append(path)
        elif not _refused(_file_problem(path, content_real, root), findings) and \
                entry.name.endswith(SUFFIXES):
            found.append(path)
    return found


def _plain_markdown(entry: walk.Entry) -> bool:
    """A Markdown file that is no symlink, with a UTF-8 name: nothing to refuse but its
    kind, which its stat tells."""
    return entry.name.endswith(SUFFIXES) and not entry.is_symlink() \
        and guards.is_utf8_name(entry.name)


def _refused(problem: Finding | None, findings: list[Finding]) -> bool:
    if problem is not None:
        findings.append(problem)
    return problem is not None


def _folder_problem(path: Path, content_real: Path, root: Path) -> Finding | None:
    return guards.name_problem(path, root) or guards.symlink_problem(path, content_real, root)


def _file_problem(path: Path, content_real: Path, root: Path) -> Finding | None:
    """Why a file in the tree is refused; other files (images, notes) pass unread."""
    if not guards.is_utf8_name(path.name):
        return guards.name_problem(path, root) if guards.printable(path.name).endswith(
            SUFFIXES) else None
    if not path.name.endswith(SUFFIXES):  # not read; only a broken link is worth a word
        return (guards.symlink_problem(path, content_real, root)
                if path.is_symlink() and guards.real_inside(path, content_real) is None
                else None)
    return guards.symlink_problem(path, content_real, root) or guards.kind_problem(path, root)


def name_default(stem: str, data: dict[str, object], shown: str,
                 ) -> tuple[str, Finding | None]:
    """The slug and translation key a file name gives: its NFC form, so ``café.md`` saved
    decomposed (as macOS writes names) and precomposed make one key; a warning (FM110)
    when the name was not NFC and the front matter leaves the slug or key to it."""
    nfc = unicodedata.normalize("NFC", stem)
    if nfc == stem or ("slug" in data and "translationKey" in data):
        return nfc, None
    uses = " and ".join(f for f, k in (("slug", "slug"), ("translation key", "translationKey"))
                        if k not in data)
    return nfc, err(shown, 1, "FM110", f"file name {ascii(stem)} is not in Unicode NFC form; "
                    f"its {uses} use the NFC form {nfc!r}", "rename the file to its NFC form (e.g. with "
                    "convmv --nfc) so tools that compare names see one file",
                    severity=Severity.WARNING)


def load_article(path: Path, locale: str, settings: Settings) -> tuple[Article | None, list[Finding]]:
    """One file -> a typed ``Article`` (or ``None``) and every problem found in it."""
    try:  # once for both the shown path (``tree.shown``) and the article's source
        relative: Path | None = path.relative_to(settings.root)
    except ValueError:
        relative = None
    source = path if relative is None else relative
    shown = guards.printable(source.as_posix())
    text, findings = read_text(path, shown, settings.validate.max_file_bytes)
    if text is None:
        return None, findings
    parsed, problems = split(text, shown)
    findings += problems
    if parsed is None:
        return None, findings
    findings += schema.check(parsed, shown)
    findings += schema.invisible_findings(parsed, shown)
    if hidden := invisible_chars(path.name):
        findings.append(err(shown, 1, "FM302", f"file name contains invisible or control "
                            f"characters: {', '.join(hidden)}", "rename the file",
                            severity=Severity.WARNING))
    stem, problem = name_default(path.stem, parsed.data, shown)
    if problem is not None:
        findings.append(problem)
    if "slug" not in parsed.data and (why := schema.slug_problem(stem)):
        findings.append(err(shown, 1, "FM105", f"file name {stem!r} cannot be a slug: it {why}",
                            "add a 'slug' field to the front matter"))
    if any(f.severity is Severity.ERROR for f in findings):
        return None, findings
    meta = schema.to_front_matter(parsed.data, default_slug=stem, default_key=stem)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    article = Article(source=source, locale=locale, meta=meta, text=parsed.body,
                      body_line=parsed.body_line, key_lines=parsed.key_lines,
                      source_hash=digest, root=settings.root,
                      terms=terms_of(meta.title, meta.excerpt, parsed.body))
    return article, findings


