"""``seo-pipeline init`` and ``seo-pipeline new`` (new articles and translation stubs)."""

from __future__ import annotations

import dataclasses
import json
import re
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.commands import command_names
from pipeline.content import init_site, new_article
from pipeline.content.load import load_site
from pipeline.content.translations import site_status
from pipeline.core.model import Severity
from pipeline.core.settings import load_settings
from pipeline.seo.lengths import length
from pipeline.seo.lint import article_findings, locale_limits_of
from pipeline.submit.indexnow import key_problem

SHIPPED_KEY = "5d08478cba954e4fdadb3f46095b3c8e"  # the key the bundled site.toml once had


def _init(tmp_path: Path, name: str = "site") -> Path:
    root = tmp_path / name
    assert main(["init", str(root)]) == 0
    return root


def _problems(root: Path, *levels: Severity) -> list[tuple[str, str]]:
    site, _ = load_site(load_settings(root))
    return [(f.code, f.path) for f in site.load_findings if f.severity in levels]


def test_init_and_new_are_registered_commands() -> None:
    assert {"init", "new"} <= command_names()


def test_init_writes_a_bilingual_site_that_builds_with_no_findings(tmp_path: Path, capsys) -> None:
    root = _init(tmp_path)
    for name in ("site.toml", "Makefile", ".gitignore", ".github/workflows/site.yml",
                 "content/en/welcome.md", "content/ar/welcome.md", "public/favicon.ico",
                 "public/assets/blog/welcome/cover.jpg"):
        assert (root / name).is_file(), name
    capsys.readouterr()
    assert main(["build", "--root", str(root), "--strict"]) == 0  # strict: warnings fail
    out = capsys.readouterr().out
    assert out.count("0 error(s), 0 warning(s)") >= 4
    assert (root / "dist/en/welcome/index.html").is_file()
    assert (root / "dist/ar/مرحبا/index.html").is_file()
    assert main(["links", "--offline", "--strict", "--root", str(root)]) == 0
    [status] = site_status(load_site(load_settings(root))[0])
    assert status.present == ("en", "ar") and status.complete  # a current translation pair


def test_init_comments_every_key_of_site_toml(tmp_path: Path) -> None:
    lines = (_init(tmp_path) / "site.toml").read_text(encoding="utf-8").splitlines()
    keys = {m.group(1) for line in lines if (m := re.match(r"^([a-z_]+) = ", line))}
    commented = {m.group(1) for line in lines if (m := re.match(r"^([a-z_]+) = .*#", line))}
    assert keys - commented == {"indexnow_key"}  # explained in the comment above it


def test_init_generates_a_fresh_indexnow_key_each_time(tmp_path: Path) -> None:
    keys = [tomllib.loads((_init(tmp_path, name) / "site.toml").read_text())["submit"]
            ["indexnow_key"] for name in ("a", "b")]
    assert keys[0] != keys[1] and SHIPPED_KEY not in keys
    assert all(re.fullmatch(r"[0-9a-f]{32}", k) and not key_problem(k) for k in keys)
    repo_toml = Path(__file__).resolve().parents[1] / "site.toml"
    assert "indexnow_key" not in tomllib.loads(repo_toml.read_text())["submit"]


def test_init_workflow_uses_the_action(tmp_path: Path) -> None:
    root = tmp_path / "s"
    assert main(["init", str(root), "--action", "clinic/seo-pipeline@v1"]) == 0
    workflow = (root / ".github/workflows/site.yml").read_text()
    assert "uses: clinic/seo-pipeline@v1" in workflow
    assert init_site.ACTION_PLACEHOLDER not in workflow


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path, capsys) -> None:
    root = tmp_path / "taken"
    root.mkdir()
    (root / "notes.txt").write_text("mine")
    assert main(["init", str(root)]) == 2
    assert re.search(r"taken:1:1: error SC001 is not empty \(hint: .*--force", capsys.readouterr().err)
    assert not (root / "site.toml").exists()
    assert main(["init", str(root), "--force"]) == 0
    assert (root / "notes.txt").read_text() == "mine" and (root / "site.toml").is_file()
    file = tmp_path / "file"
    file.write_text("x")
    assert main(["init", str(file)]) == 2
    assert "SC001 exists and is not a folder" in capsys.readouterr().err


def test_init_where_no_folder_can_be_made_is_located(tmp_path: Path, capsys) -> None:
    (tmp_path / "file").write_text("x")
    assert main(["init", str(tmp_path / "file/site")]) == 2
    assert re.search(r"file/site:1:1: error SC002 cannot write the site: .*\(hint: ",
                     capsys.readouterr().err)


def test_init_into_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert main(["init", str(tmp_path / "empty")]) == 0


