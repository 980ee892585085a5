"""Read one Markdown source safely and split its YAML front matter, keeping line numbers.

The split is done here (not by python-frontmatter, which drops positions) so that
every key has its line and column and every YAML error its position. Problems are returned as
``Finding`` values (codes ``FM0xx``), never raised.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from pipeline.content import yaml_limits
from pipeline.core.jsontypes import JSONObject, JSONValue
from pipeline.core.model import Finding, Severity
from pipeline.core.safe_read import read_regular

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FENCE = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.S)


@dataclass
class Parsed:
    """A source split into front matter (plain data), body and positions."""

    data: JSONObject
    body: str
    body_line: int
    key_lines: dict[str, int] = field(default_factory=dict)
    key_cols: dict[str, int] = field(default_factory=dict)


def err(path: str, line: int, code: str, message: str, hint: str = "", col: int = 1,
        severity: Severity = Severity.ERROR) -> Finding:
    return Finding(path, line, col, code, severity, message, hint)


def read_text(path: Path, shown: str, max_bytes: int) -> tuple[str | None, list[Finding]]:
    """Bytes -> text with every encoding problem reported; ``None`` when unusable."""
    try:
        raw = read_regular(path, max_bytes)
    except OSError as exc:
        return None, [err(shown, 1, "FM001", f"cannot read file: {exc.strerror or exc}")]
    if isinstance(raw, str):
        return None, [err(shown, 1, "FM008", f"is {raw}, not a regular file",
                          "only Markdown files belong in the content tree")]
    if len(raw) > max_bytes:
        return None, [err(shown, 1, "FM002", f"file is over the {max_bytes:,}-byte limit",
                          "split the article or raise validate.max_file_bytes")]
    if not raw.strip():
        return None, [err(shown, 1, "FM005", "file is empty", "add front matter and a body")]
    if b"\x00" in raw[:8192]:
        return None, [err(shown, 1, "FM004", "file looks binary (contains NUL bytes)",
                          "only UTF-8 Markdown belongs in the content tree")]
    findings: list[Finding] = []
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
        findings.append(err(shown, 1, "FM007", "file starts with a UTF-8 byte order mark",
                            "save without BOM; it was ignored", severity=Severity.WARNING))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [*findings, err(shown, line, "FM003",
                                     f"invalid UTF-8 (byte 0x{raw[exc.start]:02X})",
                                     "re-save the file as UTF-8", col=col)]
    return text.replace("\r\n", "\n").replace("\r", "\n"), findings


def split(text: str, shown: str) -> tuple[Parsed | None, list[Finding]]:
    """Split front matter from body and parse it; every YAML problem is located."""
    if not text.startswith("---"):
        return None, [err(shown, 1, "FM010", "no front matter: the file must start with '---'",
                          "add a YAML block between two '---' lines")]
    match = FENCE.match(text)
    if not match:
        return None, [err(shown, 1, "FM011", "front matter is not closed by a '---' line")]
    yaml_text, body = match.group(1) or "", text[match.end():]
    body_line = 1 + text[: match.end()].count("\n")
    try:
        node, data, plain = _compose_and_load(yaml_text)
    except yaml_limits.LimitExceeded as exc:
        return None, [err(shown, exc.line + 2, exc.code, exc.message, exc.hint, col=exc.col + 1)]
    except (ValueError, TypeError) as exc:  # a scalar YAML accepted but cannot construct
        line, col = _failing_scalar(yaml_text)
        return None, [err(shown, line, "FM012", f"invalid YAML value: {exc}",
                          "quote the value to keep it as text", col=col)]
    except yaml.YAMLError as exc:
        return None, [_yaml_error(yaml_text, shown, exc)]
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, [err(shown, 2, "FM013", f"front matter must be a mapping of keys, "
                          f"got {type(data).__name__}", "write 'key: value' lines")]
    lines: dict[str, int] = {}
    cols: dict[str, int] = {}
    findings = _index_keys(node, "", lines, cols, shown)
    return Parsed(data if plain else _plain(data), body, body_line, lines, cols), findings


def _compose_and_load(yaml_text: str) -> tuple[yaml.Node | None, JSONValue, bool]:
    """One YAML pass (within ``yaml_limits``) giving the node tree and the data; the flag
    says whether the data is already plain (``_plain``)."""
    node = yaml_limits.compose(yaml_text)
    if node is None:
        return None, None, True
    loader = _LOADER("")
    try:
        if type(node) is yaml.MappingNode:  # other roots are reported by their type
            try:
                return node, _plain_of(node, loader), True
            except Exception:  # noqa: BLE001 - anything unusual: the full constructor decides
                pass
        loader.dispose()
        loader = _LOADER("")
        return node, loader.construct_document(node), False
    finally:
        loader.dispose()


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class _Unusual(Exception):
    """A node the short path leaves to PyYAML's constructor (merge keys, other tags)."""


