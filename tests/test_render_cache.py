"""Render cache: unchanged bodies are reused, never with stale output or warnings."""

from __future__ import annotations

from pathlib import Path

from sitetree import EN_ARTICLE, PNG, build, make_site, write

from pipeline.render.render_cache import FILE_NAME, RenderCache

PAGE = "dist/en/laser-skin-resurfacing/index.html"


def test_second_build_reuses_rendered_bodies_with_identical_output(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    assert build(root) == 0
    cache = RenderCache(root / ".cache")
    assert len(cache.entries) == 2
    first = (root / PAGE).read_bytes()
    (root / PAGE).unlink()  # rewritten from the cached body
    assert build(root) == 0
    assert (root / PAGE).read_bytes() == first


def test_changed_body_is_rendered_again(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", arabic=False)
    assert build(root) == 0
    write(root / "content/en/laser-skin-resurfacing.md", EN_ARTICLE + "\n## Brand new part\n")
    assert build(root) == 0
    assert 'id="brand-new-part"' in (root / PAGE).read_text(encoding="utf-8")


def test_image_that_appears_later_clears_the_cached_warning(tmp_path: Path, capsys) -> None:
    root = make_site(tmp_path / "site", arabic=False)
    write(root / "content/en/laser-skin-resurfacing.md",
          EN_ARTICLE + "\n![chart](/assets/chart.png)\n")
    assert build(root) == 0
    assert "BN105" in capsys.readouterr().out
    (root / "public/assets/chart.png").write_bytes(PNG)
    assert build(root) == 0
    assert "BN105" not in capsys.readouterr().out
    assert '<img src="/assets/chart.png"' in (root / PAGE).read_text(encoding="utf-8")


def test_corrupt_cache_is_ignored(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", arabic=False)
    assert build(root) == 0
    (root / ".cache" / FILE_NAME).write_bytes(b"\x80garbage")
    assert build(root) == 0