def test_new_article_validates_and_builds(tmp_path: Path, capsys) -> None:
    root = _init(tmp_path)
    assert main(["new", "en", "my-first-article", "--root", str(root)]) == 0
    path = root / "content/en/my-first-article.md"
    text = path.read_text(encoding="utf-8")
    assert f"date: '{datetime.now(UTC).date().isoformat()}T" in text
    assert "title: My first article" in text and "translationKey: my-first-article" in text
    assert "name: Clinic Editorial Team" in text  # the author of the site's articles
    assert (root / "public/assets/blog/my-first-article/cover.jpg").is_file()
    capsys.readouterr()
    assert main(["build", "--root", str(root)]) == 0
    assert (root / "dist/en/my-first-article/index.html").is_file()
    # the stub is valid; only the content analysis asks for the article to be written
    for stage in ("validate", "metadata"):
        report = json.loads((root / f"reports/{stage}.json").read_text(encoding="utf-8"))
        assert report["findings"] == [], stage
    cross = json.loads((root / "reports/crosscheck.json").read_text(encoding="utf-8"))
    assert ("CROSS005", "content/en/my-first-article.md") in {  # nothing links to it yet
        (f["code"], f["path"]) for f in cross["findings"]}
    analyze = json.loads((root / "reports/analyze.json").read_text(encoding="utf-8"))
    assert {f["path"] for f in analyze["findings"]} == {"content/en/my-first-article.md"}
    assert "AN010" in {f["code"] for f in analyze["findings"]}  # text shorter than the minimum


def test_new_article_in_a_site_without_articles_gets_a_placeholder_author(tmp_path: Path) -> None:
    root = _init(tmp_path)
    for article in (root / "content").rglob("*.md"):
        article.unlink()
    (root / "public/assets/authors/editorial-team.png").unlink()
    assert main(["new", "ar", "مقالة-جديدة", "--root", str(root)]) == 0
    assert (root / "public/assets/authors/editorial-team.png").is_file()
    assert (root / "public/assets/blog/new-article/cover.jpg").is_file()
    assert _problems(root, Severity.ERROR, Severity.WARNING) == []


def test_new_excerpt_fits_the_site_limits(tmp_path: Path) -> None:
    root = _init(tmp_path)
    toml = root / "site.toml"
    text = toml.read_text(encoding="utf-8")
    assert "description_min = 50 " in text
    toml.write_text(text.replace("description_min = 50 ", "description_min = 140"),
                    encoding="utf-8")
    assert main(["new", "en", "long-excerpt", "--root", str(root)]) == 0
    assert _problems(root, Severity.ERROR, Severity.WARNING) == []


def _excerpt(path: Path) -> str:
    front = path.read_text(encoding="utf-8").split("---\n")[1]
    return str(yaml.safe_load(front)["excerpt"])


@pytest.mark.parametrize(("metadata", "locale", "low", "high"), [
    ("description_min = 140", "en", 140, 160),
    ("description_max = 60", "en", 50, 60),
    ("description_min = 20\ndescription_max = 30", "en", 20, 30),
    ('locale_limits = ["ar:description_min=150", "ar:description_max=155"]', "ar", 150, 155),
])
def test_new_writes_an_excerpt_within_the_configured_limits(
        tmp_path: Path, metadata: str, locale: str, low: int, high: int) -> None:
    """The excerpt's length limits are ``[metadata] description_min/max`` (with the
    locale's ``locale_limits``), the ones the metadata stage checks (META002)."""
    root = _init(tmp_path)
    toml = root / "site.toml"
    text = re.sub(r"^description_(min|max) = .*\n", "", toml.read_text(encoding="utf-8"),
                  flags=re.M)
    assert "[metadata]\n" in text
    toml.write_text(text.replace("[metadata]\n", f"[metadata]\n{metadata}\n"), encoding="utf-8")
    assert main(["new", locale, "long-excerpt", "--root", str(root)]) == 0
    assert low <= length(_excerpt(root / f"content/{locale}/long-excerpt.md")) <= high
    assert main(["metadata", "--root", str(root)]) == 0
    site, _ = load_site(load_settings(root))
    limits = locale_limits_of(site.settings)
    assert [f.code for a in site.published()
            for f in article_findings(site.settings, a, limits[a.locale])
            if a.slug == "long-excerpt"] == []


@settings(max_examples=50, deadline=None)
@given(low=st.integers(0, 400), span=st.integers(0, 400))
def test_placeholder_excerpt_fits_any_limits(low: int, span: int) -> None:
    base = load_settings(Path("."))
    metadata = dataclasses.replace(base.metadata, description_min=low,
                                   description_max=max(1, low + span))
    excerpt = new_article.excerpt_for(dataclasses.replace(base, metadata=metadata), "en")
    assert low <= length(excerpt) <= max(1, low + span) and excerpt.strip() == excerpt


@pytest.mark.parametrize(("args", "code", "where"), [
    (["new", "fr", "x"], "FM205", "site.toml:1:1"),
    (["new", "en", "bad slug"], "FM105", "content/en/bad slug.md:1:1"),
    (["new", "en", "../up"], "FM105", None),
    (["new", "en", "welcome"], "SC003", "content/en/welcome.md:1:1"),
    (["new", "--translate", "content/en/welcome.md", "ar"], "SC005", "content/ar/welcome.md:1:1"),
    (["new", "--translate", "nothere.md", "ar"], "SC004", "nothere.md:1:1"),
    (["new", "--translate", "content/en/welcome.md", "de"], "FM205", "site.toml:1:1"),
])
def test_new_refusals_are_located(tmp_path: Path, capsys, monkeypatch, args: list[str],
                                  code: str, where: str | None) -> None:
    root = _init(tmp_path)
    monkeypatch.chdir(root)
    def files() -> list[Path]:  # the loader's source cache (.cache/) may be written
        return sorted(p for p in root.rglob("*") if ".cache" not in p.parts)

    before = files()
    capsys.readouterr()
    assert main(args) == 2
    err = capsys.readouterr().err
    assert f"error {code} " in err and "(hint: " in err and "Traceback" not in err
    if where:
        assert err.startswith(where)
    assert files() == before


