"""The typing policy (issue 16, item 6): mypy is strict on ``pipeline/core`` and
``pipeline/engine``, and every ``Any`` and every ``# type: ignore`` left in ``pipeline/`` says why.

A use of ``Any`` is justified by a comment naming ``Any`` with a reason, on one of the lines of
its statement or in the comment lines right above it (``# Any: lxml ships no types``).
Arbitrary JSON is typed through ``pipeline.core.jsontypes`` (``JSONValue``, ``JSONObject``),
whose docstring justifies every use, so those uses need no comment of their own. A
``# type: ignore`` names its error codes and gives a reason after them
(``# type: ignore[attr-defined]  # the i18n extension adds it``) or in the comment right above.
Words in docstrings and comments ("Any edit ...") are not uses.
"""

from __future__ import annotations

import io
import re
import tokenize
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from mypy.main import define_options

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pipeline"
STRICT_PACKAGES = ("pipeline.core", "pipeline.engine")

_ANY_REASON = re.compile(r"\bAny\b.*\w+\W+\w+\W+\w+")  # "Any" and at least three more words
_IGNORE = re.compile(r"type:\s*ignore(?P<codes>\[[\w\-, ]+\])?(?P<rest>.*)")
_REASON = re.compile(r"#\W*\w+\W+\w+")  # a further comment of at least two words
# A string that is a type expression holding Any (``cast("dict[str, Any]", x)``).
_TYPE_STRING = re.compile(r"^[\w.]+\[[\w.\[\], |]*\bAny\b[\w.\[\], |]*\]$|^Any$")


def policy_problems(text: str, name: str = "<text>") -> list[str]:
    """``name:line: problem`` for each unjustified ``Any`` or ``type: ignore`` in ``text``."""
    tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    comments: dict[int, list[str]] = {}
    code_rows: set[int] = set()
    for tok in tokens:
        if tok.type == tokenize.COMMENT:
            comments.setdefault(tok.start[0], []).append(tok.string)
        elif tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
                              tokenize.ENDMARKER):
            code_rows.update(range(tok.start[0], tok.end[0] + 1))

    def above(row: int) -> list[str]:
        """The comment-only lines right above ``row``, nearest first."""
        found = []
        row -= 1
        while row in comments and row not in code_rows:
            found += comments[row]
            row -= 1
        return found

    problems = []
    for first, last, statement in _statements(tokens):
        nearby = [c for row in range(first, last + 1) for c in comments.get(row, [])]
        if _uses_any(statement) and not any(_ANY_REASON.search(c) for c in nearby + above(first)):
            problems.append(f"{name}:{first}: Any without a justification comment")
        for tok in statement:
            if tok.type != tokenize.COMMENT or not (match := _IGNORE.search(tok.string)):
                continue
            row = tok.start[0]
            if not match["codes"]:
                problems.append(f"{name}:{row}: type: ignore without [error-code]")
            elif not _REASON.search(match["rest"]) and not any(
                    "ignore" in c for c in above(first)):
                problems.append(f"{name}:{row}: type: ignore without a reason")
    return problems


def _statements(tokens: list[tokenize.TokenInfo]
                ) -> Iterator[tuple[int, int, list[tokenize.TokenInfo]]]:
    """(first row, last row, tokens) of each logical line, its comments included."""
    current: list[tokenize.TokenInfo] = []
    for tok in tokens:
        if tok.type in (tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER):
            continue
        current.append(tok)
        if tok.type == tokenize.NEWLINE or (tok.type == tokenize.NL and len(current) == 1):
            yield current[0].start[0], tok.end[0], current
            current = []
        elif tok.type == tokenize.NL and all(t.type in (tokenize.COMMENT, tokenize.NL)
                                             for t in current):
            yield current[0].start[0], tok.end[0], current  # a comment-only line
            current = []
    if current:
        yield current[0].start[0], current[-1].end[0], current


