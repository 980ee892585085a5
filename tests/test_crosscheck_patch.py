"""The cross step patched from the last run's state (``crosscheck.patch``) gives the same
findings, data and report bytes as computing everything, over random edit sequences."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core.fsutil import dumps_json
from pipeline.core.jsontypes import JSONObject
from pipeline.core.model import StageResult
from pipeline.crosscheck import minhash, patch
from pipeline.crosscheck.check import GroupShape, compute, render
from pipeline.crosscheck.summary import pack, pair_hash, text_hash, with_digest
from pipeline.engine import store
from pipeline.engine.state import write_state
from pipeline.report import report_bytes, to_dict

WORDS = ["laser", "skin", "peel", "acne", "scar", "sun", "care", "cost"]
LOCALES = ["en", "ar"]


def summary(locale: str, slug: str, phrase: list[str], front: bool, title: list[str],
            body: list[str], links: list[str], headings: int) -> JSONObject:
    """A summary as ``summary.summarize`` shapes it, from words (no stop words)."""
    pairs = list(dict.fromkeys(pair_hash(a, b) for a, b in zip(body, body[1:], strict=False)))
    signature = minhash.signature(set(pairs))
    paragraphs = [body[i:i + 6] for i in range(0, len(body), 6)]
    return with_digest({
        "locale": locale, "key": slug, "slug": slug, "url": f"https://x.test/{locale}/{slug}/",
        "title": " ".join(title).title(), "titleLine": 2 + headings, "phrase": " ".join(phrase),
        "phraseFrom": "front matter" if front else "proposed", "phraseWords": phrase,
        "titleWords": title, "signature": pack(signature),
        "bands": pack(minhash.bands(signature)), "words": len(body),
        "paragraphs": len(paragraphs), "headings": [[2, 10 + i, f"H{i}"] for i in range(headings)],
        "arabic": 1.0 if locale == "ar" else 0.0, "links": sorted(set(links)),
        "passages": [[20 + i, text_hash(p)] for i, p in enumerate(paragraphs) if len(p) >= 5],
        "pairs": pack(pairs), "pairLines": [[20, len(pairs)]] if pairs else [],
    })


words = st.lists(st.sampled_from(WORDS), min_size=0, max_size=4)
article = st.fixed_dictionaries({
    "locale": st.sampled_from(LOCALES), "slug": st.sampled_from("abcdefgh"),
    "phrase": words, "front": st.booleans(), "title": words,
    "body": st.lists(st.sampled_from(WORDS), min_size=0, max_size=40),
    "links": st.lists(st.sampled_from([f"{loc}/{s}" for loc in LOCALES for s in "abcdefgh"]),
                      max_size=3),
    "headings": st.integers(0, 3)})
edit = st.tuples(st.sampled_from(["change", "change", "add", "move", "remove"]),
                st.integers(0, 11), article)


def shapes_of(summaries: dict[str, JSONObject]) -> dict[str, GroupShape]:
    """Translation groups by slug: the English article is the source."""
    groups: dict[str, list[str]] = {}
    for source in sorted(summaries):
        groups.setdefault(summaries[source]["slug"], []).append(source)
    return {key: (members[-1], *members[:-1]) for key, members in groups.items()
            if len(members) > 1 and members[-1].startswith("content/en/")}


def rendered(result: Any, summaries: dict[str, JSONObject]) -> tuple[Any, Any, bytes]:
    findings, data = render(result, summaries)
    found = StageResult("crosscheck", findings, data=data, plain_data=True)
    encoded = report_bytes(found, Path("/"))
    assert encoded == dumps_json(to_dict(found, Path("/"))).encode()
    return findings, data, encoded


def commit(cache: Path, code: str, documents: dict[str, object]) -> None:
    with store.of(cache).transaction():
        for name, data in documents.items():
            write_state(cache, name, code, data)  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(st.lists(article, min_size=1, max_size=6), st.lists(edit, min_size=1, max_size=8))
def test_patched_result_equals_the_full_one(tmp_path_factory: Any, start: list[dict],
                                            edits: list[tuple[str, int, dict]]) -> None:
    cache = tmp_path_factory.mktemp("cache")
    code = "test"
    summaries: dict[str, JSONObject] = {}

    def put(spec: dict, index: int | None = None) -> None:
        name = spec["slug"] if index is None else f"{spec['slug']}{index % 3}"
        summaries[f"content/{spec['locale']}/{name}.md"] = summary(**spec)

    for spec in start:
        put(spec)
    result, documents, patched = patch.run(shapes_of(summaries), summaries, cache, code)
    assert not patched
    rendered(result, summaries)
    patch.with_views(documents, result)
    commit(cache, code, documents)
    for action, index, spec in edits:
        sources = sorted(summaries)
        if action == "add" or not sources:
            put(spec, index)
        else:
            source = sources[index % len(sources)]
            was = summaries.pop(source)
            if action == "change":  # new text, title, phrase, links at the same path
                summaries[source] = summary(**{**spec, "locale": was["locale"],
                                               "slug": was["slug"]})
            elif action == "move":  # another path (maybe another locale)
                put(spec)
        summaries = dict(sorted(summaries.items()))
        shapes = shapes_of(summaries)
        result, documents, patched = patch.run(shapes, summaries, cache, code, max_share=1)
        assert patched
        full = compute(shapes, summaries)
        assert rendered(result, summaries) == rendered(full, summaries)
        patch.with_views(documents, result)  # as the stage does, once it has rendered
        commit(cache, code, documents)
    store.forget_all()


def test_damaged_state_costs_a_recompute_not_a_wrong_result(tmp_path: Path) -> None:
    spec = {"locale": "en", "slug": "a", "phrase": ["laser", "skin"], "front": True,
            "title": ["laser", "skin"], "body": WORDS * 3, "links": [], "headings": 1}
    summaries = {"content/en/a.md": summary(**spec),
                 "content/en/b.md": summary(**{**spec, "slug": "b"})}
    _, documents, _ = patch.run({}, summaries, tmp_path, "code")
    commit(tmp_path, "code", documents)
    assert patch.run({}, summaries, tmp_path, "code")[2]  # intact: patched
    # one shard of entries loses its articles: the counts tell, everything is computed
    shard = next(name for name, doc in documents.items()
                 if name.startswith("crosscheck/entries/") and doc)
    commit(tmp_path, "code", {shard: {}})
    result, _, patched = patch.run({}, summaries, tmp_path, "code")
    assert not patched
    assert rendered(result, summaries) == rendered(compute({}, summaries), summaries)
    # another code's state is not read
    assert not patch.run({}, summaries, tmp_path, "other")[2]
    store.forget_all()


def test_data_orjson_refuses_goes_the_general_way(tmp_path: Path) -> None:
    """Plain data orjson refuses (an integer beyond 64 bits) is encoded as ``dumps_json``
    does."""
    found = StageResult("crosscheck", data={"count": 2**70}, plain_data=True)
    encoded = report_bytes(found, tmp_path)
    assert encoded == dumps_json(to_dict(found, tmp_path)).encode()
    assert b'"count": 1180591620717411303424' in encoded


def test_a_cluster_member_edited_in_place_is_rendered_again(tmp_path: Path) -> None:
    """Same cluster, same members: the member's new title line shows (not the kept view)."""
    spec = {"locale": "en", "slug": "a", "phrase": ["laser", "skin"], "front": True,
            "title": ["laser", "skin", "cost"], "body": WORDS, "links": [], "headings": 0}
    summaries = {f"content/en/{s}.md": summary(**{**spec, "slug": s}) for s in "abc"}
    result, documents, _ = patch.run({}, summaries, tmp_path, "code")
    rendered(result, summaries)
    patch.with_views(documents, result)
    commit(tmp_path, "code", documents)
    summaries["content/en/a.md"] = summary(**{**spec, "headings": 2})
    result, _, patched = patch.run({}, summaries, tmp_path, "code", max_share=1)
    assert patched and len(result.clusters) == 1
    findings = rendered(result, summaries)[0]
    assert findings == rendered(compute({}, summaries), summaries)[0]
    assert "content/en/a.md:4 " in findings[0].message
    store.forget_all()