def test_new_without_slug_is_a_usage_error(tmp_path: Path, capsys) -> None:
    root = _init(tmp_path)
    assert main(["new", "en", "--root", str(root)]) == 2
    assert "give LOCALE and SLUG" in capsys.readouterr().err


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(slug=st.text(st.sampled_from("ab-z09._ /\\\u200fمر\u0301é~%"), min_size=1, max_size=12))
@example(slug="-")
@example(slug="_")
@example(slug="a%20b")
@example(slug="é")
def test_any_slug_is_refused_or_gives_a_valid_article(tmp_path_factory, slug: str) -> None:
    root = _init(tmp_path_factory.mktemp("prop"))
    settings_ = load_settings(root)
    try:
        path = new_article.new_article(settings_, "en", slug)
    except new_article.Refused as refused:
        assert refused.finding.code in {"FM105", "SC003"}
        return
    assert path.parent == root / "content/en"
    assert _problems(root, Severity.ERROR) == []


SOURCE = """\
---
title: "Laser care after treatment"
excerpt: "How to look after your skin in the days after a laser treatment, step by step."
coverImage: "/assets/blog/welcome/cover.jpg"
coverAlt: "A calm room"
date: "2026-01-20T09:00:00Z"
author:
  name: "Clinic Editorial Team"
  picture: "/assets/authors/editorial-team.png"
slug: laser-care
translationKey: laser-care
---

Your skin needs care after a [laser treatment](/en/welcome/).

![The treated area](/assets/blog/welcome/cover.jpg)

## The first day

1. Keep the area clean.
2. Use the cream we gave you,
   twice a day.

> Call us when in doubt.

```sh
keep this = as it is
```

### Later

- Avoid the sun.
"""


def test_translation_stub_keeps_structure_and_marks_text(tmp_path: Path, monkeypatch) -> None:
    root = _init(tmp_path)
    (root / "content/en/laser-care.md").write_text(SOURCE, encoding="utf-8")
    monkeypatch.chdir(root)
    assert main(["new", "--translate", "content/en/laser-care.md", "ar"]) == 0
    stub = (root / "content/ar/laser-care.md").read_text(encoding="utf-8")
    site, _ = load_site(load_settings(root))
    source = next(a for a in site.articles if a.source.as_posix() == "content/en/laser-care.md")
    assert f"translationOf: {source.source_hash}" in stub
    assert "translationKey: laser-care" in stub and "locale: ar" in stub
    assert "title: 'TRANSLATE: Laser care after treatment'" in stub
    assert "coverAlt: 'TRANSLATE: A calm room'" in stub
    body = stub.split("---\n", 2)[2]
    assert [line for line in body.splitlines() if line.startswith("#")] == [
        "## TRANSLATE: The first day", "### TRANSLATE: Later"]
    assert "TRANSLATE: Your skin needs care after a [laser treatment](/en/welcome/)." in body
    assert "![TRANSLATE: The treated area](/assets/blog/welcome/cover.jpg)" in body
    assert "1. TRANSLATE: Keep the area clean.\n2. TRANSLATE: Use the cream we gave you,\n" \
           "   twice a day." in body
    assert "> TRANSLATE: Call us when in doubt." in body
    assert "```sh\nkeep this = as it is\n```" in body
    assert "- TRANSLATE: Avoid the sun." in body
    status = {s.key: s for s in site_status(load_site(load_settings(root))[0])}
    assert status["laser-care"].present == ("en", "ar") and status["laser-care"].complete
    assert _problems(root, Severity.ERROR) == []


def test_translating_a_translation_uses_the_group_source(tmp_path: Path, monkeypatch) -> None:
    root = _init(tmp_path)
    toml = root / "site.toml"
    toml.write_text(toml.read_text() + '\n[[locales]]\ncode = "fr"\nhreflang = "fr"\n'
                    'og_locale = "fr_FR"\ndirection = "ltr"\nname = "Français"\n')
    monkeypatch.chdir(root)
    assert main(["new", "--translate", "content/ar/welcome.md", "fr", "bienvenue"]) == 0
    stub = (root / "content/fr/bienvenue.md").read_text(encoding="utf-8")
    assert "title: 'TRANSLATE: Welcome to Our Clinic Journal'" in stub  # the English source
    assert "slug: bienvenue" in stub


def test_stub_body_leaves_code_tables_and_html_alone() -> None:
    body = "| a | b |\n|---|---|\n\n<div>x</div>\n\n~~~\n# not a heading\n~~~\n\n[ref]: /x\n"
    assert new_article.stub_body(body) == body
