"""The site report's inputs: a stage's view is the same from its in-memory result (a
build) and from its report file (``report`` alone); the digest follows what the page
shows; translation counts equal those of ``site_status``."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import replace
from pathlib import Path

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st
from sitetree import AR_ARTICLE, EN_ARTICLE, make_site, sha256_text, write

from pipeline.content.load import load_site
from pipeline.content.translations import site_status
from pipeline.core.fsutil import dumps_json_bytes
from pipeline.core.model import Finding, Severity, StageResult
from pipeline.core.settings import load_settings
from pipeline.report import to_dict
from pipeline.sitereport import page
from pipeline.sitereport.inputs import (
    Places,
    gather,
    read_views,
    translation_counts,
    view_of_report,
    view_of_result,
)

CODES = ("en", "ar")
AR_FILE = "content/ar/تقشير-البشرة-بالليزر.md"
PATHS = ("content/en/a.md", "content/ar/b.md", "content/en/sub/c.md", "site.toml",
         "dist/en/a/index.html", "content/fr/d.md", "")

findings = st.builds(Finding, st.sampled_from(PATHS), st.integers(1, 9), st.integers(1, 9),
                     st.sampled_from(("AN001", "CROSS004", "LK101")), st.sampled_from(Severity),
                     st.text(max_size=5), st.text(max_size=5))
members = st.fixed_dictionaries({"path": st.sampled_from(PATHS), "line": st.integers(1, 9),
                                 "title": st.text(max_size=5), "phrase": st.text(max_size=5)})
cross_data = st.fixed_dictionaries({
    "clusters": st.lists(st.fixed_dictionaries({"locale": st.sampled_from(CODES),
                                                "members": st.lists(members, max_size=3)}),
                         max_size=60),
    "orphans": st.lists(members, max_size=60),
    "duplicates": st.just([]), "suggestions": st.just([])})
links_data = st.fixed_dictionaries({"links": st.lists(st.fixed_dictionaries(
    {"internal": st.booleans(), "state": st.sampled_from(("ok", "redirected", "skipped",
                                                          "excluded", "broken", "timeout"))}),
    max_size=20)})


def _file(result: StageResult, root: Path) -> tuple[bytes, str]:
    data = dumps_json_bytes(to_dict(result, root))
    return data, hashlib.sha256(data).hexdigest()


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(("analyze", "crosscheck", "links")), st.lists(findings, max_size=80),
       cross_data, links_data)
def test_a_view_from_the_result_equals_the_view_from_its_file(
        stage: str, found: list[Finding], cross: dict, links: dict) -> None:
    """What a build hands over gives the view ``report`` alone reads from the file."""
    data = cross if stage == "crosscheck" else links if stage == "links" else {"n": 1}
    result = StageResult(stage, found, data=data)
    raw, sha = _file(result, Path("/project"))
    from_result = view_of_result(result, Places(CODES), sha)
    from_file = view_of_report(orjson.loads(raw), Places(CODES), sha)
    assert from_result == from_file
    assert sum(from_result.by_severity.values()) == len(found)
    assert sum(sum(c.values()) for c in from_result.by_locale.values()) == len(found)


def _settings(tmp_path: Path):
    return load_settings(make_site(tmp_path / "site"))


def test_the_page_is_the_same_from_results_and_from_files(tmp_path: Path) -> None:
    """A build's page (views of the handed-over results) has the bytes of the page
    ``report`` alone renders from the report files."""
    conf = _settings(tmp_path)
    folder = tmp_path / "reports"
    folder.mkdir()
    results = [
        StageResult("analyze", [Finding("content/en/a.md", 3, 1, "AN001", Severity.WARNING, "m"),
                                Finding("content/ar/b.md", 1, 1, "AN002", Severity.INFO, "n")]),
        StageResult("crosscheck", [Finding("content/en/a.md", 1, 1, "CROSS004", Severity.INFO,
                                           "orphan")],
                    data={"clusters": [{"locale": "en", "members": [
                        {"path": "content/en/a.md", "line": 2, "title": "A", "phrase": "p"}]}],
                        "duplicates": [{"locale": "en", "similarity": 0.93,
                                        "first": {"path": "a", "title": "A"},
                                        "second": {"path": "b", "title": "B"},
                                        "passages": [{"line": 4, "otherLine": 5}]}],
                        "orphans": [{"path": "content/en/a.md", "line": 1, "title": "A"}] * 60,
                        "suggestions": []}),
        StageResult("links", [Finding("content/en/a.md", 9, 2, "LK101", Severity.ERROR, "x")],
                    data={"links": [{"internal": True, "state": "ok"},
                                    {"internal": False, "state": "broken"}]})]
    shas = {}
    for result in results:
        raw, shas[f"{result.stage}.json"] = _file(result, conf.root)
        (folder / f"{result.stage}.json").write_bytes(raw)
    counts = {"en": {"source": 1}, "ar": {"current": 1}}
    handed = gather(conf, read_views(folder, shas, conf.locale_codes,
                                     {r.stage: r for r in results}), counts)
    alone = gather(conf, read_views(folder, shas, conf.locale_codes), counts)
    assert handed.digest == alone.digest
    html = page.render(conf, handed)
    assert html == page.render(conf, alone)
    assert "<table class=\"pair\">" in html and "93%" in html and "10 more" in html


def test_the_digest_changes_exactly_with_what_the_page_shows(tmp_path: Path) -> None:
    """Reusing the page must notice every input it shows: a count, a translation count,
    a listed report's bytes, the site's name; and nothing else moves it."""
    conf = _settings(tmp_path)
    folder = tmp_path / "reports"
    folder.mkdir()
    warning = Finding("content/en/a.md", 3, 1, "AN001", Severity.WARNING, "m")

    def digest(found: list[Finding], cross_sha: str = "c1",
               counts: dict[str, dict[str, int]] | None = None, name: str = "") -> str:
        results = {"analyze": StageResult("analyze", found),
                   "crosscheck": StageResult("crosscheck", [], data={"orphans": []})}
        shas = {"analyze.json": "a-" + str(len(found)), "crosscheck.json": cross_sha}
        site = replace(conf, site=replace(conf.site, name=name)) if name else conf
        return gather(site, read_views(folder, shas, conf.locale_codes, results),
                      counts or {"en": {"source": 1}}).digest

    same = digest([warning])
    assert digest([warning]) == same
    moved = Finding("content/en/a.md", 9, 4, "AN009", Severity.WARNING, "other text")
    assert digest([moved]) == same  # the page shows counts by stage and locale only
    assert digest([warning, warning]) != same
    assert digest([Finding("content/ar/a.md", 3, 1, "AN001", Severity.WARNING, "m")]) != same
    assert digest([Finding("content/en/a.md", 3, 1, "AN001", Severity.ERROR, "m")]) != same
    assert digest([warning], cross_sha="c2") != same  # crosscheck's lists are shown
    assert digest([warning], counts={"en": {"source": 1}, "ar": {"stale": 1}}) != same
    assert digest([warning], name="Another name") != same


def _reference_counts(root: Path) -> dict[str, dict[str, int]]:
    """The counts the page drew from ``site_status`` before (its own loop)."""
    site, _ = load_site(load_settings(root))
    rows = site_status(site)
    out = {}
    for locale in site.settings.locale_codes:
        counts: Counter[str] = Counter()
        for s in rows:
            counts["missing" if locale in s.missing else "stale" if locale in s.stale else
                   "untracked" if locale in s.untracked else
                   "source" if s.source == locale else "current"] += 1
        out[locale] = dict(counts)
    return out


def _counts(root: Path) -> dict[str, dict[str, int]]:
    site, _ = load_site(load_settings(root))
    return {code: {k: n for k, n in c.items() if n} for code, c in
            translation_counts(site).items()}


def test_translation_counts_equal_the_site_status_ones(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    assert _counts(root) == _reference_counts(root) == {"en": {"source": 1},
                                                        "ar": {"current": 1}}
    write(root / "content/en/laser-skin-resurfacing.md", EN_ARTICLE + "\nNew advice.\n")
    assert _counts(root) == _reference_counts(root)
    assert _counts(root)["ar"] == {"stale": 1}
    other = EN_ARTICLE.replace("slug: laser-skin-resurfacing", "slug: aftercare").replace(
        "translationKey: laser-skin-resurfacing", "translationKey: aftercare")
    write(root / "content/en/aftercare.md", other)
    write(root / "content/en/held.md", other.replace("aftercare", "held").replace(
        "---\n", "---\ndraft: true\n", 1))
    write(root / "content/ar/held.md", AR_ARTICLE.replace(
        "{source_hash}", sha256_text(EN_ARTICLE)).replace("laser-skin-resurfacing", "held"))
    write(root / AR_FILE, AR_ARTICLE.replace('translationOf: "{source_hash}"\n', ""))
    assert _counts(root) == _reference_counts(root)
    assert _counts(root)["ar"]["missing"] == 1 and _counts(root)["ar"]["untracked"] == 1
