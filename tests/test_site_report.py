"""The site health report ``reports/index.html``: what it shows, that it is an output of
the build (rendered again only when its inputs change, byte-identical to a clean build),
and in headless Chromium: it renders its charts, in English and in Arabic (right to left),
with no request leaving the page."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from sitetree import REPO
from test_browser import ARGS, CHROMIUM, Watched

from pipeline.preview.serve import make_server

REPORT = Path("reports/index.html")


def build(root: Path) -> int:
    from pipeline.cli import main

    return main(["build", "--root", str(root)])


def copy_site(root: Path) -> Path:
    for name in ("content", "public"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "site.toml", root / "site.toml")
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled site, plus a near-copy of one English article (a cluster and a
    near-duplicate for the report to show) and an offline links run."""
    root = copy_site(tmp_path_factory.mktemp("report"))
    source = (root / "content/en/what-is-laser-skin-resurfacing.md").read_text(encoding="utf-8")
    (root / "content/en/laser-resurfacing-explained.md").write_text(
        source.replace("slug: what-is-laser-skin-resurfacing", "slug: laser-resurfacing-explained")
        .replace("translationKey: what-is-laser-skin-resurfacing",
                 "translationKey: laser-resurfacing-explained")
        .replace('title: "What Is', 'title: "Explained: What Is'), encoding="utf-8")
    from pipeline.cli import main

    main(["links", "--offline", "--root", str(root)])
    assert build(root) == 0
    return root


def test_report_is_built_and_shows_every_part(site: Path) -> None:
    html = (site / REPORT).read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>\n<!-- inputs sha256:")
    for text in ("Findings by stage", "Translation coverage and staleness",
                 "Articles competing for one search intent", "Near-duplicate texts",
                 "Pages no article links to", "Internal link suggestions", "Link health",
                 "الملاحظات حسب المرحلة", "تغطية الترجمة وتقادمها"):
        assert text in html
    assert '<section class="lang" id="ar" lang="ar" dir="rtl">' in html
    assert html.count("<svg") >= 6 and "<script" not in html
    assert "content/en/laser-resurfacing-explained.md:" in html  # the cluster, located
    assert html.count('<table class="pair">') == 2  # the near-duplicate pair, per language
    assert "content/en/benefits-of-laser-skin-resurfacing.md:49" in html  # a suggestion
    assert "No links run yet" not in html and "links checked" not in html
    assert "src=" not in html and html.count("<link") == 1  # nothing loaded from anywhere
    assert '<link rel="icon" href="data:,">' in html  # (not even a favicon)


def test_report_is_incremental_and_byte_identical(site: Path, tmp_path: Path) -> None:
    page = site / REPORT
    before, inode = page.read_bytes(), page.stat().st_ino
    assert build(site) == 0
    assert page.read_bytes() == before and page.stat().st_ino == inode  # not rewritten
    article = next((site / "content/en").glob("*.md"))
    article.write_text(article.read_text(encoding="utf-8").replace(
        "\n\n", "\n\nAn added paragraph that changes the text.\n\n", 1), encoding="utf-8")
    assert build(site) == 0
    edited = page.read_bytes()
    clean = tmp_path / "clean"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns("dist", "sitemap", ".cache"))
    for stale in (clean / "reports").iterdir():  # only the last links run survives
        if stale.name != "links.json":
            stale.unlink()
    assert build(clean) == 0
    assert (clean / REPORT).read_bytes() == edited


def test_summary_names_the_report(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pipeline.cli import main

    main(["build", "--root", str(site), "--force"])
    assert "reports/index.html (site health)" in capsys.readouterr().out


@pytest.mark.browser
def test_report_in_chromium(site: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    server = make_server(site / "reports")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS,
                                                 headless=True)
            watched = Watched(browser, width=1100)
            watched.goto(f"http://{host}:{port}/index.html")
            page = watched.page
            bars = page.locator("section#en svg.chart rect.bar")
            assert bars.count() >= 3
            box = page.locator("svg#stages-en").bounding_box()
            assert box is not None and box["width"] > 300 and box["height"] > 40
            assert page.evaluate("getComputedStyle(document.querySelector('#ar')).direction") \
                == "rtl"
            shot = watched.shoot("site-report.png")
            assert shot.stat().st_size > 10_000
            watched.assert_clean()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
