"""JSON-shaped data: the one alias through which the project types arbitrary JSON values.

``JSONValue`` is ``Any``, and that is deliberate. Values decoded by json, orjson, msgspec or
PyYAML (front matter, engine state rows, report and cache documents, JSON-LD and feed data)
are recursive and of any JSON shape; a recursive union type would make mypy demand an
``isinstance`` at every read of data whose shape is already checked at run time where it is
read: engine state rows by their ``TypedDict`` shapes (``engine.store``), front matter by
its JSON Schema (``content.schema``), report and cache documents by the stage that owns them.
This docstring is the justification for every use of ``JSONValue`` and ``JSONObject``
(``tests/test_typing_policy.py`` counts their uses as justified). Data whose shape is known
gets a real type instead: a dataclass, a ``TypedDict`` (``engine.shapes``) or ``object``.
"""

from __future__ import annotations

from typing import Any, TypeAlias

JSONValue: TypeAlias = Any  # Any: arbitrary decoded JSON (see the module docstring)
JSONObject: TypeAlias = dict[str, JSONValue]  # a JSON object: string keys, JSON values
