"""The one compiler of user-supplied regular expressions (``[links] exclude``,
``.linkignore``, ``--exclude``, ``--remap``) and of ``--remap`` replacement templates.

Patterns are compiled with RE2 (``google-re2``), which matches in time linear in the
input whatever the pattern: a nested quantifier such as ``(a+)+$`` cannot make a run
hang. RE2 has no backreferences and no lookaround; such a pattern is refused with a
located finding (``ConfigError``, exit 2), as is a replacement template naming a group
its pattern does not have.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

import re2

from pipeline.core.model import Finding
from pipeline.core.settings import ConfigError

TEMPLATE_HINT = ("use \\g<N> or \\g<name> for a group the pattern has (\\g<0>: the whole "
                 "match) and \\\\ for a backslash")
_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # the problem becomes a finding; nothing on stderr


class Match(Protocol):
    """What this module reads of an RE2 match (google-re2 ships no types)."""

    def group(self, index: int, /) -> str | None: ...


class _Regex(Protocol):
    """What this module uses of a compiled RE2 pattern (google-re2 ships no types)."""

    groups: int
    groupindex: Mapping[str, int]

    def search(self, text: str, /) -> Match | None: ...

    def sub(self, replacement: Callable[[Match], str], text: str, /) -> str: ...


class Pattern:
    """A compiled RE2 pattern. Text that is not valid Unicode (a lone surrogate from a
    YAML escape, say) is matched with U+FFFD in its place instead of raising."""

    def __init__(self, regex: _Regex):
        self._regex = regex
        self.groups: int = regex.groups
        self.groupindex: dict[str, int] = dict(regex.groupindex)

    def search(self, text: str) -> Match | None:
        return self._regex.search(_encodable(text))

    def sub(self, replacement: Callable[[Match], str], text: str) -> str:
        return str(self._regex.sub(replacement, _encodable(text)))


def _encodable(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)
    return text


def compile_one(pattern: str) -> tuple[Pattern | None, str]:
    """(compiled, '') or (None, why RE2 refuses it)."""
    try:
        return Pattern(re2.compile(pattern, options=_OPTIONS)), ""
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        text = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
        return None, text
    except (TypeError, ValueError) as exc:  # e.g. a lone surrogate that is not UTF-8
        return None, str(exc)


def compile_patterns(patterns: list[tuple[str, int]],
                     problem: Callable[[str, int, str], Finding]) -> tuple[Pattern, ...]:
    """Compile ``(pattern, line)`` pairs; every refused one becomes its located finding
    (``problem(pattern, line, reason)``), and any finding is a ``ConfigError``."""
    compiled: list[Pattern] = []
    problems: list[Finding] = []
    for pattern, line in patterns:
        regex, reason = compile_one(pattern)
        if regex is None:
            problems.append(problem(pattern, line, reason))
        else:
            compiled.append(regex)
    if problems:
        raise ConfigError(problems)
    return tuple(compiled)


_SURROGATE = re.compile("[\ud800-\udfff]")
_TEMPLATE_PART = re.compile(r"\\(?:g<([^<>]*)>|([1-9]\d?)|(\\))|\\(.?)", re.S)


@dataclass(frozen=True)
class Template:
    """A replacement template: literal text and group references, checked against the
    pattern once (``\\g<N>``, ``\\g<name>``, ``\\N`` and ``\\\\`` for a backslash)."""

    parts: tuple[str | int, ...]  # literal text, or a group number

    def expand(self, match: Match) -> str:
        return "".join(p if isinstance(p, str) else (match.group(p) or "") for p in self.parts)


def parse_template(template: str, pattern: Pattern) -> tuple[Template | None, str]:
    """(template, '') or (None, what is wrong with it)."""
    parts: list[str | int] = []
    end = 0
    for found in _TEMPLATE_PART.finditer(template):
        parts.append(template[end:found.start()])
        end = found.end()
        name, digits, backslash, other = found.groups()
        if backslash:
            parts.append("\\")
            continue
        if other is not None:
            return None, (f"'\\{other}' is not a group reference"
                          if other else "ends with a lone '\\'")
        ref = name if name is not None else digits
        group = int(ref) if ref.isdigit() else pattern.groupindex.get(ref, -1)
        if not 0 <= group <= pattern.groups:
            return None, (f"refers to group {ref!r}, but the pattern has "
                          f"{pattern.groups} group(s)"
                          + (f" named {', '.join(sorted(pattern.groupindex))}"
                             if pattern.groupindex else ""))
        parts.append(group)
    parts.append(template[end:])
    return Template(tuple(p for p in parts if p != "")), ""

