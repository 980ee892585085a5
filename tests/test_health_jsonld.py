"""Health structured data: MedicalWebPage, MedicalProcedure and FAQPage in one @graph,
read back by extruct from the built pages and compared with schema.org's vocabulary and
Google's documented properties; validate's health warnings (AN201-AN203)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import extruct
import lxml.html
import pytest
from conftest import EN_ARTICLE
from schemaorg_vocabulary import (
    GOOGLE_RECOMMENDED,
    GOOGLE_REQUIRED,
    PROPERTIES,
    SPECIALTIES,
)

from pipeline.cli import main

HEALTH = EN_ARTICLE.replace("slug: laser-basics\n", """\
slug: laser-basics
author:
  name: Editorial Team
  type: Organization
  url: "/about/"
  sameAs: ["https://www.linkedin.com/company/example"]
reviewedBy: {name: "Dr. Named Reviewer", credentials: "MD, dermatologist", url: "/team/"}
lastReviewed: "2025-06-01"
medicalSpecialty: Dermatology
about: "Laser skin resurfacing"
""").replace("author:\n  name: Editorial Team\n  picture: \"/assets/authors/team.jpeg\"\n", "",
             1).replace("""## What it is

Laser light removes the outer layer of skin.
""", """## What is laser skin resurfacing?

Laser light removes the *outer* layer of skin.

## How long is the recovery?

Most people heal within a week.
It depends on the laser.

## Aftercare

Use sunscreen.
""")


def nodes(data: Any) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object, nested ones included."""
    if isinstance(data, dict):
        yield data
        for value in data.values():
            yield from nodes(value)
    elif isinstance(data, list):
        for item in data:
            yield from nodes(item)


def built_ld(make_site, text: str) -> tuple[list[dict[str, Any]], str]:
    root = make_site({"content/en/laser-basics.md": text})
    assert main(["build", "--root", str(root)]) == 0
    html = (root / "dist/en/laser-basics/index.html").read_text("utf-8")
    found = extruct.extract(html, base_url="https://example.org/en/laser-basics/",
                            syntaxes=["json-ld"], uniform=False)["json-ld"]
    visible = " ".join(lxml.html.document_fromstring(html).xpath("string(//main)").split())
    return found, visible


def test_health_article_graph_uses_schema_org_vocabulary(make_site) -> None:
    found, visible = built_ld(make_site, HEALTH)
    assert len(found) == 1 and found[0]["@context"] == "https://schema.org"
    graph = found[0]["@graph"]
    assert [n["@type"] for n in graph] == ["BlogPosting", "Organization", "MedicalWebPage",
                                           "MedicalProcedure", "FAQPage", "BreadcrumbList"]
    assert graph[2]["breadcrumb"] == {"@id": graph[-1]["@id"]}  # one graph, linked
    for node in nodes(graph):
        if "@type" not in node:
            assert set(node) == {"@id"}  # a reference to a node of the graph
            continue
        assert node["@type"] in PROPERTIES, node["@type"]
        assert set(node) <= PROPERTIES[node["@type"]], (node["@type"], set(node))
        for key in ("specialty", "relevantSpecialty"):
            if key in node:
                assert node[key] in SPECIALTIES
    ids = {n["@id"] for n in graph}
    refs = {n["@id"] for n in nodes(graph) if set(n) == {"@id"}}
    assert refs <= ids  # every reference points at a node of the graph
    page = graph[2]
    assert page["reviewedBy"] == {"@type": "Person", "name": "Dr. Named Reviewer",
                                  "url": "https://example.org/team/",
                                  "hasCredential": {"@type": "EducationalOccupationalCredential",
                                                    "name": "MD, dermatologist"}}
    assert page["lastReviewed"] == "2025-06-01"
    assert graph[0]["author"] == {"@type": "Organization", "name": "Editorial Team",
                                  "url": "https://example.org/about/",
                                  "sameAs": ["https://www.linkedin.com/company/example"]}


