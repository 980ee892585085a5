"""Site rule: every output name can be written, on every file system, without a clash.

Before anything is written, validate maps each article (and each file of ``public/``) to
the output files it will become and reports, at the article's ``slug`` line:

- FM206 a path another output takes: the same file, a file where a folder is needed or the
  reverse, a name another stage writes (``index.html``, ``sitemap*.xml``, ``robots.txt``,
  ``404.html``, ``manifest.json``, the IndexNow key file...), or a ``public/`` file that
  would overwrite one of them;
- FM207 a path component over 255 bytes of UTF-8 (Arabic letters take two each);
- FM208 a name Windows cannot create (``CON``, ``nul.txt``, ``COM1``, a trailing dot or space);
- FM209 paths that differ only by case or Unicode compatibility form (NFKC): one file on a
  case-insensitive disk, and indistinguishable to readers.

A ``public/`` entry that is not a regular file (FIFO, socket, device: FM008) or a symlink
loop (FM006) is an error too: copying it would block or fail.
"""

from __future__ import annotations

import re
import stat
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from pipeline.content.assets import tree_of
from pipeline.content.tree import printable
from pipeline.core import urls
from pipeline.core.model import Article, Finding, Severity, Site
from pipeline.core.safe_read import kind_of

MAX_COMPONENT_BYTES = 255  # NAME_MAX of ext4, XFS, APFS, NTFS (in UTF-16 units there)
WINDOWS_RESERVED = re.compile(r"(?i)(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?")


@dataclass(frozen=True)
class Reserved:
    """Names other stages write into the output folder: exact paths and root patterns."""

    files: tuple[str, ...]
    root_patterns: tuple[str, ...] = ()
    article_names: tuple[str, ...] = ()  # root names only public/ may provide (favicon.ico)


@dataclass(frozen=True)
class Output:
    """One file a run will write, and who is responsible for it."""

    path: str  # relative to the output folder, '/'-separated, not encoded
    owner: str  # the article's or public file's shown path, or what writes it
    line: int = 1
    article: Article | None = None
    generated: bool = False  # written by a stage, not by an author


def check(site: Site, reserved: Reserved, json_file: Callable[[str], str]) -> list[Finding]:
    """Every unwritable or clashing output name, located at its article or public file.

    ``json_file`` maps a page file to the article JSON written beside it.
    """
    outputs = [*site_outputs(site, reserved), *article_outputs(site, json_file),
               *public_outputs(site)]
    findings = special_files(outputs, site.settings.path("public"))
    for output in outputs:
        if not output.generated:
            findings += _name_problems(output)
    findings += _patterns(outputs, reserved)
    findings += _same_path(outputs)
    findings += _file_and_folder(outputs)
    findings += _folded(outputs)
    return findings


def site_outputs(site: Site, reserved: Reserved) -> list[Output]:
    names = [*reserved.files, *(urls.locale_index_file(code) for code in site.settings.locale_codes)]
    return [Output(name, f"the pipeline's own {name}", generated=True) for name in names]


def article_outputs(site: Site, json_file: Callable[[str], str]) -> list[Output]:
    found = []
    for article in site.articles:
        page = urls.page_file(site.settings, article.locale, article.slug)
        for path in (page, json_file(page)):
            found.append(Output(path, article.source.as_posix(), article.line_of("slug"), article))
    return found


def public_outputs(site: Site) -> list[Output]:
    """Files under ``public/`` (symlinked folders not followed), copied to the same path."""
    shown = site.settings.paths.public.rstrip("/")
    return [Output(rel, printable(f"{shown}/{rel}"))
            for rel in tree_of(site.settings.path("public")).files]


def special_files(outputs: list[Output], public: Path) -> list[Finding]:
    """``public/`` entries the bundles stage could not copy: FIFOs, sockets, devices, loops."""
    findings = []
    files = tree_of(public).files
    for output in outputs:
        if output.generated or output.article is not None:
            continue
        item = files.get(output.path)
        mode = item.mode if item is not None else 0
        if not mode:
            findings.append(_finding(output, "FM006", "cannot be read: a symlink loop or a "
                                     "link to nothing", "remove it or point it at a file"))
            continue
        if not stat.S_ISREG(mode):
            findings.append(_finding(output, "FM008", f"is {kind_of(mode)}, not a regular "
                                     "file; it cannot be copied", "remove it from public/"))
    return findings


