"""Deterministic JSON, the bytes ``json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
+ "\\n"`` gives, encoded by orjson (Rust) instead of the stdlib's pure-Python indenting encoder.

orjson (``OPT_INDENT_2 | OPT_SORT_KEYS``) writes the same layout, escapes, key order and
UTF-8 text as the json module for plain JSON values. It differs on a few values, which
go to the json module instead, so the output never depends on the encoder:
- floats below 1e-4 (json writes ``1e-05``, orjson ``0.00001``; ``1e-07`` vs ``1e-7``),
  NaN and infinities (json writes ``NaN``, orjson ``null``);
- what orjson refuses: integers beyond 64 bits, lone surrogates, non-string keys,
  nesting deeper than 255, circular data;
- types other than dict, list, tuple, str, int, float, bool and None (subclasses such
  as a ``str`` enum, dataclasses, datetimes): json encodes or rejects them as before.
"""

from __future__ import annotations

import json
import math
from typing import Any

import orjson

_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE
_SCALARS = (str, int, bool, type(None))


def _reference(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _encodes_alike(data: object) -> bool:
    """Whether orjson writes ``data`` as json does (``data`` is acyclic: orjson took it)."""
    # Any: values of every JSON shape, dispatched on their exact type(), which mypy does not
    # narrow through the ``kind`` variable (isinstance would also accept subclasses).
    stack: list[Any] = [data]
    pop, extend = stack.pop, stack.extend
    while stack:
        value = pop()
        kind = type(value)
        if kind is dict:
            extend(value.values())
        elif kind is list or kind is tuple:
            extend(value)
        elif kind is float:
            if not (value == 0.0 or 1e-4 <= abs(value) < math.inf):
                return False
        elif kind not in _SCALARS:
            return False
    return True


def dumps_plain_bytes(data: object) -> bytes:
    """``dumps_json_bytes`` for data its maker vouches holds only dicts, lists, strings,
    integers, booleans, None and floats of 1e-4 and more: orjson without the value scan
    (the general way when orjson refuses a value, such as a lone surrogate)."""
    try:
        return orjson.dumps(data, option=_OPTIONS)
    except orjson.JSONEncodeError:
        return _reference(data).encode("utf-8")


def dumps_json_bytes(data: object) -> bytes:
    """UTF-8 of ``json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\\n"``."""
    try:
        encoded = orjson.dumps(data, option=_OPTIONS)
    except orjson.JSONEncodeError:
        return _reference(data).encode("utf-8")
    return encoded if _encodes_alike(data) else _reference(data).encode("utf-8")


def dumps_json(data: object) -> str:
    """``json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\\n"``, faster."""
    try:
        encoded = orjson.dumps(data, option=_OPTIONS)
    except orjson.JSONEncodeError:
        return _reference(data)
    return encoded.decode("utf-8") if _encodes_alike(data) else _reference(data)


def dumps_json_nested(data: object, depth: int) -> bytes:
    """``dumps_json_bytes(data)`` without its final newline, laid out as a value nested
    ``depth`` levels deep in a larger document: the same bytes the larger document's
    encoding holds there (JSON strings hold no raw newline, so indenting every line after
    the first is exact). Lets a document be assembled from parts encoded once."""
    encoded = dumps_json_bytes(data)[:-1]
    return encoded.replace(b"\n", b"\n" + b"  " * depth) if depth else encoded
