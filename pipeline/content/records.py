"""Articles and findings as plain JSON data, for the engine's caches (no code runs on read).

``article_record`` leaves the body out: a cached article reads it from its file when a
stage needs it (``Article.body``).
"""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from pathlib import Path
from typing import Any

from pipeline.core.jsontypes import JSONObject, JSONValue
from pipeline.core.model import SEVERITIES, Article, Author, Finding, FrontMatter, Reviewer, Severity


def finding_record(f: Finding) -> list[JSONValue]:
    return [f.path, f.line, f.col, f.code, f.severity.value, f.message, f.hint]


def finding_of(data: list[JSONValue]) -> Finding:
    path, line, col, code, severity, message, hint = data
    level = SEVERITIES.get(severity) if isinstance(severity, str) else None
    return Finding(str(path), int(line), int(col), str(code),
                   Severity(severity) if level is None else level, str(message), str(hint))


def _encode(value: object) -> JSONValue:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Author):
        return [value.name, value.picture, value.url, list(value.same_as), value.kind]
    if isinstance(value, Reviewer):
        return [value.name, value.credentials, value.url, value.kind]
    return list(value) if isinstance(value, tuple) else value


# Any: the value of the FrontMatter field ``name``, of the type that field declares.
def _decode(name: str, value: JSONValue) -> Any:
    if value is None:
        return None
    if name in DATES:
        return datetime.fromisoformat(value)
    if name == "author":
        name_, picture, url, same_as, kind = value
        return Author(name_, picture, url, tuple(same_as), kind)
    if name == "reviewed_by":
        return Reviewer(*value)
    return tuple(value) if name in TUPLES else value


DATES = {f.name for f in fields(FrontMatter) if "datetime" in str(f.type)}
TUPLES = {f.name for f in fields(FrontMatter) if "tuple" in str(f.type)}


def article_record(article: Article) -> JSONObject:
    meta = article.meta
    return {
        "source": article.source.as_posix(), "locale": article.locale,
        "body_line": article.body_line, "key_lines": article.key_lines,
        "source_hash": article.source_hash, "terms": [list(t) for t in article.terms],
        "meta": {f.name: _encode(getattr(meta, f.name)) for f in fields(FrontMatter)},
    }


def article_of(data: JSONObject, root: Path) -> Article:
    meta = FrontMatter(**{name: _decode(name, value) for name, value in data["meta"].items()})
    return Article(source=Path(data["source"]), locale=data["locale"], meta=meta, text=None,
                   body_line=data["body_line"], key_lines=data["key_lines"],
                   source_hash=data["source_hash"], root=root,
                   terms=tuple((str(t), int(c)) for t, c in data.get("terms", ())))
