"""List pages: the paginated locale index (``/en/``, ``/en/page/2/``...), tag pages per
locale with translated names and hreflang between them, and breadcrumbs with a matching
``BreadcrumbList``, on a generated en + ar site."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from listing_site import BASE, make
from lxml import etree
from lxml import html as lxml_html

from pipeline.cli import main
from pipeline.content.load import load_site
from pipeline.content.schema import slug_problem
from pipeline.content.tags import tag_slug
from pipeline.core import urls
from pipeline.core.addresses import list_address
from pipeline.core.settings import load_settings, parse_settings
from pipeline.engine import paths
from pipeline.render import catalogs, pages
from pipeline.render.bundle import LocaleKit
from pipeline.render.listing import ListPart, paginate

AR_LASER = "%D9%84%D9%8A%D8%B2%D8%B1"  # ليزر


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make(tmp_path_factory.mktemp("listing") / "site")
    assert main(["build", "--root", str(root)]) == 0
    return root


def doc(root: Path, rel: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring((root / "dist" / rel).read_bytes())


def canonical(page: lxml_html.HtmlElement) -> str:
    (href,) = page.xpath("//head/link[@rel='canonical']/@href")
    return str(href)


def hreflangs(page: lxml_html.HtmlElement) -> list[tuple[str, str]]:
    return [(str(link.get("hreflang")), str(link.get("href")))
            for link in page.xpath("//head/link[@rel='alternate'][@hreflang]")]


def json_ld(page: lxml_html.HtmlElement, kind: str) -> dict:
    found = [json.loads(s.text) for s in page.xpath("//script[@type='application/ld+json']")]
    (data,) = [d for d in found if d["@type"] == kind]
    return data


def sitemap_urls(root: Path) -> dict[str, list[tuple[str, str]]]:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    found = {}
    for path in sorted((root / "sitemap").glob("sitemap-*.xml")):
        for url in etree.parse(str(path)).getroot().iterfind("s:url", ns):
            found[url.findtext("s:loc", namespaces=ns)] = [
                (link.get("hreflang"), link.get("href")) for link in url.iterfind("x:link", ns)]
    return found


def test_index_is_paginated_without_a_page_1_duplicate(site: Path) -> None:
    dist = site / "dist"
    assert (dist / "en/page/2/index.html").is_file() and (dist / "en/page/3/index.html").is_file()
    assert not (dist / "en/page/1").exists() and not (dist / "en/page/4").exists()
    first, second, last = doc(site, "en/index.html"), doc(site, "en/page/2/index.html"), \
        doc(site, "en/page/3/index.html")
    assert canonical(first) == f"{BASE}/en/" and canonical(second) == f"{BASE}/en/page/2/"
    assert first.findtext(".//title") == "Articles · Test Site"
    assert second.findtext(".//title") == "Articles · Page 2 · Test Site"
    assert second.xpath("//head/link[@rel='prev']/@href") == ["/en/"]
    assert second.xpath("//head/link[@rel='next']/@href") == ["/en/page/3/"]
    assert first.xpath("//head/link[@rel='prev']") == [] == last.xpath("//head/link[@rel='next']")
    assert second.xpath("//nav[@class='pager']/a[@rel='prev']/@href") == ["/en/"]
    assert [a.text for a in second.xpath("//ul[@class='article-list']//h2/a")] == [
        f"Laser light renews the skin {n:02d}" for n in (3, 2, 1)]  # newest first
    items = json_ld(second, "CollectionPage")["mainEntity"]["itemListElement"]
    assert [i["position"] for i in items] == [4, 5, 6]
    assert len(hreflangs(first)) == 3 and hreflangs(second) == []  # only page 1 in the cluster
    descriptions = {str(p.xpath("//meta[@name='description']/@content")[0])
                    for p in (first, second, last)}
    assert len(descriptions) == 3


def test_arabic_page_title_counts_in_arabic_digits(site: Path) -> None:
    page = doc(site, "ar/page/2/index.html")
    assert page.findtext(".//title") == "المقالات · الصفحة ٢ · Test Site"
    assert page.xpath("string(//nav[@class='pager']/span)") == "الصفحة ٢ من ٣"
    assert page.get("dir") == "rtl"


def test_every_list_page_is_in_the_sitemap_with_its_cluster(site: Path) -> None:
    listed = sitemap_urls(site)
    for rel in ("en/page/2/", "en/page/3/", "ar/page/2/", "en/tags/laser/page/3/",
                "en/tags/skin-care/page/2/", "en/tags/recovery/"):
        assert f"{BASE}/{rel}" in listed, rel
    assert f"{BASE}/en/page/1/" not in listed
    laser = [("en", f"{BASE}/en/tags/laser/"), ("ar", f"{BASE}/ar/tags/{AR_LASER}/"),
             ("x-default", f"{BASE}/en/tags/laser/")]
    assert listed[f"{BASE}/en/tags/laser/"] == laser == listed[f"{BASE}/ar/tags/{AR_LASER}/"]
    assert hreflangs(doc(site, "en/tags/laser/index.html")) == laser
    assert hreflangs(doc(site, f"ar/tags/{urls.decode_fragment(AR_LASER)}/index.html")) == laser
    # A tag with no name for Arabic is its own tag there: a page of one language only.
    assert listed[f"{BASE}/en/tags/recovery/"] == []
    assert hreflangs(doc(site, "ar/tags/التعافي/index.html")) == []
    assert main(["hreflang", "--root", str(site), "--strict"]) == 0


def test_tag_pages_are_collections_linked_from_articles(site: Path) -> None:
    page = doc(site, "ar/tags/العناية-بالبشرة/index.html")
    data = json_ld(page, "CollectionPage")
    assert data["inLanguage"] == "ar" and data["name"] == "العناية بالبشرة · Test Site"
    assert page.findtext(".//h1") == "العناية بالبشرة"
    assert str(page.xpath("//meta[@name='description']/@content")[0]) == \
        "مقالات الوسم العناية بالبشرة في Test Site"
    article = doc(site, "ar/a4/index.html")
    assert article.xpath("//p[@class='tags']/a/@href") == [
        "/ar/tags/%D9%84%D9%8A%D8%B2%D8%B1/",
        "/ar/tags/%D8%A7%D9%84%D8%B9%D9%86%D8%A7%D9%8A%D8%A9-%D8%A8%D8%A7%D9%84%D8%A8%D8%B4%D8%B1%D8%A9/"]
    en = doc(site, "en/tags/skin-care/index.html")
    assert [a.text for a in en.xpath("//ul[@class='article-list']//h2/a")] == [
        f"Laser light renews the skin {n:02d}" for n in (5, 4, 2)]


def crumbs(page: lxml_html.HtmlElement) -> list[tuple[str, str | None]]:
    return [(li.text_content(), li.xpath("string(a/@href)") or None)
            for li in page.xpath("//nav[@class='breadcrumbs']/ol/li")]


@pytest.mark.parametrize(("rel", "url", "expected"), [
    ("en/a3/index.html", f"{BASE}/en/a3/",
     [("Home", "/"), ("Articles", "/en/"), ("Laser light renews the skin 03", None)]),
    ("ar/a3/index.html", f"{BASE}/ar/a3/",
     [("الرئيسية", "/"), ("المقالات", "/ar/"), ("ضوء الليزر يجدد البشرة 03", None)]),
    ("en/index.html", f"{BASE}/en/", [("Home", "/"), ("Articles", None)]),
    ("en/tags/laser/page/2/index.html", f"{BASE}/en/tags/laser/page/2/",
     [("Home", "/"), ("Articles", "/en/"), ("laser", "/en/tags/laser/"), ("Page 2", None)]),
])
def test_breadcrumbs_match_their_breadcrumb_list(site: Path, rel: str, url: str,
                                                 expected: list) -> None:
    page = doc(site, rel)
    assert crumbs(page) == expected
    items = json_ld(page, "BreadcrumbList")["itemListElement"]
    assert [(i["position"], i["name"]) for i in items] == [
        (n, name) for n, (name, _) in enumerate(expected, 1)]
    assert [i["item"] for i in items] == [BASE + href for _, href in expected[:-1]] + [url]
    assert page.xpath("//nav[@class='breadcrumbs']//span/@aria-current") == ["page"]


def test_per_page_and_tag_names_are_validated(tmp_path: Path) -> None:
    data = {"site": {"name": "S", "base_url": "https://example.org"},
            "locales": [{"code": "en", "hreflang": "en", "og_locale": "en_US",
                         "direction": "ltr", "name": "English"}],
            "bundles": {"per_page": 0}, "tags": {"names": ["laser", "fr:laser=laser"]}}
    _, findings = parse_settings(data, tmp_path)
    assert sorted(f.code for f in findings) == ["CF104", "CF112", "CF112"]
    messages = " | ".join(f.message for f in findings)
    assert "'bundles.per_page' must be at least 1" in messages
    assert "is not LOCALE:TAG=NAME" in messages and "unknown locale 'fr'" in messages


def test_bad_per_page_is_a_located_error_with_exit_2(tmp_path: Path, capsys) -> None:
    root = make(tmp_path / "site", count=1)
    config = root / "site.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("per_page = 3",
                                                                 "per_page = 5000"),
                      encoding="utf-8")
    assert main(["build", "--root", str(root)]) == 2
    out = capsys.readouterr()
    line = next(n for n, text in enumerate(config.read_text().splitlines(), 1)
                if text.startswith("per_page"))
    assert f"site.toml:{line}:1: error CF104" in out.out + out.err


@given(st.text(min_size=1, max_size=40))
@example("\u1fe2")  # casefolds into three code points that are not NFC
def test_any_tag_gives_a_safe_path_segment(name: str) -> None:
    slug = tag_slug(name)
    assert slug and "/" not in slug and slug_problem(slug) == ""
    address = list_address(BASE, "ar", slug, 3)
    assert paths.is_safe(address.file) and address.file.endswith("/page/3/index.html")
    assert urls.encoding_issues(address.url) == []


def test_page_1_has_no_page_folder() -> None:
    assert list_address(BASE, "en").file == "en/index.html"
    assert list_address(BASE, "en", "", 2).href == "/en/page/2/"
    assert list_address(BASE, "ar", "ليزر").url == f"{BASE}/ar/tags/{AR_LASER}/"


def test_index_pages_of_10000_articles_stay_under_100_kb(site: Path) -> None:
    """The page function itself at the default page size, on long titles and excerpts."""
    settings = load_settings(site)

    loaded, _ = load_site(settings, use_cache=False)
    for code in ("en", "ar"):
        locale = settings.locale(code)
        translations, _ = catalogs.load_translations(settings.path("locales"), locale, site)
        kit = LocaleKit(locale, translations)
        entries = [{"title": f"{'عنوان طويل' if code == 'ar' else 'A long title'} {n} " * 4,
                    "href": f"/{code}/article-{n}/", "url": f"{BASE}/{code}/article-{n}/",
                    "date": "١ يوليو ٢٠٢٥", "datetime": "2025-07-01T09:00:00Z",
                    "reading_time": "Reading time: 5 minutes", "excerpt": "x" * 160,
                    "tags": ["laser", "skin care"]} for n in range(10_000)]
        chunks = paginate(entries, 30)
        assert len(chunks) == 334
        for number in (1, 2, len(chunks)):
            part = ListPart(number, len(chunks), (number - 1) * 30 + 1, list(chunks[number - 1]))
            size = len(pages.list_page(loaded, kit, part).encode())
            assert size < 100_000, (code, number, size)