def _finding(output: Output, code: str, message: str, hint: str) -> Finding:
    return Finding(output.owner, output.line, 1, code, Severity.ERROR, message, hint)


def _name_problems(output: Output) -> list[Finding]:
    findings = []
    for part in output.path.split("/"):
        size = len(part.encode("utf-8", "surrogateescape"))
        if size > MAX_COMPONENT_BYTES:
            findings.append(_finding(output, "FM207", f"output name {part[:40]!r}... is {size} "
                                     f"bytes of UTF-8, over the {MAX_COMPONENT_BYTES} a file "
                                     "system allows", "shorten the slug (Arabic letters take "
                                     "two bytes each)"))
        if WINDOWS_RESERVED.fullmatch(part) or part.endswith((".", " ")):
            findings.append(_finding(output, "FM208", f"output name {part!r} cannot be created "
                                     "on Windows", "avoid CON, PRN, AUX, NUL, COM1-9, LPT1-9 "
                                     "and a trailing dot or space"))
    return findings


def _patterns(outputs: list[Output], reserved: Reserved) -> list[Finding]:
    """Authors' files named like files other stages write at the output root."""
    findings = []
    for output in outputs:
        root_name = output.path.split("/")[0]
        if output.generated or output.path in reserved.files:
            continue
        patterns = reserved.root_patterns + (reserved.article_names if output.article else ())
        for pattern in patterns:
            if fnmatchcase(root_name.lower(), pattern):
                findings.append(_finding(output, "FM206", f"output {output.path} is named like "
                                         f"'{pattern}', which another stage writes",
                                         "choose another slug or file name"))
                break
    return findings


def _same_path(outputs: list[Output]) -> list[Finding]:
    by_path: dict[str, list[Output]] = defaultdict(list)
    for output in outputs:
        by_path[output.path].append(output)
    findings = []
    for path, group in by_path.items():
        if len(group) < 2 or _same_slug(group):
            continue
        for output in group:
            if output.generated:
                continue
            others = sorted({o.owner for o in group if o.owner != output.owner})
            findings.append(_finding(output, "FM206", f"output {path} is also written for "
                                     f"{', '.join(others) or 'another output of this file'}",
                                     "choose another slug or file name"))
    return findings


def _same_slug(group: list[Output]) -> bool:
    """Articles sharing a locale and slug: FM202 reports them already."""
    keys = {(o.article.locale, o.article.slug) if o.article else None for o in group}
    return len(keys) == 1 and None not in keys and len({o.owner for o in group}) == len(group)


def _file_and_folder(outputs: list[Output]) -> list[Finding]:
    """A file whose path is a folder of another output (``robots.txt`` vs ``robots.txt/index.html``)."""
    below: dict[str, Output] = {}
    for output in outputs:
        parts = output.path.split("/")
        for depth in range(1, len(parts)):
            below.setdefault("/".join(parts[:depth]), output)
    findings = []
    for output in outputs:
        inner = below.get(output.path)
        if inner is None:
            continue
        if not output.generated:
            findings.append(_finding(output, "FM206", f"output {output.path} is a file, but "
                                     f"{inner.owner} needs it as a folder ({inner.path})",
                                     "choose another slug or file name"))
        if not inner.generated:
            findings.append(_finding(inner, "FM206", f"output {inner.path} needs "
                                     f"{output.path} as a folder, but {output.owner} writes a "
                                     "file there", "choose another slug or file name"))
    return findings


def fold(path: str) -> str:
    """What a case-insensitive, normalising file system (or reader) sees."""
    return unicodedata.normalize("NFKC", path).casefold()


def _folded(outputs: list[Output]) -> list[Finding]:
    groups: dict[str, dict[str, Output]] = defaultdict(dict)
    for output in outputs:
        groups[fold(output.path)].setdefault(output.path, output)
    findings = []
    for variants in groups.values():
        if len(variants) < 2:
            continue
        for path, output in variants.items():
            if output.generated:
                continue
            others = sorted(f"{o.path} ({o.owner})" for p, o in variants.items() if p != path)
            findings.append(_finding(output, "FM209", f"output {path} differs only by case or "
                                     f"Unicode compatibility form from {', '.join(others)}",
                                     "use one spelling: they are one file on case-insensitive "
                                     "disks and look the same to readers"))
    return findings
