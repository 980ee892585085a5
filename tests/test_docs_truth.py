"""The docs say what the code does: module names in docstrings, the README's commands,
relative links, repository paths and ``make`` targets in README.md and docs/*.md."""

from __future__ import annotations

import argparse
import ast
import dataclasses
import re
from functools import cache
from pathlib import Path

import pytest

from pipeline.cli import make_parser
from pipeline.commands import command_names
from pipeline.core.settings import SECTIONS

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pipeline"
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
MODULES = sorted(PACKAGE.rglob("*.py"))

# ``engine.store``, ``pipeline.links.patterns``, `urls.page_url`: a dotted name in backticks.
DOTTED = re.compile(r"`{1,2}((?:[A-Za-z_][A-Za-z0-9_]*\.)+[A-Za-z_][A-Za-z0-9_]*)(?:\(\))?`{1,2}")
TOP_LEVEL = {path.stem if path.is_file() else path.name
             for path in PACKAGE.iterdir()
             if (path.suffix == ".py" or (path / "__init__.py").is_file())
             and path.name != "__init__.py"}
CONFIG_KEYS = {f"{section}.{f.name}" for section, cls in SECTIONS.items()
               for f in dataclasses.fields(cls)}
FILE_SUFFIXES = {"toml", "json", "jsonl", "py", "xml", "gz", "txt", "md", "html", "css", "yml",
                 "yaml", "po", "pot", "mo", "xsd", "jpg", "jpeg", "png", "svg", "ico", "lock",
                 "db", "sqlite3", "xlf", "xliff"}
NOT_MODULES = {"sitemaps.submit"}  # the Search Console API method, not pipeline.sitemaps


def _module_file(parts: list[str]) -> Path | None:
    """``pipeline/<parts>.py`` or ``pipeline/<parts>/__init__.py``, when it exists."""
    base = PACKAGE.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@cache
def _top_level_names(path: Path) -> frozenset[str]:
    """Names a module defines or imports at its top level (and its submodules)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    if path.name == "__init__.py":
        names.update(p.stem for p in path.parent.glob("*.py"))
        names.update(p.name for p in path.parent.iterdir() if (p / "__init__.py").is_file())
    return frozenset(names)


def _resolves(parts: list[str]) -> bool:
    """The longest prefix of ``parts`` is a module of the package and the next part, if
    any, a name it defines."""
    for end in range(len(parts), 0, -1):
        found = _module_file(parts[:end])
        if found is not None:
            return end == len(parts) or parts[end] in _top_level_names(found)
    return False


def module_references(path: Path) -> list[str]:
    """Dotted references in ``path``'s module docstring that do not resolve.

    A reference is taken to name a module of this package when it starts with
    ``pipeline.``, with a top-level package or module name (``engine.store``), or with a
    sibling module of the same package (``urls.page_url`` in ``core/``); ``site.toml``
    keys such as ``links.exclude`` are configuration, not modules."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    package = list(path.relative_to(PACKAGE).parent.parts)
    siblings = {p.stem for p in path.parent.glob("*.py")} | {
        p.name for p in path.parent.iterdir() if (p / "__init__.py").is_file()}
    wrong: list[str] = []
    for ref in DOTTED.findall(doc):
        if ref in CONFIG_KEYS or ref in NOT_MODULES or ref.rsplit(".", 1)[1] in FILE_SUFFIXES:
            continue
        parts = ref.split(".")
        if parts[0] == "pipeline":
            ok = _resolves(parts[1:])
        elif parts[0] in TOP_LEVEL:
            ok = _resolves(parts) or (parts[0] in siblings and _resolves([*package, *parts]))
        elif parts[0] in siblings and path.parent != PACKAGE:
            ok = _resolves([*package, *parts])
        else:
            continue  # not this package's (json.dumps, site.url_pattern, ...)
        if not ok:
            wrong.append(ref)
    return wrong


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_module_docstrings_name_modules_that_exist(path: Path) -> None:
    assert module_references(path) == [], f"{path.relative_to(ROOT)}: no such module or name"


def test_the_reference_check_catches_a_wrong_name(tmp_path: Path) -> None:
    """The checker itself: a made-up module is reported, real ones are not."""
    probe = PACKAGE / "engine" / "_docs_truth_probe.py"
    probe.write_text('"""See ``engine.store``, ``pipeline.links.patterns``, ``store.Store``,\n'
                     '``engine.state_json`` and ``pipeline.links.nothing``; ``links.exclude``\n'
                     'is a key and ``json.dumps`` not ours."""\n', encoding="utf-8")
    try:
        assert module_references(probe) == ["engine.state_json", "pipeline.links.nothing"]
    finally:
        probe.unlink()


# -- README: the commands -------------------------------------------------------------

def _readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def _section(text: str, title: str) -> str:
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else len(text)]