def _plain_of(node: yaml.Node, loader: yaml.constructor.BaseConstructor) -> JSONValue:
    """``_plain(loader.construct_document(node))`` for the usual front matter: mappings
    with text keys, lists and scalars (scalars other than text are built by PyYAML's own
    constructor). Raises on anything else, and whatever the constructor raises."""
    kind = type(node)
    if kind is yaml.ScalarNode:
        if node.tag == _STR:
            return node.value
        value = loader.construct_object(node, deep=True)
        if isinstance(value, dt.datetime | dt.date):
            return value.isoformat()
        if isinstance(value, dict | list):
            raise _Unusual(node.tag)
        return value
    if kind is yaml.MappingNode and node.tag == _MAP:
        data: JSONObject = {}
        for key_node, value_node in node.value:
            if type(key_node) is not yaml.ScalarNode or key_node.tag != _STR:
                raise _Unusual(key_node.tag)  # merge keys, '=' and keys other than text
            data[key_node.value] = _plain_of(value_node, loader)
        return data
    if kind is yaml.SequenceNode and node.tag == _SEQ:
        return [_plain_of(item, loader) for item in node.value]
    raise _Unusual(node.tag)


PY_REPARSE_MAX = 64 * 1024  # the pure-Python parser's messages are clearer, but 20x slower


def _yaml_error(yaml_text: str, shown: str, first: yaml.YAMLError) -> Finding:
    """Locate a YAML error; small texts are re-parsed by the pure-Python parser (events
    only, so nothing recurses) for its clearer messages, large ones keep libyaml's."""
    if isinstance(first, yaml.reader.ReaderError):
        return _reader_error(yaml_text, shown, first)
    exc: yaml.YAMLError = first
    if len(yaml_text) <= PY_REPARSE_MAX:
        try:
            for _ in yaml.parse(yaml_text, Loader=yaml.SafeLoader):  # noqa: S506 (SafeLoader)
                pass
        except yaml.YAMLError as python_exc:
            exc = python_exc
    if not isinstance(exc, yaml.MarkedYAMLError):
        return err(shown, 1, "FM012", f"invalid YAML: {exc}")
    mark = exc.problem_mark
    if exc.context_mark is not None and "end of stream" in (exc.problem or ""):
        mark = exc.context_mark
    where = f" ({exc.context})" if exc.context else ""
    line, col = (mark.line + 2, mark.column + 1) if mark else (1, 1)
    return err(shown, line, "FM012", f"invalid YAML: {exc.problem}{where}",
               "check quoting and indentation", col=col)


def _reader_error(yaml_text: str, shown: str, exc: yaml.reader.ReaderError) -> Finding:
    """A character YAML refuses (C0/C1 control, U+FFFE...), located at its own line/col."""
    found = yaml.reader.Reader.NON_PRINTABLE.search(yaml_text)
    index = found.start() if found else 0
    line = yaml_text.count("\n", 0, index) + 2
    col = index - (yaml_text.rfind("\n", 0, index) + 1) + 1
    char = yaml_text[index] if found else "?"
    return err(shown, line, "FM012", f"invalid YAML: character U+{ord(char):04X} is not "
               f"allowed in YAML ({exc.reason})", "delete the character or write it as an "
               "escape in a double-quoted string", col=col)


def _failing_scalar(yaml_text: str) -> tuple[int, int]:
    """Position of the first scalar whose construction fails (e.g. date 2025-13-45)."""
    node = yaml.compose(yaml_text, Loader=_LOADER)
    constructor = yaml.constructor.SafeConstructor()
    stack = [node]
    while stack:
        current = stack.pop(0)
        if isinstance(current, yaml.MappingNode):
            stack.extend(v for pair in current.value for v in pair)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, yaml.ScalarNode):
            try:
                constructor.construct_object(current, deep=True)
            except (ValueError, TypeError, yaml.YAMLError):
                return current.start_mark.line + 2, current.start_mark.column + 1
    return 1, 1


def _index_keys(node: yaml.Node | None, prefix: str, lines: dict[str, int], cols: dict[str, int],
                shown: str) -> list[Finding]:
    """Record ``dotted.key -> line`` for every mapping key; flag duplicate keys."""
    findings: list[Finding] = []
    if not isinstance(node, yaml.MappingNode):
        return findings
    for key_node, value_node in node.value:
        key = f"{prefix}{key_node.value}"
        line, col = key_node.start_mark.line + 2, key_node.start_mark.column + 1
        if key in lines:
            findings.append(err(shown, line, "FM014", f"duplicate key '{key}' (first on line "
                                f"{lines[key]})", "keep one; YAML would silently use the last",
                                col=col))
        lines[key], cols[key] = line, col
        findings += _index_keys(value_node, f"{key}.", lines, cols, shown)
    return findings


def _plain(value: object) -> JSONValue:
    """YAML values -> JSON-like data (dates to ISO strings) for schema validation."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def body_of(raw: bytes) -> str:
    """The body of a source file's bytes, as ``read_text`` + ``split`` give it."""
    text = raw.decode("utf-8", errors="replace").removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    match = FENCE.match(text)
    return text[match.end():] if match else ""
