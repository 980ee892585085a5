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

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import yaml

MAX_DEPTH = 32  # collections inside collections; real front matter uses 2-3
MAX_ALIASES = 100  # alias occurrences (``*name``) per front matter
MAX_NODES = 10_000  # values after every alias is expanded
MAX_CHARS = 1_000_000  # characters of scalars after every alias is expanded, beyond the text
FAST_PATH_CHARS = 64 * 1024  # alias-free text up to this size is composed before measuring

_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed
_TAGS: dict[str, str] = {}  # plain scalar -> its implicit tag


class _Loader(_BASE_LOADER):  # type: ignore[misc,valid-type]  # a base chosen at run time
    """The safe loader, with the implicit tag of plain scalars (keys, mostly) memoised:
    without path resolvers, PyYAML's ``resolve`` reads nothing but the value."""

    # Any: PyYAML calls this with (str, (bool, bool)) for a scalar, (None, bool) for a collection.
    def resolve(self, kind: type[yaml.Node], value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode and not self.yaml_path_resolvers:
            if not implicit[0]:
                return self.DEFAULT_SCALAR_TAG
            tag = _TAGS.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(_TAGS) >= 4096:
                    _TAGS.clear()
                _TAGS[value] = tag
            return tag
        return super().resolve(kind, value, implicit)


_LOADER = _Loader


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


def compose(text: str) -> yaml.Node | None:
    """The node tree of ``text`` once it is known to be within the limits.

    Raises ``LimitExceeded``, or ``yaml.YAMLError`` for YAML that does not parse. Text with
    possible aliases, or too long to compose blindly, is measured on the event stream
    first; small alias-free text (the usual front matter) is composed at once and its
    tree measured, which costs next to nothing.
    """
    try:
        walked = _needs_walk(text)
        if walked:
            with _parser(text) as parser:
                _walk(parser, MAX_CHARS + len(text))
        with _parser(text) as parser:
            node = parser.get_single_node()
        if node is not None and not walked:
            _check_tree(node)
        return node
    except yaml.MarkedYAMLError as exc:  # libyaml's own nesting limit, met while scanning ahead
        if "maximum nesting depth" not in (exc.problem or "") or exc.problem_mark is None:
            raise
        mark = exc.problem_mark
        raise _too_deep(mark.line, mark.column) from None


def _needs_walk(text: str) -> bool:
    return len(text) > FAST_PATH_CHARS or "&" in text or "*" in text


@contextmanager
def _parser(text: str) -> Iterator[yaml.SafeLoader]:
    parser = _LOADER(text)
    try:
        yield parser
    finally:
        parser.dispose()


def _too_deep(line: int, col: int) -> LimitExceeded:
    return LimitExceeded("FM016", f"YAML nests more than {MAX_DEPTH} collections deep",
                         "flatten the front matter", line, col)


def _check_tree(root: yaml.Node) -> None:
    """Depth and value count of an alias-free node tree (no recursion)."""
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    count = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            mark = node.start_mark
            raise LimitExceeded("FM017", f"the front matter has more than {MAX_NODES:,} values",
                                "shorten the front matter; long text belongs in the body",
                                mark.line, mark.column)
        if isinstance(node, yaml.ScalarNode):
            continue
        if depth > MAX_DEPTH:
            raise _too_deep(node.start_mark.line, node.start_mark.column)
        children = node.value if isinstance(node, yaml.SequenceNode) else \
            [item for pair in node.value for item in pair]
        stack.extend((child, depth + 1) for child in reversed(children))


def _walk(parser: yaml.SafeLoader, max_chars: int) -> None:
    stack: list[_Open] = [_Open(None, 0)]
    sizes: dict[str | None, tuple[int, int]] = {}  # anchor -> expanded (nodes, chars)
    aliases = 0
    while parser.check_event():
        event = parser.get_event()
        mark = event.start_mark
        if isinstance(event, yaml.CollectionStartEvent):
            if len(stack) > MAX_DEPTH:
                raise _too_deep(mark.line, mark.column)
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
    assert mark is not None  # the parser marks every event
    if isinstance(event, yaml.AliasEvent):
        return LimitExceeded("FM015", f"alias '*{event.anchor}' expands the front matter past "
                             f"{limit}", "write the values out instead of nesting aliases",
                             mark.line, mark.column)
    return LimitExceeded("FM017", f"the front matter has more than {limit}",
                         "shorten the front matter; long text belongs in the body",
                         mark.line, mark.column)