def _commands_table() -> dict[str, str]:
    rows: dict[str, str] = {}
    for line in _section(_readme(), "Commands").splitlines():
        if found := re.match(r"\| `([a-z0-9-]+)` \| (.*?) \|", line):
            rows[found.group(1)] = found.group(2).replace("`", "")
    return rows


def _help_texts() -> dict[str, str]:
    parser = make_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {action.dest: action.help or "" for action in sub._choices_actions}


def test_readme_starts_with_the_two_set_up_commands() -> None:
    text = _readme()
    first = re.search(r"```sh\n(.*?)```", text, re.S)
    assert first is not None
    assert text[:first.start()].strip() == "# seo-pipeline"
    commands = [line.split("#")[0].strip() for line in first.group(1).splitlines()]
    assert commands == ["make build", "make test"]


def test_readme_commands_table_is_the_registry_and_matches_help() -> None:
    table = _commands_table()
    assert set(table) == command_names()
    for name, help_text in _help_texts().items():
        assert " ".join(help_text.split()) in table[name], name


def _code_blocks(text: str) -> list[str]:
    return re.findall(r"```[a-z]*\n(.*?)```", text, re.S)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_commands_in_code_exist(doc: Path) -> None:
    """``seo-pipeline CMD`` in code blocks and in inline code names a real command."""
    text = doc.read_text(encoding="utf-8")
    pieces = _code_blocks(text) + re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", text,
                                                                     flags=re.S))
    shown = {match for piece in pieces
             for match in re.findall(r"(?:^|[\s/])seo-pipeline ([a-z][a-z0-9-]*)", piece, re.M)}
    assert shown - command_names() == set()


def test_architecture_tree_names_every_package_and_module() -> None:
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    tree = _section(text, "The tree, by concern")
    words = set(re.findall(r"[a-z_0-9]+", tree))
    unnamed = [str(p.relative_to(ROOT)) for p in MODULES
               if p.stem not in words and p.stem != "__init__"]
    assert unnamed == [], "add these modules to the tree in docs/ARCHITECTURE.md"
    folders = set(re.findall(r"^  ([a-z_]+)/ ", tree, re.M))
    packages = {p.parent.relative_to(PACKAGE).parts[0] for p in MODULES if p.parent != PACKAGE}
    assert packages <= folders
    assert [name for name in folders if not (PACKAGE / name).is_dir()] == []


# -- links, paths and make targets in README.md and docs/ ------------------------------

LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_relative_links_point_to_existing_files(doc: Path) -> None:
    broken = []
    for target in LINK.findall(doc.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target) or target.startswith(("#", "/")):
            continue  # a URL, an anchor of this file, or a site path in an example
        if not (doc.parent / target.split("#")[0]).exists():
            broken.append(target)
    assert broken == []


def _anchor(title: str) -> str:
    """GitHub's anchor of a heading: lowercase, punctuation dropped, spaces as '-'."""
    return re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_link_anchors_exist(doc: Path) -> None:
    missing = []
    for target in LINK.findall(doc.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target) or "#" not in target:
            continue
        file, _, anchor = target.partition("#")
        linked = (doc.parent / file) if file else doc
        if linked.suffix != ".md" or not linked.is_file():
            continue
        titles = re.findall(r"^#{1,6} (.+)$", linked.read_text(encoding="utf-8"), re.M)
        if anchor not in {_anchor(title) for title in titles}:
            missing.append(target)
    assert missing == []


PATH = re.compile(r"`((?:pipeline|tests|scripts|bench|tools|docs|\.github)/[^`*<>{}\s]+?)(?:::\w+)?`")


SCAFFOLD = PACKAGE / "scaffold" / "site"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_repository_paths_exist(doc: Path) -> None:
    """Paths of this repository, or of the site ``init`` writes (``.github/`` is stored
    as ``dot-github/`` in the scaffold)."""
    missing = [path for path in PATH.findall(doc.read_text(encoding="utf-8"))
               if not (ROOT / path.rstrip("/")).exists()
               and not (SCAFFOLD / re.sub(r"^\.", "dot-", path.rstrip("/"))).exists()]
    assert missing == []


def _targets(makefile: Path) -> set[str]:
    return set(re.findall(r"^([a-zA-Z0-9_-]+):", makefile.read_text(encoding="utf-8"), re.M))


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_make_targets_exist(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    mentioned = set(re.findall(r"`make ([a-z][a-z0-9_-]*)", text))
    for block in _code_blocks(text):
        mentioned |= set(re.findall(r"^make ([a-z][a-z0-9_-]*)", block, re.M))
    known = _targets(ROOT / "Makefile")
    # GETTING_STARTED describes the Makefile `init` writes into a new site, too.
    if doc.name == "GETTING_STARTED.md":
        known |= _targets(PACKAGE / "scaffold" / "site" / "Makefile")
    assert mentioned - known == set()