def test_google_properties_and_faq_answers_match_visible_text(make_site) -> None:
    found, visible = built_ld(make_site, HEALTH)
    for node in nodes(found):
        for kind, required in (GOOGLE_REQUIRED | GOOGLE_RECOMMENDED).items():
            if node.get("@type") == kind:
                assert required <= set(node), (kind, set(node))
    faq = next(n for n in found[0]["@graph"] if n["@type"] == "FAQPage")
    pairs = [(q["name"], q["acceptedAnswer"]["text"]) for q in faq["mainEntity"]]
    assert pairs == [("What is laser skin resurfacing?",
                      "Laser light removes the outer layer of skin."),
                     ("How long is the recovery?",
                      "Most people heal within a week. It depends on the laser.")]
    for question, answer in pairs:
        assert question in visible and answer in visible


@pytest.mark.parametrize("body", [
    "## What is it?\n\nAn answer.\n\n## Aftercare\n\nSunscreen.\n",  # one question only
    "## What is it?\n\n## Why?\n\n## Aftercare\n\nSunscreen.\n",  # questions without answers
])
def test_no_faq_without_real_questions_and_answers(make_site, body: str) -> None:
    text = HEALTH.split("---\n\n", 1)[0] + "---\n\n" + body
    found, _ = built_ld(make_site, text)
    assert "FAQPage" not in [n["@type"] for n in found[0]["@graph"]]


def test_plain_article_keeps_a_single_blog_posting(make_site) -> None:
    found, _ = built_ld(make_site, EN_ARTICLE)
    assert found[0]["@type"] == "BlogPosting" and "@graph" not in found[0]


def validate_codes(make_site, text: str, now: str, monkeypatch,
                   config_extra: str = "") -> list[tuple[str, int]]:
    from conftest import SITE_TOML

    monkeypatch.setenv("SEO_PIPELINE_NOW", now)
    root = make_site({"content/en/laser-basics.md": text}, SITE_TOML + config_extra)
    main(["validate", "--root", str(root)])
    report = json.loads((root / "reports/validate.json").read_text("utf-8"))
    return [(f["code"], f["line"]) for f in report["findings"] if f["code"].startswith("AN")]


def line_of(text: str, key: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith(key))


def test_health_warnings(make_site, monkeypatch) -> None:
    assert validate_codes(make_site, HEALTH, "2025-07-01", monkeypatch) == []
    assert validate_codes(make_site, HEALTH, "2026-07-02", monkeypatch) == [
        ("AN202", line_of(HEALTH, "lastReviewed"))]
    assert validate_codes(make_site, HEALTH, "2025-08-01", monkeypatch,
                          "\n[analyze]\nreview_max_days = 30\n") == [
        ("AN202", line_of(HEALTH, "lastReviewed"))]
    unreviewed = HEALTH.replace('reviewedBy: {name: "Dr. Named Reviewer", credentials: "MD, '
                                'dermatologist", url: "/team/"}\n', "")
    assert validate_codes(make_site, unreviewed, "2025-07-01", monkeypatch) == [
        ("AN201", line_of(unreviewed, "about"))]
    # not health content: no reviewer needed
    assert validate_codes(make_site, EN_ARTICLE, "2025-07-01", monkeypatch) == []


@pytest.mark.parametrize(("name", "flagged"), [
    ("JJ Kasper", True), ("jj  kasper", True), ("جيه جيه كاسبر", True),
    ("Editorial Team", False), ("J. Kasper-Smith", False)])
def test_placeholder_authors(make_site, monkeypatch, name: str, flagged: bool) -> None:
    text = EN_ARTICLE.replace("  name: Editorial Team", f'  name: "{name}"')
    found = validate_codes(make_site, text, "2025-07-01", monkeypatch)
    assert found == ([("AN203", line_of(text, "  name:"))] if flagged else [])
