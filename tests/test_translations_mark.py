"""Marking translations current (translationOf) and seeing them go stale."""

from __future__ import annotations

from conftest import EN_ARTICLE

from pipeline.cli import main
from pipeline.content.frontmatter_edit import set_field


def test_set_field_adds_then_replaces_keeping_other_lines() -> None:
    text = "---\ntitle: x  # keep me\n---\nbody\n---\n"
    added = set_field(text, "translationOf", "ab" * 32)
    assert added == f"---\ntitle: x  # keep me\ntranslationOf: {'ab' * 32}\n---\nbody\n---\n"
    replaced = set_field(added, "translationOf", "cd" * 32)
    assert replaced == added.replace("ab" * 32, "cd" * 32)


def test_mark_current_then_source_edit_makes_it_stale(make_site, capsys) -> None:
    root = make_site()
    assert main(["translations", "--root", str(root), "--strict"]) == 1  # untracked
    ar = root / "content/ar/laser-basics.md"
    assert main(["translations", "--root", str(root), "--mark-current", str(ar)]) == 0
    assert "translationOf: " in ar.read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["translations", "--root", str(root), "--strict", "--format", "json"]) == 0
    (root / "content/en/laser-basics.md").write_text(
        EN_ARTICLE.replace("outer layer", "outermost layer"), encoding="utf-8")
    assert main(["translations", "--root", str(root), "--strict"]) == 1
    assert "| laser-basics | en | en, ar | - | ar | - |" in capsys.readouterr().out


def test_mark_current_refuses_the_source(make_site, capsys) -> None:
    root = make_site()
    en = root / "content/en/laser-basics.md"
    assert main(["translations", "--root", str(root), "--mark-current", str(en)]) == 1
    assert "is the source of its translation group" in capsys.readouterr().err
