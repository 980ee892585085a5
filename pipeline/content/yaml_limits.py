"""Resource limits for front-matter YAML, checked on the event stream before composing.

A few hundred bytes of YAML can expand to gigabytes through aliases ("billion laughs"),
refer to themselves (``&a [*a]``) or nest thousands of levels deep. One pass over
libyaml's events (C speed, no recursion, nothing built) measures the document as it
would be after expanding every alias; the first limit crossed is raised as a
``LimitExceeded`` with the position of the alias or collection that crossed it.

Codes: FM015 alias expansion, FM016 nesting depth, FM017 converted data size,
FM018 an alias inside the collection it names (a cycle).
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

MAX_DEPTH = 32  # collections inside collections; real front matter uses 2-3
MAX_ALIASES = 100  # alias occurrences (``*name``) per front matter
MAX_NODES = 10_000  # values after every alias is expanded
MAX_CHARS = 1_000_000  # characters of scalars after every alias is expanded, beyond the text

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed


@dataclass
class LimitExceeded(Exception):
    """A limit crossed at ``line``/``col`` (0-based, inside the YAML text)."""

    code: str
    message: str
    hint: str
    line: int
    col: int


@dataclass
class _Open:
    """A collection still being read: its anchor and expanded size so far."""

    anchor: str | None
    nodes: int = 1
    chars: int = 0
    alias: yaml.Event | None = None  # the last alias inside, to blame for the growth


def check(text: str) -> None:
    """Raise ``LimitExceeded`` when ``text`` crosses a limit; YAML errors pass through."""
    parser = _LOADER(text)
    try:
        _walk(parser, MAX_CHARS + len(text))
    except yaml.MarkedYAMLError as exc:  # libyaml's own nesting limit, met while scanning ahead
        if "maximum nesting depth" not in (exc.problem or "") or exc.problem_mark is None:
            raise
        mark = exc.problem_mark
        raise LimitExceeded("FM016", f"YAML nests more than {MAX_DEPTH} collections deep",
                            "flatten the front matter", mark.line, mark.column) from None
    finally:
        parser.dispose()


def _walk(parser: yaml.SafeLoader, max_chars: int) -> None:
    stack: list[_Open] = [_Open(None, 0)]
    sizes: dict[str, tuple[int, int]] = {}  # anchor -> expanded (nodes, chars)
    aliases = 0
    while parser.check_event():
        event = parser.get_event()
        mark = event.start_mark
        if isinstance(event, yaml.CollectionStartEvent):
            if len(stack) > MAX_DEPTH:
                raise LimitExceeded("FM016", f"YAML nests more than {MAX_DEPTH} collections "
                                    "deep", "flatten the front matter", mark.line, mark.column)
            stack.append(_Open(event.anchor))
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            done = stack.pop()
            if done.anchor is not None:
                sizes[done.anchor] = (done.nodes, done.chars)
            nodes, chars, alias = done.nodes, done.chars, done.alias
        elif isinstance(event, yaml.ScalarEvent):
            nodes, chars, alias = 1, len(event.value), None
            if event.anchor is not None:
                sizes[event.anchor] = (nodes, chars)
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if any(item.anchor == event.anchor for item in stack):
                raise LimitExceeded("FM018", f"alias '*{event.anchor}' is inside the "
                                    f"collection '&{event.anchor}' it names (endless data)",
                                    "remove the alias", mark.line, mark.column)
            if aliases > MAX_ALIASES:
                raise LimitExceeded("FM015", f"more than {MAX_ALIASES} YAML aliases",
                                    "write the values out instead of '*alias'",
                                    mark.line, mark.column)
            nodes, chars = sizes.get(event.anchor, (1, 0))  # undefined: the composer reports it
            alias = event
        else:
            continue
        top = stack[-1]
        top.nodes += nodes
        top.chars += chars
        top.alias = alias or top.alias
        if top.nodes > MAX_NODES or top.chars > max_chars:
            raise _too_big(alias or event, top.nodes > MAX_NODES, max_chars)


def _too_big(event: yaml.Event, nodes: bool, max_chars: int) -> LimitExceeded:
    limit = f"{MAX_NODES:,} values" if nodes else f"{max_chars:,} characters"
    mark = event.start_mark
    if isinstance(event, yaml.AliasEvent):
        return LimitExceeded("FM015", f"alias '*{event.anchor}' expands the front matter past "
                             f"{limit}", "write the values out instead of nesting aliases",
                             mark.line, mark.column)
    return LimitExceeded("FM017", f"the front matter has more than {limit}",
                         "shorten the front matter; long text belongs in the body",
                         mark.line, mark.column)