def _uses_any(statement: list[tokenize.TokenInfo]) -> bool:
    names = [t.string for t in statement if t.type == tokenize.NAME]
    if names[:1] in (["import"], ["from"]):
        return False  # importing the name is not a use
    if "Any" in names:
        return True
    return any(t.type == tokenize.STRING and _TYPE_STRING.match(_unquoted(t.string))
               for t in statement)


def _unquoted(literal: str) -> str:
    return literal.strip("rbuRBU").strip("\"'")


def _sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", _sources(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_any_and_type_ignore_is_justified(path: Path) -> None:
    shown = path.relative_to(ROOT).as_posix()
    assert policy_problems(path.read_text(encoding="utf-8"), shown) == []


def test_json_alias_is_the_one_justified_any_for_json() -> None:
    from pipeline.core import jsontypes

    assert jsontypes.__doc__ and "justification" in jsontypes.__doc__
    source = (PACKAGE / "core" / "jsontypes.py").read_text(encoding="utf-8")
    assert policy_problems(source) == []


@pytest.mark.parametrize("text", [
    "from typing import Any\nx: Any = 1\n",
    "x: dict[str, Any] = {}  # a dict\n",
    "# Any\nx: Any = 1\n",  # a comment naming Any but giving no reason
    "y = cast(\"dict[str, Any]\", z)\n",
    "import typing\nx: typing.Any = 1\n",
    "def f(\n    a: int,  # Any: reason given for another line\n) -> None:\n    b: Any = a\n",
    "x = f()  # type: ignore\n",
    "x = f()  # type: ignore[misc]\n",
    "x = f()  # type: ignore[misc]  #\n",
])
def test_the_check_catches_unjustified_uses(text: str) -> None:
    assert policy_problems(text) != []


@pytest.mark.parametrize("text", [
    "from typing import Any\n",
    '"""Any edit changes the hash."""\n',
    "x = 'Any value'\n",
    "# Any problem is reported.\nx = 1\n",
    "x: Any = 1  # Any: the library ships no types\n",
    "# Any: the library ships no types,\n# so its values are untyped.\nx: Any = 1\n",
    "def f(a: Any,  # Any: forwarded unchanged to the base class\n      b: Any) -> Any:\n"
    "    return a\n",
    "from pipeline.core.jsontypes import JSONObject\nx: JSONObject = {}\n",
    "x = f()  # type: ignore[misc]  # a base chosen at run time\n",
    "# The stubs miss this attribute, hence the ignore.\nx = f()  # type: ignore[attr-defined]\n",
])
def test_the_check_accepts_justified_uses(text: str) -> None:
    assert policy_problems(text) == []


def _mypy_config() -> dict[str, object]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    config: dict[str, object] = data["tool"]["mypy"]
    return config


def test_mypy_is_strict_on_core_and_engine() -> None:
    """Every flag ``mypy --strict`` turns on (as this mypy lists them) holds for the two
    packages, set either globally or in the override naming both."""
    config = _mypy_config()
    overrides = config.get("overrides", [])
    assert isinstance(overrides, list)
    strict_assignments = define_options()[2]
    assert strict_assignments, "mypy no longer lists its strict flags"
    for package in STRICT_PACKAGES:
        named = [o for o in overrides if f"{package}.*" in _modules(o)]
        assert named, f"no [[tool.mypy.overrides]] for {package}.*"
        for flag, value in strict_assignments:
            found = [o[flag] for o in named if flag in o]
            assert (found[-1] if found else config.get(flag)) == value, (package, flag)


def test_no_pipeline_module_silences_mypy() -> None:
    """The rest of ``pipeline`` runs in mypy's default mode: nothing turns its errors off."""
    config = _mypy_config()
    assert config.get("packages") == ["pipeline"]
    assert not config.get("ignore_errors")
    overrides = config.get("overrides", [])
    assert isinstance(overrides, list)
    for override in overrides:
        if any(m == "pipeline" or m.startswith("pipeline.") for m in _modules(override)):
            assert not override.get("ignore_errors"), override
            assert override.get("follow_imports", "normal") == "normal", override


def _modules(override: dict[str, object]) -> list[str]:
    module = override.get("module", [])
    return [module] if isinstance(module, str) else [str(m) for m in module]
