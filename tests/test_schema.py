"""Front-matter rules that the schema's custom formats rely on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from pipeline.content.schema import parse_datetime, schema, slug_problem, url_or_path_problem


@pytest.mark.parametrize("slug", ["laser-skin", "تقشير-البشرة-بالليزر", "co2-laser", "ليزر2025"])
def test_good_slugs(slug: str) -> None:
    assert slug_problem(slug) == ""


@pytest.mark.parametrize(("slug", "why"), [
    ("a/b", "not allowed"), ("..", "path traversal"), ("a..b", "path traversal"),
    (".hidden", "path traversal"), ("a b", "whitespace"), (" a", "leading or trailing"),
    ("a\u202eb", "bidirectional"), ("a\u200fb", "bidirectional"), ("a\x00b", "control"),
    ("a\u200bb", "control or invisible"), ("100%", "not allowed"), ("a?b", "not allowed"),
    ("cafe\u0301", "NFC"),
])
def test_bad_slugs(slug: str, why: str) -> None:
    assert why in slug_problem(slug)


@pytest.mark.parametrize(("text", "expected"), [
    ("2025-07-01", datetime(2025, 7, 1, tzinfo=UTC)),
    ("2025-07-01T05:35:07.322Z", datetime(2025, 7, 1, 5, 35, 7, 322000, tzinfo=UTC)),
    ("2025-07-01T08:00:00+03:00", datetime(2025, 7, 1, 8, tzinfo=timezone(timedelta(hours=3)))),
    ("July 1", None), ("2025-13-01", None), ("", None),
])
def test_parse_datetime(text: str, expected: datetime | None) -> None:
    assert parse_datetime(text) == expected


@pytest.mark.parametrize(("value", "ok"), [
    ("/assets/blog/download (1).jpeg", True), ("https://cdn.example.org/ليزر.jpg", True),
    ("ftp://example.org/x.jpg", False), ("/assets/../../etc/passwd", False),
    ("https://example.org:70000/x", False), ("/%2e%2e/site.toml", False),
    ("//cdn.example.org/x.jpg", False),
])
def test_url_or_path(value: str, ok: bool) -> None:
    assert (url_or_path_problem(value) == "") is ok


def test_schema_names_the_blog_starter_and_multilingual_fields() -> None:
    props = schema()["properties"]
    for name in ("title", "excerpt", "coverImage", "date", "author", "ogImage", "slug",
                 "translationKey", "lastmod", "draft", "tags"):
        assert name in props
    assert set(schema()["required"]) == {"title", "excerpt", "coverImage", "date", "author"}
