"""Invisible and control characters in front matter never reach the written HTML or XML."""

from __future__ import annotations

from pathlib import Path

import lxml.etree
from sitetree import EN_ARTICLE, make_site, write

from pipeline.cli import main
from pipeline.core.text import INVISIBLE

HOSTILE = (EN_ARTICLE
           .replace('title: "Laser Skin Resurfacing: What to Expect"',
                    'title: "Laser \\u202eSkin\\x07 Resurfacing: What\\u200b to Expect\\0"')
           .replace("  name: Dr. Lina Haddad", '  name: "Dr.\\x1b[31m Lina\\uFEFF Haddad"')
           .replace("translationKey: laser-skin-resurfacing",
                    'translationKey: laser-skin-resurfacing\ntags: ["skin\\u2066", "laser"]'))


def test_build_output_has_no_invisible_characters(tmp_path: Path, capsys) -> None:
    root = make_site(tmp_path / "site", arabic=False)
    write(root / "content/en/laser-skin-resurfacing.md", HOSTILE)
    assert main(["validate", "--root", str(root)]) == 0  # warnings only
    assert "FM302" in capsys.readouterr().out
    for stage in ("bundles", "sitemaps"):
        assert main([stage, "--root", str(root)]) in (0, 1)
    written = [p for p in (root / "dist").rglob("*") if p.suffix in (".html", ".xml", ".json")]
    assert any(p.name == "index.html" for p in written)
    for path in written:
        text = path.read_text(encoding="utf-8")
        assert not INVISIBLE.search(text), (path, INVISIBLE.findall(text))
        if path.suffix == ".xml":
            lxml.etree.fromstring(text.encode("utf-8"))
    page = (root / "dist/en/laser-skin-resurfacing/index.html").read_text(encoding="utf-8")
    assert "Laser Skin Resurfacing: What to Expect" in page
