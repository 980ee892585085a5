"""``serve --watch`` end to end: open pages show each save within 2 s (headless Chromium)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_browser import ARGS, CHROMIUM, Watched
from watch_support import WatchServer, copy_project

pytestmark = pytest.mark.browser

EN_FILE = "content/en/laser-skin-resurfacing.md"
AR_FILE = "content/ar/laser-skin-resurfacing.md"
EN_PAGE = "/en/laser-skin-resurfacing/"
AR_PAGE = "/ar/" + "تقشير-البشرة-بالليزر/"
EN_FIRST = "If you are looking to improve your skin's appearance"
AR_FIRST = "إذا كنت تسعى إلى تحسين مظهر بشرتك"
LIMIT = 2.0  # seconds from a save to the new text in the open page


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.fail("chromium is missing: run 'bash scripts/ensure-chromium.sh' (make test does)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def project(tmp_path: Path) -> Iterator[Path]:
    yield copy_project(tmp_path)


def edit(root: Path, name: str, old: str, new: str) -> float:
    """Replace ``old`` by ``new`` in an article; the time of the save."""
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    start = time.monotonic()
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return start


def seconds_until_shown(page, text: str, since: float) -> float:
    from playwright.sync_api import expect

    expect(page.locator(".article-body")).to_contain_text(text, timeout=15_000)
    return time.monotonic() - since


def open_page(browser, url: str) -> Watched:
    watched = Watched(browser)
    watched.goto(url)
    watched.page.wait_for_function("document.querySelector('script[data-token]') !== null")
    return watched


def test_each_save_shows_in_the_open_pages(project: Path, browser):
    server = WatchServer(project)
    try:
        english = open_page(browser, server.base + EN_PAGE)
        arabic = open_page(browser, server.base + AR_PAGE)
        assert arabic.page.get_attribute("html", "dir") == "rtl"
        since = edit(project, EN_FILE, EN_FIRST, "Watch mode shows this English sentence")
        took = seconds_until_shown(english.page, "Watch mode shows this English sentence", since)
        assert took < LIMIT, f"the English edit took {took:.2f} s"
        since = edit(project, AR_FILE, AR_FIRST, "يظهر هذا النص العربي الجديد")
        took = seconds_until_shown(arabic.page, "يظهر هذا النص العربي الجديد", since)
        assert took < LIMIT, f"the Arabic edit took {took:.2f} s"
        assert arabic.page.get_attribute("html", "dir") == "rtl"
        english.assert_clean()
        arabic.assert_clean()
    finally:
        assert server.stop() == 0
    files = [p for p in (project / "dist").rglob("*") if p.is_file()]
    assert len(files) > 20
    assert not [p for p in files if b"__reload" in p.read_bytes()]


def test_a_failed_build_keeps_the_page_and_shows_the_errors(project: Path, browser):
    server = WatchServer(project)
    try:
        english = open_page(browser, server.base + EN_PAGE)
        edit(project, EN_FILE, "title: \"", "title: 5 #\"")
        server.wait_for(re.compile("build failed"), 15)
        overlay = english.page.locator("#__reload-error")
        overlay.wait_for(timeout=5_000)
        assert "FM102" in overlay.inner_text()
        assert EN_FIRST in english.page.locator(".article-body").inner_text()
        edit(project, EN_FILE, "title: 5 #\"", "title: \"")
        since = edit(project, EN_FILE, EN_FIRST, "Fixed and saved again")
        seconds_until_shown(english.page, "Fixed and saved again", since)
        assert english.page.locator("#__reload-error").count() == 0
        english.assert_clean()
    finally:
        server.stop()


def test_pages_reconnect_to_a_restarted_server(project: Path, browser):
    server = WatchServer(project)
    english = open_page(browser, server.base + EN_PAGE)
    assert server.stop() == 0
    edit(project, EN_FILE, EN_FIRST, "Saved while the server was down")
    server = WatchServer(project, port=server.port)
    try:
        seconds_until_shown(english.page, "Saved while the server was down", time.monotonic())
    finally:
        server.stop()
    english.context.close()


def test_a_save_reloads_only_the_pages_it_changed(project: Path, browser):
    """The build after a save names the pages it changed; an open page it did not change
    stays as it is (no reload: its scroll position and state are kept)."""
    others = sorted(p.stem for p in (project / "content/en").glob("*.md")
                    if p.name != Path(EN_FILE).name)
    server = WatchServer(project)
    try:
        edited = open_page(browser, server.base + EN_PAGE)
        other = open_page(browser, server.base + f"/en/{others[0]}/")
        other.page.evaluate("window.__kept = 'this page was not reloaded'")
        edited.page.evaluate("window.__kept = 'this page was not reloaded'")
        # the last paragraph: past what related lists read, so no other page changes
        since = edit(project, EN_FILE, "as it will be very sensitive.",
                     "as it will be very sensitive. Only this page reloads.")
        seconds_until_shown(edited.page, "Only this page reloads", since)
        assert edited.page.evaluate("window.__kept === undefined")  # reloaded
        time.sleep(1.0)  # any reload of the other page would have happened by now
        assert other.page.evaluate("window.__kept") == "this page was not reloaded"
        edited.assert_clean()
        other.assert_clean()
    finally:
        assert server.stop() == 0
