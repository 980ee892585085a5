"""Search per locale (render/search.py): a noindex search page in each language, a
Pagefind index built in the build from the article pages only, byte-stable between clean
builds anywhere, reused while no article page changes; BN401 without Pagefind; and, in
Debian's Chromium, an English and an Arabic word find the right article with no request
leaving 127.0.0.1."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import orjson
import pytest
from lxml import html as lxml_html
from servers import serving
from sitetree import REPO

from pipeline.cli import main
from pipeline.render import search

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
# Words found in one article of their language only (the bundled content).
EN_WORD, EN_PAGE = "downtime", "/en/what-to-know-before-laser-skin-resurfacing/"
AR_WORD, AR_KEY = "كريمات", "what-is-laser-skin-resurfacing"


def copy_project(target: Path) -> Path:
    for name in ("content", "public"):
        shutil.copytree(REPO / name, target / name)
    shutil.copy(REPO / "site.toml", target / "site.toml")
    assert "search = true" in (target / "site.toml").read_text(encoding="utf-8")
    return target


def build(root: Path, *args: str) -> int:
    return main(["build", "--root", str(root), *args])


def index_files(dist: Path) -> dict[str, bytes]:
    return {p.relative_to(dist).as_posix(): p.read_bytes()
            for p in sorted((dist / search.BUNDLE).rglob("*")) if p.is_file()}


def page_of(dist: Path, locale: str, key: str) -> str:
    manifest = orjson.loads((dist / "manifest.json").read_bytes())
    (bundle,) = [b for b in manifest["bundles"]
                 if b["locale"] == locale and b["translationKey"] == key]
    return "/" + str(bundle["page"]).removesuffix("index.html")


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("search"))
    assert build(root) == 0
    return root


@pytest.fixture(scope="module")
def sharded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The bundled site with at most two article pages per index shard (8 shards)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "SHARD_PAGES", 2)
        root = copy_project(tmp_path_factory.mktemp("sharded"))
        assert build(root) == 0
        yield root


def test_every_locale_has_a_noindex_search_page_linked_from_every_page(bundled: Path):
    dist = bundled / "dist"
    for code, direction in (("en", "ltr"), ("ar", "rtl")):
        tree = lxml_html.fromstring((dist / search.page_file(code)).read_bytes())
        assert tree.get("lang") == code and tree.get("dir") == direction
        assert tree.xpath("//meta[@name='robots']/@content") == ["noindex"]
        form = tree.xpath("//form[@role='search']")[0]
        assert form.get("data-bundle") == "/pagefind/"
        assert tree.xpath("//label[@for='search-query']") and tree.xpath("//h1")
        switcher = tree.xpath("//nav[@class='switcher']//a/@href")
        assert switcher and all(h.endswith("/search/") for h in switcher)
    arabic = (dist / search.page_file("ar")).read_text(encoding="utf-8")
    assert "<h1>بحث</h1>" in arabic
    for page in [p for p in dist.rglob("index.html") if "search" not in p.parts]:
        tree = lxml_html.fromstring(page.read_bytes())
        links = tree.xpath("//a[@class='search-link']/@href")
        assert links in (["/en/search/"], ["/ar/search/"]), page
    sitemaps = "".join(p.read_text(encoding="utf-8") for p in (bundled / "sitemap").rglob("*"))
    assert "/search/" not in sitemaps  # a results page is no landing page


def test_the_index_covers_article_pages_per_language_and_nothing_else(bundled: Path):
    dist = bundled / "dist"
    entry = orjson.loads((dist / search.BUNDLE / search.ENTRY).read_bytes())
    articles = {lang: len(list((dist / lang).glob("*/article.json"))) for lang in ("en", "ar")}
    assert {k: v["page_count"] for k, v in entry["languages"].items()} == articles
    assert list(entry["languages"]) == sorted(entry["languages"])
    assert (dist / search.BUNDLE / "pagefind.js").is_file()
    assert not [n for n in index_files(dist) if n.split("/")[-1].startswith(search.UNUSED)]
    manifest = orjson.loads((dist / "manifest.json").read_bytes())
    assert set(index_files(dist)) <= set(manifest["files"])


def test_the_index_is_byte_stable_between_clean_builds_in_other_folders(bundled: Path,
                                                                        tmp_path: Path):
    other = copy_project(tmp_path / "elsewhere")
    assert build(other) == 0
    assert index_files(other / "dist") == index_files(bundled / "dist")


def shard_folders(files: dict[str, bytes]) -> set[str]:
    return {"/".join(n.split("/")[:2]) if n.split("/")[1].startswith("part-") else "pagefind"
            for n in files}


def test_a_shard_is_kept_while_none_of_its_pages_changes_and_equals_a_clean_build(
        tmp_path: Path, monkeypatch):
    monkeypatch.setattr(search, "SHARD_PAGES", 2)  # 10 article pages: 8 shards
    root = copy_project(tmp_path / "site")
    assert build(root) == 0
    before = index_files(root / "dist")
    assert len(shard_folders(before)) > 3
    calls: list[Path] = []
    real = search._run
    monkeypatch.setattr(search, "_run", lambda *a: calls.append(a[1]) or real(*a))
    config = root / "site.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert build(root) == 0  # no article page changed: the index is kept
    assert calls == [] and index_files(root / "dist") == before
    article = root / "content/en/laser-skin-resurfacing.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nZanzibar kelp.\n",
                       encoding="utf-8")
    assert build(root) == 0
    after = index_files(root / "dist")
    assert len(calls) == 1 and after != before  # one shard indexed again, the rest kept
    assert {n for n in after if after[n] != before.get(n)} <= \
        {n for n in after if n.startswith(shard_folders({n: b"" for n in after
                                                         if n not in before}).pop())}
    clean = tmp_path / "clean"
    copy_project(clean)
    shutil.copy(article, clean / "content/en/laser-skin-resurfacing.md")
    assert build(clean) == 0
    assert index_files(clean / "dist") == index_files(root / "dist")


def test_without_pagefind_the_build_fails_with_bn401(tmp_path: Path, monkeypatch, capsys):
    root = copy_project(tmp_path / "site")
    monkeypatch.setattr(search, "executable", lambda: None)
    assert build(root) == 1
    err = capsys.readouterr()
    assert "BN401" in err.out + err.err
    config = root / "site.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("search = true",
                                                                 "search = false"),
                      encoding="utf-8")
    assert build(root) == 0
    assert not (root / "dist" / search.BUNDLE).exists()
    assert not (root / "dist/en/search").exists()


def serve(root: Path) -> Iterator[str]:
    with serving(root / "dist") as base:
        yield base


@pytest.fixture(scope="module")
def served_bundled(bundled: Path) -> Iterator[str]:
    yield from serve(bundled)


@pytest.fixture(scope="module")
def served_sharded(sharded: Path) -> Iterator[str]:
    yield from serve(sharded)


@pytest.mark.browser
@pytest.mark.parametrize("locale", ["en", "ar"])
@pytest.mark.parametrize("site", ["bundled", "sharded"])
def test_a_word_finds_its_article_in_chromium(site: str, locale: str, request):
    """In one index, and across eight index shards merged by the search page."""
    root: Path = request.getfixturevalue(site)
    served = request.getfixturevalue(f"served_{site}")
    if not CHROMIUM.exists():
        pytest.fail("chromium is missing: run 'bash scripts/ensure-chromium.sh' (make test does)")
    sync_api = pytest.importorskip("playwright.sync_api")
    word, expected = (EN_WORD, EN_PAGE) if locale == "en" else \
        (AR_WORD, page_of(root / "dist", "ar", AR_KEY))
    requests: list[str] = []
    errors: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context()

        def route(request_route) -> None:
            url = request_route.request.url
            requests.append(url)
            if urlsplit(url).hostname == "127.0.0.1":
                request_route.continue_()
            else:
                request_route.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.goto(f"{served}/{locale}/search/", wait_until="load")
        page.fill("#search-query", word)
        page.click("form.search button")
        page.wait_for_selector(".search-results li a", timeout=20_000)
        found = page.eval_on_selector_all(".search-results li a",
                                          "links => links.map(a => a.getAttribute('href'))")
        marked = page.inner_text(".search-results li p mark")
        assert "q=" in page.url
        browser.close()
    assert unquote(found[0]) == unquote(expected)  # the best match first
    if site == "bundled":  # one index: the word's one article (shards match more loosely)
        assert len(found) == 1
    assert marked.casefold() == word.casefold()
    assert errors == []
    assert requests and all(urlsplit(u).hostname == "127.0.0.1" for u in requests)
