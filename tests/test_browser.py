"""English and Arabic pages of one article in Debian's headless Chromium via Playwright.

The preview server runs on 127.0.0.1; every request the page makes is recorded and
must stay on 127.0.0.1. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from servers import serving
from sitetree import REPO, build, make_site

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = REPO / "test-artifacts"
EN_PATH = "/en/laser-skin-resurfacing/"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Iterator[str]:
    root = make_site(tmp_path_factory.mktemp("browser"))
    assert build(root) == 0
    with serving(root / "dist") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists() and not shutil.which("chromium"):
        pytest.fail("chromium is missing: run 'bash scripts/ensure-chromium.sh' (make test does)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS,
                                             headless=True)
        yield browser
        browser.close()


class Watched:
    """A page with its console errors, page errors and every requested URL recorded."""

    def __init__(self, browser, width: int = 1100):
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.context.route("**/*", self._route)

    def _route(self, route) -> None:
        url = route.request.url
        self.requests.append(url)
        if urlsplit(url).hostname == "127.0.0.1" or url.startswith("data:"):
            route.continue_()
        else:
            route.abort()

    def goto(self, url: str) -> None:
        response = self.page.goto(url, wait_until="load")
        assert response is not None and response.status == 200, url
        self.page.evaluate("document.fonts.ready")

    def shoot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def assert_clean(self) -> None:
        assert self.errors == []
        outside = [u for u in self.requests
                   if not u.startswith("data:") and urlsplit(u).hostname != "127.0.0.1"]
        assert outside == []
        self.context.close()


def direction(page, selector: str) -> str:
    return page.eval_on_selector(selector, "e => getComputedStyle(e).direction")


def platform_fonts(page, selector: str) -> list[str]:
    """Font families Chromium really used to draw a node's text (DevTools protocol)."""
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        cdp.send("CSS.enable")
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        return [f["familyName"] for f in fonts if f["glyphCount"] > 0]
    finally:
        cdp.detach()


def test_english_page_and_switch_to_arabic(base: str, browser):
    watched = Watched(browser)
    page = watched.page
    watched.goto(base + EN_PATH)
    assert page.get_attribute("html", "lang") == "en"
    assert direction(page, "body") == "ltr"
    watched.shoot("article-en.png")
    link = page.locator("nav.switcher a[hreflang='ar']")
    assert link.get_attribute("lang") == "ar"
    link.click()
    page.wait_for_load_state("load")
    assert urlsplit(page.url).path.startswith("/ar/%D8%AA")
    assert page.get_attribute("html", "lang") == "ar"
    assert page.get_attribute("html", "dir") == "rtl"
    watched.assert_clean()


def test_arabic_page_is_right_to_left(base: str, browser):
    watched = Watched(browser)
    page = watched.page
    watched.goto(base + EN_PATH)
    href = page.get_attribute("nav.switcher a[hreflang='ar']", "href")
    watched.goto(base + href)
    assert page.get_attribute("html", "lang") == "ar"
    for selector in ("body", "article h1", ".article-body p", "table"):
        assert direction(page, selector) == "rtl", selector
    # Logical properties: the list indent and table cells follow the reading direction.
    body_box = page.eval_on_selector("main", "e => e.getBoundingClientRect().right")
    h1_box = page.eval_on_selector("article h1", "e => e.getBoundingClientRect().right")
    assert abs(body_box - h1_box) < 40
    assert page.eval_on_selector("th", "e => getComputedStyle(e).textAlign") in ("start", "right")
    assert page.locator("time").inner_text() == "١ يوليو ٢٠٢٥"
    # The glyphs of the Arabic heading come from an installed Arabic font (not tofu).
    assert any("Arabic" in name for name in platform_fonts(page, "article h1")), \
        "no Arabic font: install fonts-noto-core (scripts/ensure-chromium.sh)"
    back = page.locator("nav.switcher a[hreflang='en']")
    assert back.get_attribute("href") == EN_PATH
    watched.shoot("article-ar.png")
    watched.assert_clean()


def test_arabic_page_on_a_narrow_screen(base: str, browser):
    watched = Watched(browser, width=390)
    watched.goto(base + "/ar/")
    assert watched.page.get_attribute("html", "dir") == "rtl"
    overflow = watched.page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    watched.shoot("index-ar-narrow.png")
    watched.assert_clean()


def test_root_chooser_and_404(base: str, browser):
    watched = Watched(browser)
    watched.goto(base + "/")
    assert watched.page.locator("ul.chooser li[lang='ar']").get_attribute("dir") == "rtl"
    watched.shoot("chooser.png")
    response = watched.page.goto(base + "/no/such/page/")
    assert response is not None and response.status == 404
    assert watched.page.locator("section[lang='ar'] h1").inner_text() == "الصفحة غير موجودة"
    watched.shoot("404.png")
    watched.errors = [e for e in watched.errors if "404" not in e]  # the page's own status
    watched.assert_clean()


@pytest.fixture(scope="module")
def bundled_base(tmp_path_factory) -> Iterator[str]:
    """The bundled content (10 articles) built and served on loopback."""
    root = tmp_path_factory.mktemp("bundled-browser")
    for name in ("content", "public"):  # UI catalogs: the package's defaults
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "site.toml", root / "site.toml")
    assert build(root) == 0
    with serving(root / "dist") as url:
        yield url


