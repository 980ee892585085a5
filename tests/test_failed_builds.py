"""A failed build never leaks into a later one: whatever a failing stage left in the
spare output buffer is settled before the next build, so every successful build publishes
the bytes of a clean build of its input."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_incremental import build, clean_build, make_project, snapshot

CATALOG = "locales/ar/LC_MESSAGES/messages.po"
MARKER = 'msgid "Articles"\nmsgstr "'


def _empty_catalog_string(root: Path) -> str:
    po = root / CATALOG
    text = po.read_text(encoding="utf-8")
    start = text.index(MARKER) + len(MARKER)
    po.write_text(text[:start] + text[text.index('"', start):], encoding="utf-8")
    return text


def _break_image(root: Path) -> bytes:
    image = root / "public/assets/a.jpeg"
    data = image.read_bytes()
    image.write_bytes(b"not an image")
    return data


@pytest.mark.parametrize("breaker", ["catalog", "image"])
def test_a_reverted_edit_that_was_never_published_never_goes_live(tmp_path: Path,
                                                                  breaker: str) -> None:
    root = make_project(tmp_path / "site")
    assert build(root) == 0
    published = snapshot(root)
    article = root / "content/en/k0.md"
    original = article.read_text(encoding="utf-8")
    article.write_text(original + "\nAn edit that is never published.\n", encoding="utf-8")
    if breaker == "catalog":
        saved = _empty_catalog_string(root)
        assert build(root) == 1  # BN303 in bundles, after the units wrote the new page
        (root / CATALOG).write_text(saved, encoding="utf-8")
    else:
        data = _break_image(root)
        assert build(root) == 1  # META006 in metadata
        (root / "public/assets/a.jpeg").write_bytes(data)
    assert {k: v for k, v in snapshot(root).items() if k.startswith("dist/")} == \
        {k: v for k, v in published.items() if k.startswith("dist/")}
    article.write_text(original, encoding="utf-8")
    assert build(root) == 0
    other = root / "content/en/k1.md"
    other.write_text(other.read_text(encoding="utf-8") + "\nAnother edit.\n", encoding="utf-8")
    assert build(root) == 0
    status, clean = clean_build(root, tmp_path / "clean")
    assert status == 0
    ours = snapshot(root)
    assert [k for k in sorted(set(ours) | set(clean)) if ours.get(k) != clean.get(k)] == []
    assert b"never published" not in (root / "dist/en/k0/index.html").read_bytes()
