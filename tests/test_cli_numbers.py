"""Every number on the command line is held to the bounds of its ``site.toml`` key.

The options are discovered from the argparse parsers of every command (and of
``python -m pipeline.audit``), so an option added later is covered without listing it
here; a number option declared with a bare ``int``/``float`` type fails the first test.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.audit.__main__ import make_parser as audit_parser
from pipeline.cli import main, make_parser
from pipeline.commands import command_names
from pipeline.core.settings import parse_settings
from pipeline.core.settings_rules import JOBS_PER_CORE, NumberOption, cores

HOSTILE = ("-1", "0", "1", "99999999999999999999", "1e999", "inf", "-inf", "nan", "NaN",
           "", " ", "1.5", "-0", "1e3", "300", "301", "65535", "70000", "1_000", "abc")
ALWAYS_REFUSED = ("-1", "1e999", "inf", "-inf", "nan", "NaN", "", " ", "abc")


def _parsers() -> Iterator[tuple[str, argparse.ArgumentParser]]:
    for command in sorted(command_names()):
        parser = make_parser(command)
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        yield command, sub.choices[command]
    yield "audit", audit_parser()


def _all_actions() -> list[tuple[str, argparse.ArgumentParser, argparse.Action]]:
    return [(command, parser, action) for command, parser in _parsers()
            for action in parser._actions if action.option_strings]


NUMERIC = [(c, p, a) for c, p, a in _all_actions() if isinstance(a.type, NumberOption)]


def _id(item: tuple[str, argparse.ArgumentParser, argparse.Action]) -> str:
    return f"{item[0]} {item[2].option_strings[0]}"


def test_no_number_option_bypasses_the_bounds() -> None:
    bare = [_id(item) for item in _all_actions() if item[2].type in (int, float)]
    assert bare == []
    found = {_id(item) for item in NUMERIC}
    # the ones the hardening issue named are among them (discovery works)
    assert {"build --jobs", "bundles --jobs", "serve --port", "links --retries",
            "links --timeout", "links --jobs", "hreflang --workers",
            "audit --lighthouse-limit"} <= found


def _parse(parser: argparse.ArgumentParser, command: str, option: str,
           value: str, capsys: pytest.CaptureFixture[str]) -> tuple[object, str]:
    """(parsed value, '') or (None, argparse's message on stderr)."""
    args = [] if command == "audit" else [command]
    if command == "import":
        args += ["x.txt", "--locale", "en", "--date", "2025-01-01"]
    try:
        parsed = parser.parse_args([*args[1:], f"{option}={value}"])
    except SystemExit as exc:
        assert exc.code == 2
        return None, capsys.readouterr().err
    return getattr(parsed, parser._option_string_actions[option].dest), ""


def _config_accepts(key: str, value: str) -> bool | None:
    """Whether ``site.toml`` takes ``key = value`` (None: not a TOML value)."""
    section, _, name = key.partition(".")
    try:
        literal = tomllib.loads(f"v = {value}")["v"]
    except tomllib.TOMLDecodeError:
        return None
    data = {"site": {"name": "x", "base_url": "https://example.org"},
            "locales": [{"code": "en", "hreflang": "en", "og_locale": "en_US",
                         "direction": "ltr", "name": "English"}],
            section: {name: literal}}
    _, findings = parse_settings(data, root=Path("/nonexistent-root"))
    return not [f for f in findings if f.code != "CF105"]


@pytest.mark.parametrize("item", NUMERIC, ids=_id)
def test_hostile_values_are_usage_errors_naming_the_option(item, capsys) -> None:
    command, parser, action = item
    option = action.option_strings[0]
    spec: NumberOption = action.type
    for value in HOSTILE:
        parsed, err = _parse(parser, command, option, value, capsys)
        if parsed is None:
            assert f"argument {option}" in err, (value, err)
            assert "Traceback" not in err
        else:
            assert value not in ALWAYS_REFUSED, (option, value)
            assert isinstance(parsed, spec.kind) and spec.bound.problem(parsed) == ""
        if spec.key and value.strip():
            config = _config_accepts(spec.key, value)
            if config is not None:
                assert config == (parsed is not None), (option, value, err)


@pytest.mark.parametrize("item", [i for i in NUMERIC if i[2].type.kind is int], ids=_id)
def test_huge_integers_are_refused_by_every_integer_option(item, capsys) -> None:
    command, parser, action = item
    for value in ("99999999999999999999", str(2**64), "1" + "0" * 400):
        parsed, err = _parse(parser, command, action.option_strings[0], value, capsys)
        assert parsed is None and "must be at most" in err


@settings(max_examples=200, deadline=None)
@given(item=st.sampled_from([i for i in NUMERIC if i[2].type.key]),
       value=st.one_of(st.integers(-10**6, 10**6).map(str),
                       st.floats(allow_nan=True, allow_infinity=True).map(repr)))
def test_command_line_and_site_toml_agree(item, value: str) -> None:
    """Any number: the flag accepts it exactly when its ``site.toml`` key does."""
    command, parser, action = item
    spec: NumberOption = action.type
    try:
        spec(value)
        accepted = True
    except argparse.ArgumentTypeError:
        accepted = False
    config = _config_accepts(spec.key, value)
    if config is not None:
        assert accepted == config


def test_jobs_are_capped_at_a_multiple_of_the_cores(capsys) -> None:
    cap = JOBS_PER_CORE * cores()
    parser = dict(_parsers())["build"]
    assert parser.parse_args([f"--jobs={cap}"]).jobs == cap
    with pytest.raises(SystemExit):
        parser.parse_args([f"--jobs={cap + 1}"])
    assert f"must be at most {cap:,}" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [
    ["build", "--jobs", "-1"], ["build", "--jobs", "99999999999999999999"],
    ["build", "--jobs", "100000"], ["serve", "--port", "70000"],
    ["links", "--retries", "1000000"], ["links", "--timeout", "inf"],
    ["links", "--timeout", "nan"], ["hreflang", "--timeout", "0"],
    ["links", "--workers", "0"], ["links", "--max-cache-age", "1e999"],
])
def test_the_reported_command_lines_exit_2_without_a_traceback(argv: list[str],
                                                               tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "pipeline", *argv, "--root", str(tmp_path)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert f"argument {argv[1]}:" in done.stderr and "Traceback" not in done.stderr


def test_main_exits_2_naming_the_option(capsys) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["links", "--timeout", "nan"])
    assert raised.value.code == 2
    assert "argument --timeout: must be a finite number" in capsys.readouterr().err