AR_TOC_PATH = "/ar/فوائد-تقشير-البشرة-بالليزر/"  # ten headings: a table of contents
AR_LIST_PATH = "/ar/تقشير-البشرة-بالليزر/"  # an ordered list in the body


def list_style(page, selector: str) -> str:
    return page.eval_on_selector(selector, "e => getComputedStyle(e).listStyleType")


def font_px(page, selector: str) -> float:
    return page.eval_on_selector(selector, "e => parseFloat(getComputedStyle(e).fontSize)")


def test_arabic_lists_count_in_arabic_indic_digits(bundled_base: str, browser):
    watched = Watched(browser)
    page = watched.page
    watched.goto(bundled_base + AR_TOC_PATH)
    assert page.get_attribute("html", "data-numbering") == "arab"
    assert list_style(page, "nav.toc ol") == "arabic-indic"
    watched.goto(bundled_base + AR_LIST_PATH)
    assert list_style(page, ".article-body ol") == "arabic-indic"
    watched.shoot("article-ar-list.png")
    watched.goto(bundled_base + "/en/benefits-of-laser-skin-resurfacing/")
    assert list_style(page, "nav.toc ol") == "decimal"
    watched.assert_clean()


def test_arabic_body_is_set_larger_than_latin(bundled_base: str, browser):
    watched = Watched(browser)
    page = watched.page
    watched.goto(bundled_base + "/en/benefits-of-laser-skin-resurfacing/")
    latin = font_px(page, ".article-body p")
    watched.goto(bundled_base + AR_TOC_PATH)
    arabic = font_px(page, ".article-body p")
    assert 1.1 <= arabic / latin <= 1.15, (arabic, latin)
    watched.assert_clean()


@pytest.mark.parametrize("path", [AR_TOC_PATH, AR_LIST_PATH, "/ar/",
                                  "/en/what-to-know-before-laser-skin-resurfacing/"])
def test_byline_breaks_only_between_its_parts_at_390px(bundled_base: str, browser, path: str):
    watched = Watched(browser, width=390)
    page = watched.page
    watched.goto(bundled_base + path)
    # Lines each part spans: its boxes' distinct tops (bidi runs give several boxes a line).
    lines_per_item = page.eval_on_selector_all(".byline .item", """items => items.map(i => {
        const tops = [...i.getClientRects()].map(r => r.top).sort((a, b) => a - b);
        return tops.filter((t, n) => n === 0 || t - tops[n - 1] > 10).length; })""")
    assert lines_per_item and set(lines_per_item) == {1}
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    if path == AR_TOC_PATH:
        watched.shoot("article-ar-narrow.png")
    watched.assert_clean()


def crumb_boxes(page) -> list[tuple[str, float, float]]:
    return page.eval_on_selector_all(
        "nav.breadcrumbs li",
        "items => items.map(e => [e.innerText, e.getBoundingClientRect().left,"
        " e.getBoundingClientRect().right])")


def test_breadcrumbs_read_in_the_page_direction(bundled_base: str, browser):
    """Home › Articles › the article: left to right in English, right to left in Arabic,
    each crumb a working link, the same trail as the page's BreadcrumbList."""
    watched = Watched(browser)
    page = watched.page
    watched.goto(bundled_base + "/en/what-is-laser-skin-resurfacing/")
    en = crumb_boxes(page)
    assert [name for name, *_ in en] == [
        "Home", "Articles", "What Is Laser Skin Resurfacing? How It Works and Recovery"]
    assert en[0][2] <= en[1][1] and en[1][2] <= en[2][1]  # each crumb right of the last
    href = page.get_attribute("nav.switcher a[hreflang='ar']", "href")
    watched.goto(bundled_base + href)
    assert direction(page, "nav.breadcrumbs ol") == "rtl"
    ar = crumb_boxes(page)
    assert [name for name, *_ in ar] == ["الرئيسية", "المقالات",
                                        "ما هو تقشير البشرة بالليزر؟ آلية عمله والتعافي منه"]
    assert ar[0][1] >= ar[1][2] and ar[1][1] >= ar[2][2]  # each crumb left of the last
    trail = page.eval_on_selector(  # a health article: the trail is in the head's @graph
        "head > script[type='application/ld+json']",
        "e => JSON.parse(e.textContent)['@graph'].find(n => n['@type'] === 'BreadcrumbList')"
        ".itemListElement.map(i => i.name)")
    assert trail == [name for name, *_ in ar]
    watched.shoot("breadcrumbs-ar.png")
    page.click("nav.breadcrumbs a[href='/ar/']")
    page.wait_for_load_state()
    assert urlsplit(page.url).path == "/ar/"
    assert page.locator("h1").inner_text() == "المقالات"
    watched.assert_clean()


def test_tag_links_lead_to_the_tag_page(bundled_base: str, browser):
    watched = Watched(browser)
    page = watched.page
    watched.goto(bundled_base + "/ar/")
    page.locator("p.tags a", has_text="ليزر").first.click()
    page.wait_for_load_state()
    assert unquote(urlsplit(page.url).path) == "/ar/tags/ليزر/"
    assert page.locator("h1").inner_text() == "ليزر"
    assert page.locator("ul.article-list > li").count() == 4
    assert direction(page, "ul.article-list") == "rtl"
    watched.assert_clean()
