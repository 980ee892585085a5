"""Translation status per key: present, missing, stale, untracked; Markdown and JSON."""

from __future__ import annotations

import json
from pathlib import Path

from sitetree import AR_ARTICLE, EN_ARTICLE, make_site, sha256_text, write

from pipeline.cli import main
from pipeline.content.load import load_site
from pipeline.content.translations import site_status
from pipeline.core.settings import load_settings

AR_FILE = "content/ar/تقشير-البشرة-بالليزر.md"
OTHER = EN_ARTICLE.replace("slug: laser-skin-resurfacing", "slug: aftercare").replace(
    "translationKey: laser-skin-resurfacing", "translationKey: aftercare")


def status(root: Path):
    site, _ = load_site(load_settings(root))
    return {s.key: s for s in site_status(site)}


def test_source_hash_is_sha256_of_the_source_text(tmp_path: Path):
    root = make_site(tmp_path)
    result = status(root)["laser-skin-resurfacing"]
    assert result.source == "en"
    assert result.source_hash == sha256_text(EN_ARTICLE)
    assert (result.present, result.missing, result.stale) == (("en", "ar"), (), ())
    assert result.complete


def test_changed_source_makes_translation_stale(tmp_path: Path):
    root = make_site(tmp_path)
    write(root / "content/en/laser-skin-resurfacing.md", EN_ARTICLE + "\nNew advice.\n")
    assert status(root)["laser-skin-resurfacing"].stale == ("ar",)


def test_missing_and_untracked(tmp_path: Path):
    root = make_site(tmp_path)
    write(root / "content/en/aftercare.md", OTHER)
    untracked = AR_ARTICLE.replace('translationOf: "{source_hash}"\n', "")
    write(root / AR_FILE, untracked)
    result = status(root)
    assert result["aftercare"].missing == ("ar",)
    assert result["laser-skin-resurfacing"].untracked == ("ar",)


def test_markdown_and_json_output(tmp_path: Path, capsys):
    root = make_site(tmp_path)
    write(root / "content/en/aftercare.md", OTHER)
    assert main(["translations", "--root", str(root)]) == 0
    text = capsys.readouterr().out
    assert "| aftercare | en | en | ar | - | - |" in text
    assert "| laser-skin-resurfacing | en | en, ar | - | - | - |" in text
    assert "1 of 2 translation key(s) complete." in text
    assert main(["translations", "--root", str(root), "--format", "json", "--strict"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["schema"] == "seo-pipeline/translations/1"
    assert [k["key"] for k in data["keys"]] == ["aftercare", "laser-skin-resurfacing"]
    assert data["keys"][0]["missing"] == ["ar"]
