"""Responsive images (render/images.py): sizes on every <img>, cover variants in WebP (and
AVIF when Pillow has it) named by content hash, made once and cached, eager cover."""

from __future__ import annotations

import argparse
import io
import shutil
import threading
from pathlib import Path

import pytest
from conftest import REPO, SITE_TOML, write_image
from lxml import html as lxml_html
from PIL import Image

from pipeline.core.settings import load_settings
from pipeline.preview.serve import make_server
from pipeline.render import images
from pipeline.runner import build_project

BODY = "Text.\n\n![a figure](/assets/figure.jpeg)\n"


def make(root: Path) -> Path:
    (root / "content/en").mkdir(parents=True)
    (root / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    shutil.copytree(REPO / "locales", root / "locales")
    write_image(root / "public/assets/cover.jpeg", (1200, 630))
    write_image(root / "public/assets/figure.jpeg", (640, 360))
    excerpt = "An excerpt that is long enough to be a good meta description for this page."
    (root / "content/en/a.md").write_text(
        f'---\ntitle: "Covers"\nexcerpt: "{excerpt}"\ndate: "2025-07-01T05:35:07Z"\n'
        f'coverImage: "/assets/cover.jpeg"\nauthor:\n  name: Team\ntranslationKey: a\n---\n\n'
        f"{BODY}", encoding="utf-8")
    return root


def build(root: Path) -> None:
    options = argparse.Namespace(jobs=1, format="human", strict=False, force=False)
    results = build_project(root, None, options).results
    assert not any(r.errors for r in results)


def page(root: Path):
    return lxml_html.fromstring((root / "dist/en/a/index.html").read_bytes())


def test_cover_has_size_sources_and_priority_and_body_images_sizes(tmp_path: Path):
    root = make(tmp_path / "site")
    build(root)
    tree = page(root)
    cover = tree.xpath("//img[@class='cover']")[0]
    assert (cover.get("width"), cover.get("height")) == ("1200", "630")
    assert cover.get("fetchpriority") == "high" and cover.get("loading") is None
    assert cover.xpath("ancestor::picture")  # (libxml2 nests the img in the void source)
    sources = tree.xpath("//picture//source")
    assert [s.get("type") for s in sources] == [f"image/{f}" for f in images.formats()]
    for source in sources:
        assert source.get("sizes")
        for candidate in source.get("srcset").split(", "):
            href, width = candidate.split(" ")
            with Image.open(root / "dist" / href.lstrip("/")) as variant:
                assert variant.format == source.get("type").split("/")[1].upper()
                assert f"{variant.width}w" == width
                assert variant.height == round(630 * variant.width / 1200)
    assert [c.split(" ")[1] for c in sources[-1].get("srcset").split(", ")] == \
        ["480w", "960w", "1200w"]
    figure = tree.xpath("//div[@class='article-body']//img")[0]
    assert (figure.get("width"), figure.get("height"), figure.get("loading")) == \
        ("640", "360", "lazy")
    assert every_img_has_a_size(root)
    og = tree.xpath("//meta[@property='og:image']")[0].get("content")
    assert og.endswith("/assets/cover.jpeg")


def every_img_has_a_size(root: Path) -> bool:
    for path in (root / "dist").rglob("*.html"):
        for img in lxml_html.fromstring(path.read_bytes()).xpath("//img"):
            if not (img.get("width") and img.get("height")):
                return False
    return True


def test_variants_are_made_once_and_renamed_when_the_image_changes(tmp_path: Path,
                                                                  monkeypatch):
    root = make(tmp_path / "site")
    build(root)
    before = sorted(p.name for p in (root / "dist/_img").iterdir())
    assert before

    def fail(*args: object) -> bytes:
        raise AssertionError("a cached variant was encoded again")

    monkeypatch.setattr(images, "encode", fail)
    (root / "content/en/a.md").write_text(
        (root / "content/en/a.md").read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    build(root)
    assert sorted(p.name for p in (root / "dist/_img").iterdir()) == before
    monkeypatch.undo()
    img = Image.new("RGB", (800, 400), (200, 10, 10))
    buffer = io.BytesIO()
    img.save(buffer, "JPEG")
    (root / "public/assets/cover.jpeg").write_bytes(buffer.getvalue())
    build(root)
    after = sorted(p.name for p in (root / "dist/_img").iterdir())
    assert not set(after) & set(before)  # new content, new names; the old ones are gone
    assert {name.split("-")[1].split(".")[0] for name in after} == {"480", "800"}
    cover = page(root).xpath("//img[@class='cover']")[0]
    assert (cover.get("width"), cover.get("height")) == ("800", "400")


@pytest.mark.parametrize("size", [(300, 200), (1, 1)])
def test_small_covers_get_one_variant_at_their_own_width(tmp_path: Path, size):
    root = make(tmp_path / "site")
    write_image(root / "public/assets/cover.jpeg", size)
    build(root)
    names = sorted(p.name for p in (root / "dist/_img").iterdir())
    assert {n.split("-")[1].split(".")[0] for n in names} == {str(size[0])}


def test_unreadable_or_remote_images_have_no_size_and_no_variants(tmp_path: Path):
    root = make(tmp_path / "site")
    (root / "public/bad.jpeg").write_bytes(b"not an image")
    public = root / "public"
    assert images.size_attrs(public, "/assets/figure.jpeg") == ' width="640" height="360"'
    assert images.size_attrs(public, "/bad.jpeg") == ""
    assert images.size_attrs(public, "/missing.jpeg") == ""
    assert images.size_attrs(public, "https://example.org/x.jpeg") == ""
    settings = load_settings(root)
    assert images.cover(settings, "/bad.jpeg") is None
    assert images.cover(settings, "https://example.org/x.jpeg") is None
    assert images.cover_context(settings, "/bad.jpeg", "/bad.jpeg") == \
        {"src": "/bad.jpeg", "width": None, "height": None, "sources": []}


def test_variants_are_the_same_bytes_in_a_clean_build_elsewhere(tmp_path: Path):
    first, second = make(tmp_path / "one"), make(tmp_path / "two")
    build(first)
    build(second)
    files = sorted(p.relative_to(first / "dist") for p in (first / "dist/_img").iterdir())
    assert files and all((first / "dist" / f).read_bytes() == (second / "dist" / f).read_bytes()
                         for f in files)


@pytest.mark.browser
def test_chromium_shows_a_variant_of_the_size_it_needs_without_layout_shift(tmp_path: Path):
    """A 390 px wide phone screen picks a narrow AVIF/WebP variant; the cover's box has
    its final height before the image arrives (width/height), so nothing moves."""
    if not CHROMIUM.exists():
        pytest.fail("chromium is missing: run 'bash scripts/ensure-chromium.sh' (make test does)")
    sync_api = pytest.importorskip("playwright.sync_api")
    root = make(tmp_path / "site")
    build(root)
    server = make_server(root / "dist")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            page = browser.new_page(viewport={"width": 390, "height": 800})
            page.add_init_script(SHIFTS)
            page.goto(f"http://{host}:{port}/en/a/", wait_until="load")
            cover = page.evaluate("""() => { const img = document.querySelector('img.cover');
                return [img.currentSrc, img.naturalWidth, img.getBoundingClientRect().height,
                        img.getBoundingClientRect().width, img.loading,
                        img.fetchPriority]; }""")
            shift = page.evaluate("() => window.__shift")
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    src, natural, height, width, loading, priority = cover
    assert "/_img/" in src and src.rsplit(".", 1)[1] == images.formats()[0]
    assert src.rsplit("-", 1)[1].split(".")[0] in ("480", "960")  # never the 1200 px one
    assert 0 < natural < 1200
    assert abs(height - width * 630 / 1200) < 1.5
    assert loading != "lazy" and priority == "high"
    assert shift == 0


CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SHIFTS = """window.__shift = 0;
new PerformanceObserver((list) => { for (const e of list.getEntries())
  if (!e.hadRecentInput) window.__shift += e.value; })
  .observe({type: "layout-shift", buffered: true});"""
