"""The site health report ``reports/index.html``: what it shows, that it is an output of
the build (rendered again only when its inputs change, byte-identical to a clean build),
and in headless Chromium: it renders its charts, in English and in Arabic (right to left),
with no request leaving the page."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from sitetree import REPO
from test_browser import ARGS, CHROMIUM, Watched

from pipeline.preview.serve import make_server
from pipeline.sitereport.charts import LABEL, WIDTH, bar_chart

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


def test_report_alone_keeps_the_other_reports(site: Path) -> None:
    from pipeline.cli import main

    before = sorted(p.name for p in (site / "reports").iterdir())
    page = (site / REPORT).read_bytes()
    assert main(["report", "--root", str(site)]) == 0
    assert sorted(p.name for p in (site / "reports").iterdir()) == before
    assert (site / REPORT).read_bytes() == page


def test_a_build_stopped_by_errors_has_no_report(tmp_path: Path) -> None:
    root = copy_site(tmp_path)
    assert build(root) == 0 and (root / REPORT).is_file()
    article = root / "content/en/what-is-laser-skin-resurfacing.md"
    article.write_text(article.read_text(encoding="utf-8").replace(
        "locale: en", "locale: xx"), encoding="utf-8")
    assert build(root) == 1
    assert not (root / REPORT).exists()  # as a clean build of this input has none
    assert (root / "reports/validate.json").is_file()


SERIES = ("error", "warning", "info")
ROWS = st.lists(st.tuples(
    st.text(st.characters(blacklist_characters=";", blacklist_categories=("Cs", "Cc")),
            max_size=12),
    st.fixed_dictionaries({}, optional={s: st.integers(0, 10**6) for s in SERIES})),
    max_size=8)


@given(ROWS)
def test_bar_chart_is_well_formed_and_inside_its_box(
        rows: list[tuple[str, dict[str, int]]]) -> None:
    """Any counts give well-formed SVG with a text alternative; bars stay in the plot."""
    svg = etree.fromstring(bar_chart("c", "A <title> & more", rows, SERIES,
                                     {"error": "errors"}))
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "c-t c-d"
    assert svg.findtext("title") == "A <title> & more"
    bars = svg.findall("rect[@class='bar']")
    assert len(bars) == sum(1 for _, values in rows for v in values.values() if v)
    for bar in bars:
        x, width = float(bar.get("x", "")), float(bar.get("width", ""))
        assert x >= LABEL and width >= 1 and x + width <= WIDTH - 60 + len(SERIES)
    assert (svg.findtext("desc") or "").count(";") == max(len(rows) - 1, 0)


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
            section, title = (page.locator("#ar").bounding_box(),
                              page.locator("#ar h1").bounding_box())
            assert section is not None and title is not None  # Arabic title on the right
            assert abs(section["x"] + section["width"] - title["x"] - title["width"]) < 2
            shot = watched.shoot("site-report.png")
            assert shot.stat().st_size > 10_000
            arabic = shot.with_name("site-report-ar.png")
            page.locator("#ar").screenshot(path=str(arabic))
            assert arabic.stat().st_size > 10_000
            watched.assert_clean()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
