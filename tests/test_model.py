"""The typed model: layering of path and front matter, translation groups, line numbers."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from conftest import AR_ARTICLE, EN_ARTICLE
from hypothesis import given
from hypothesis import strategies as st

from pipeline.content.load import load_site
from pipeline.content.records import finding_of, finding_record
from pipeline.core.model import Finding, Severity
from pipeline.core.settings import load_settings


def test_site_groups_translations_by_key(make_site) -> None:
    site, findings = load_site(load_settings(make_site()))
    assert findings == []
    en, ar = site.articles
    assert (en.locale, en.slug, ar.locale, ar.slug) == ("en", "laser-basics", "ar", "أساسيات-الليزر")
    assert [g.key for g in site.groups()] == ["laser-basics"]
    assert site.translations(ar) == [en, ar]
    assert site.find("ar", "أساسيات-الليزر") is ar
    assert en.meta.date == datetime(2025, 7, 1, 5, 35, 7, 322000, tzinfo=UTC)
    assert en.meta.og_image == "/assets/blog/cover (1).jpeg"
    assert ar.meta.og_image == ar.meta.cover_image  # ogImage defaults to coverImage
    assert en.line_of("slug") == 11 and en.line_of("author.picture") == 8
    assert en.body_line == 14 and en.body.startswith("\n## What it is")


def test_translation_key_and_slug_fall_back_to_file_name(make_site) -> None:
    en = EN_ARTICLE.replace("slug: laser-basics\n", "").replace("translationKey: laser-basics\n", "")
    ar = AR_ARTICLE.replace("translationKey: laser-basics\n", "")
    site, findings = load_site(load_settings(make_site({
        "content/en/skin-care.md": en, "content/ar/skin-care.md": ar})))
    assert findings == []
    assert [(a.slug, a.translation_key) for a in site.articles] == [
        ("skin-care", "skin-care"), ("أساسيات-الليزر", "skin-care")]
    assert len(site.groups()) == 1


def test_drafts_are_loaded_but_not_published(make_site) -> None:
    draft = EN_ARTICLE.replace("slug: laser-basics\n", "slug: laser-basics\ndraft: true\n")
    site, _ = load_site(load_settings(make_site({"content/en/a.md": draft})))
    assert len(site.articles) == 1 and list(site.published()) == []


def test_unquoted_yaml_dates_and_crlf_are_accepted(make_site) -> None:
    text = EN_ARTICLE.replace('date: "2025-07-01T05:35:07.322Z"', "date: 2025-07-01")
    site, findings = load_site(load_settings(make_site({"content/en/a.md": text.replace(
        "\n", "\r\n")})))
    assert findings == []
    assert site.articles[0].meta.date == datetime(2025, 7, 1, tzinfo=UTC)


FINDINGS = st.builds(Finding, st.text(max_size=6), st.integers(0, 9), st.integers(0, 9),
                     st.sampled_from(["A1", "A2", "B1"]), st.sampled_from(list(Severity)),
                     st.text(max_size=6), st.text(max_size=4))


@given(st.lists(FINDINGS, max_size=30))
def test_sort_key_orders_findings_as_the_dataclass_does(findings: list[Finding]) -> None:
    assert sorted(findings, key=Finding.sort_key) == sorted(findings)
    for f in findings:
        assert f.to_dict() == {**dataclasses.asdict(f), "severity": f.severity.value}
        assert finding_of(finding_record(f)) == f
