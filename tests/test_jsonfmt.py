"""orjson-backed deterministic JSON: the json module's bytes, on documents and any JSON-like value."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.content.parsing import split
from pipeline.core.jsonfmt import dumps_json, dumps_json_bytes
from pipeline.core.model import Finding, Severity
from pipeline.render.markdown import RenderPolicy, render_markdown

ROOT = Path(__file__).resolve().parent.parent


def reference(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def same_as_json(data: Any) -> None:
    assert dumps_json(data) == reference(data)
    assert dumps_json_bytes(data) == reference(data).encode("utf-8")


def article_documents() -> list[dict[str, Any]]:
    """article.json-shaped documents of the bundled English and Arabic articles."""
    docs = []
    for path in sorted((ROOT / "content").glob("*/*.md")):
        parsed, _ = split(path.read_text(encoding="utf-8"), path.name)
        assert parsed is not None
        rendered = render_markdown(parsed.body, path.name, parsed.body_line, RenderPolicy())
        docs.append({
            "schema": "seo-pipeline/article/1", "locale": path.parent.name,
            "dir": "rtl" if path.parent.name == "ar" else "ltr", "frontMatter": parsed.data,
            "html": rendered.html, "text": rendered.text, "wordCount": rendered.words,
            "headings": [{"level": h.level, "id": h.id, "text": h.text}
                         for h in rendered.headings],
            "readingTime": {"minutes": max(1, rendered.words // 200), "label": "٣ دقائق"},
            "alternates": [], "metadata": {"jsonld": {"@context": "https://schema.org",
                                                      "@type": "Article", "wordCount": 12}},
        })
    return docs


def test_article_documents_are_byte_identical() -> None:
    docs = article_documents()
    assert len(docs) >= 10 and any(d["locale"] == "ar" for d in docs)
    for doc in docs:
        same_as_json(doc)


def test_report_documents_are_byte_identical() -> None:
    findings = [Finding(f"content/ar/مقال-{i}.md", i, i % 7 + 1, "BN105", Severity.WARNING,
                        f"image not found: /assets/صورة {i}.png", "add the file\tunder public/")
                for i in range(200)]
    report = {"schema": "seo-pipeline/report/1", "stage": "bundles", "ok": True,
              "summary": {"errors": 0, "warnings": 200, "infos": 0, "findings": 200},
              "findings": [f.to_dict() for f in findings], "outputs": [], "data": {}}
    same_as_json(report)
    same_as_json({"empty": {}, "none": [], "nested": [[], {}, [{}]], "seconds": 0.25})


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.integers(min_value=-2**70, max_value=2**70)
    | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=5) | st.lists(inner, max_size=3).map(tuple)
    | st.dictionaries(st.text(max_size=8), inner, max_size=5),
    max_leaves=30)


@settings(max_examples=500, deadline=None)
@given(JSON_VALUES)
def test_any_json_value_is_encoded_as_json_does(data: Any) -> None:
    same_as_json(data)


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_every_float_is_written_as_python_writes_it(value: float) -> None:
    same_as_json(value)
    same_as_json({"x": [value]})


@given(st.text(st.characters(codec=None, categories=["Cs", "Cc", "Zl", "Zp", "Lo"]), max_size=5))
def test_surrogates_and_control_characters(text: str) -> None:
    assert dumps_json({"k": text}) == reference({"k": text})
    try:
        expected = reference({"k": text}).encode("utf-8")
    except UnicodeEncodeError:
        with pytest.raises(UnicodeEncodeError):
            dumps_json_bytes({"k": text})
    else:
        assert dumps_json_bytes({"k": text}) == expected


class Kind(enum.StrEnum):
    A = "a"


class Plain(enum.Enum):
    A = 1


@dataclasses.dataclass
class Point:
    x: int


def test_other_types_behave_as_with_json() -> None:
    same_as_json({"kind": Kind.A, "big": 2**80, "deep": [[[[[[[]]]]]]]})
    same_as_json({2: "int keys", 1: None, 3.5: True})
    same_as_json([[]] * 3)
    for value in (Plain.A, Point(1), dt.date(2025, 1, 1), {1, 2}, b"x"):
        with pytest.raises(TypeError):
            json.dumps(value)
        with pytest.raises(TypeError):
            dumps_json(value)
    circular: list[Any] = []
    circular.append(circular)
    with pytest.raises(ValueError):
        dumps_json(circular)
    deep: Any = []
    for _ in range(300):  # orjson stops at 255 levels; json goes on
        deep = [deep]
    same_as_json(deep)


REPORT_FINDINGS = st.builds(
    Finding, st.text(max_size=12), st.integers(-2**70, 2**70), st.integers(0, 9),
    st.sampled_from(["AN001", "AN002", "BN105"]), st.sampled_from(list(Severity)),
    st.text(max_size=12), st.text(max_size=6))


@settings(max_examples=300, deadline=None)
@given(st.lists(REPORT_FINDINGS, max_size=12), JSON_VALUES, st.integers(1, 3))
def test_a_report_assembled_from_encoded_findings_is_the_whole_encoding(
        findings: list[Finding], extra: Any, runs: int) -> None:
    """Reports are encoded without their findings, each finding once per process, then
    put together: byte for byte ``dumps_json`` of the whole report (odd floats, huge
    integers and lone surrogates included), however many runs reuse the encodings."""
    from pipeline.core.model import StageResult
    from pipeline.report import report_bytes, to_dict

    result = StageResult("analyze", findings, data={"articles": {"x": extra}, "findings": []})
    for _ in range(runs):
        assert report_bytes(result, ROOT) == dumps_json(to_dict(result, ROOT)).encode()
