"""User-supplied regular expressions (``[links] exclude``, ``.linkignore``, ``--exclude``,
``--remap``) are compiled by RE2: catastrophic patterns finish, patterns RE2 cannot run
and bad replacement templates are located usage errors (exit 2), never tracebacks."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from links_support import article, by_url, read_report

from pipeline.cli import main
from pipeline.links.patterns import compile_one, parse_template

CATASTROPHIC = ("(a+)+$", "(a|a)+$", "(a*)*b$", "(.*a){20}$", "((a+)*)+z$")
REFUSED = (r"(a)\1", "foo(?=bar)", "foo(?!bar)", "(?<=x)y", "(?<!x)y")
LONG_LINK = "https://example.com/" + "a" * 5000 + "!"


def _run(root: Path, *flags: str) -> int:
    return main(["links", "--root", str(root), "--no-cache", *flags])


def _subprocess_links(root: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    """``links --offline`` in its own process; the generous timeout only stops a hang."""
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "links", "--root", str(root), "--offline",
         "--no-cache", "--format", "json", *flags],
        capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("where", ["linkignore", "exclude-flag", "site-toml"])
def test_a_catastrophic_pattern_on_a_long_link_finishes(project, where: str) -> None:
    pattern = CATASTROPHIC[0]
    root = project({"en/a.md": article("a", f"[long]({LONG_LINK})")},
                   {"exclude": [pattern]} if where == "site-toml" else None)
    flags: tuple[str, ...] = ()
    if where == "linkignore":
        (root / ".linkignore").write_text(pattern + "\n", encoding="utf-8")
    elif where == "exclude-flag":
        flags = ("--exclude", pattern)
    done = _subprocess_links(root, *flags)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr


def test_every_catastrophic_pattern_in_linkignore_finishes_and_still_matches(project) -> None:
    body = "\n\n".join([f"[long]({LONG_LINK})", "[kept](https://example.com/kept)"])
    root = project({"en/a.md": article("a", body)})
    ignore = "\n".join([*CATASTROPHIC, "!$"]) + "\n"  # the last one excludes the long link
    (root / ".linkignore").write_text(ignore, encoding="utf-8")
    done = _subprocess_links(root)
    assert done.returncode == 0, done.stderr
    links = by_url(read_report(root))
    assert links[LONG_LINK]["state"] == "excluded"
    assert links["https://example.com/kept"]["state"] != "excluded"


@pytest.mark.parametrize("pattern", REFUSED)
def test_a_pattern_re2_refuses_in_linkignore_is_located(project, capsys, pattern: str) -> None:
    root = project({"en/a.md": article("a", "x")})
    (root / ".linkignore").write_text(f"# comment\nfine\n\n{pattern}\n", encoding="utf-8")
    assert _run(root, "--offline") == 2
    err = capsys.readouterr().err
    assert ".linkignore:4:1" in err and "CF101" in err and "RE2" in err
    assert "Traceback" not in err and "re2.cc" not in err


@pytest.mark.parametrize("pattern", REFUSED)
def test_a_pattern_re2_refuses_in_exclude_names_the_option(project, capsys,
                                                           pattern: str) -> None:
    root = project({"en/a.md": article("a", "x")})
    assert _run(root, "--offline", "--exclude", "ok", "--exclude", pattern) == 2
    err = capsys.readouterr().err
    assert err.startswith("--exclude:") and repr(pattern) in err and "lookaround" in err
    assert "Traceback" not in err


def test_a_pattern_re2_refuses_in_site_toml_is_a_config_error(project, capsys) -> None:
    root = project({"en/a.md": article("a", "x")}, {"exclude": ["ok", r"(x)\1"]})
    assert _run(root, "--offline") == 2
    err = capsys.readouterr().err
    line = (root / "site.toml").read_text(encoding="utf-8").splitlines().index(
        'exclude = ["ok", "(x)\\\\1"]') + 1
    assert err.startswith(f"site.toml:{line}:1: error CF100") and "links.exclude" in err
    assert "RE2" in err


@pytest.fixture
def built_root(project) -> Path:  # type: ignore[no-untyped-def]
    root = project({"en/a.md": article("a", "x")})
    (root / "dist" / "en" / "b").mkdir(parents=True)
    (root / "dist" / "en" / "b" / "index.html").write_text("<p>b</p>", encoding="utf-8")
    (root / "dist" / "index.html").write_text(
        '<a href="https://prod.example/en/b/">b</a>\n', encoding="utf-8")
    return root


@pytest.mark.parametrize("replacement", [r"\g<5>", r"\1", r"\g<name>", "/x\\", r"\q", r"\0",
                                         r"\g<-1>", r"\g<>", r"\g<1"])
def test_a_bad_remap_replacement_is_a_usage_error(built_root: Path, capsys,
                                                  replacement: str) -> None:
    assert _run(built_root, "--built", "--offline", "--remap", "^/", replacement) == 2
    err = capsys.readouterr().err
    assert err.startswith("--remap:") and "replacement" in err and "Traceback" not in err


@pytest.mark.parametrize("pattern", [*REFUSED, "(unclosed"])
def test_a_bad_remap_pattern_is_a_usage_error(built_root: Path, capsys, pattern: str) -> None:
    assert _run(built_root, "--built", "--offline", "--remap", pattern, "/") == 2
    err = capsys.readouterr().err
    assert err.startswith("--remap:") and "pattern" in err and "Traceback" not in err


@pytest.mark.parametrize("replacement", [r"/\g<path>", r"/\1", r"/\g<1>", r"/\2/b/"])
def test_remap_group_references_rewrite_links(built_root: Path, replacement: str) -> None:
    pattern = r"^https://prod\.example/(?P<path>(en)/b/)$"
    assert _run(built_root, "--built", "--offline", "--remap", pattern, replacement) == 0
    assert by_url(read_report(built_root))["/en/b/"]["state"] == "ok"


TEXT = st.text(alphabet="ab/-x\u0628", max_size=8)
PATTERNS = st.sampled_from(["(a)(b)?", "(?P<n>a+)/(x)?", "a", "(\u0628+)|(x)"])


REFERENCE = st.tuples(st.integers(-1, 4), st.booleans())  # (group, written as \\N)


def _written(piece: str | tuple[int, bool]) -> str:
    if isinstance(piece, str):
        return piece
    group, short = piece
    return f"\\{group}" if short and group >= 1 else f"\\g<{group}>"


@settings(max_examples=300, deadline=None)
@given(pattern=PATTERNS, subject=TEXT,
       pieces=st.lists(st.one_of(TEXT, REFERENCE, st.just("\\\\")), max_size=5))
def test_templates_expand_as_python_re_sub_does(pattern: str, subject: str,
                                                pieces: list[str | tuple[int, bool]]) -> None:
    """Literal text, ``\\\\`` and in-range group references (``\\g<N>``, ``\\N``) give
    Python's ``re.sub`` result; an out-of-range reference is refused."""
    template = "".join(_written(p) for p in pieces)
    regex, reason = compile_one(pattern)
    assert regex is not None, reason
    parsed, problem = parse_template(template, regex)
    python = re.compile(pattern)
    if any(isinstance(p, tuple) and not 0 <= p[0] <= python.groups for p in pieces):
        assert parsed is None and "group" in problem
        return
    assert parsed is not None, problem
    assert regex.sub(parsed.expand, subject) == python.sub(template, subject)


@settings(deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_compiled_or_refused_with_a_reason(pattern: str) -> None:
    regex, reason = compile_one(pattern)
    assert (regex is None) == bool(reason)


@settings(deadline=None)
@given(subject=st.text(st.sampled_from(["a", "b", "x", "/", "\u00e9", "\ud800", "\udfff"]))
       | st.text(st.characters(blacklist_categories=())), pattern=PATTERNS)
def test_matching_any_text_never_raises(subject: str, pattern: str) -> None:
    """Lone surrogates (a YAML escape can make one) are matched as U+FFFD."""
    regex, _ = compile_one(pattern)
    assert regex is not None
    regex.search(subject)
    template, _ = parse_template(r"<\g<0>>", regex)
    assert template is not None
    assert isinstance(regex.sub(template.expand, subject), str)

