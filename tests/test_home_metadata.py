"""Home pages (chooser, locale indexes) carry their own metadata; 404 is noindex; coverAlt."""

from __future__ import annotations

from pathlib import Path

import extruct
import lxml.html
import pytest
from seo_site import AR_SLUG, Post, default_posts, write_site
from sitetree import REPO

from pipeline.cli import main

BASE = "https://example.org"


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    posts = default_posts()
    posts[1] = Post(**{**posts[1].__dict__, "cover_alt": "طبيبة تفحص بشرة مريضة"})
    root = write_site(Path(tmp_path_factory.mktemp("home")), posts)
    assert main(["bundles", "--root", str(root)]) == 0
    return root / "dist"


def extract(path: Path, url: str) -> dict:
    html = path.read_text(encoding="utf-8")
    data = extruct.extract(html, base_url=url, syntaxes=["opengraph", "json-ld"],
                           uniform=False)
    tree = lxml.html.fromstring(html)
    metas = {m.get("name"): m.get("content") for m in tree.iter("meta") if m.get("name")}
    og = dict(data["opengraph"][0]["properties"]) if data["opengraph"] else {}
    return {"og": og, "ld": data["json-ld"],
            "meta": metas, "lang": tree.get("lang")}


def test_chooser_is_a_website(dist: Path) -> None:
    page = extract(dist / "index.html", BASE + "/")
    assert page["meta"]["description"] == "Test Site: articles in English, العربية. " \
                                          "Choose your language."
    assert page["og"]["og:type"] == "website" and page["og"]["og:url"] == BASE + "/"
    assert page["og"]["og:locale"] == "en_US"
    assert page["meta"]["twitter:card"] == "summary_large_image"
    (ld,) = page["ld"]
    assert ld["@type"] == "WebSite" and ld["inLanguage"] == ["en", "ar"]


def test_locale_indexes_are_item_lists_in_their_language(dist: Path) -> None:
    ar = extract(dist / "ar" / "index.html", BASE + "/ar/")
    assert ar["lang"] == "ar"
    assert ar["meta"]["description"] == "جميع مقالات Test Site"
    assert ar["og"]["og:locale"] == "ar_AR" and ar["og"]["og:title"].startswith("المقالات")
    assert ar["og"]["og:image:alt"] == ar["meta"]["twitter:image:alt"] == "طبيبة تفحص بشرة مريضة"
    ld, crumbs = ar["ld"]
    assert ld["@type"] == "CollectionPage" and ld["inLanguage"] == "ar"
    assert crumbs["@type"] == "BreadcrumbList"
    items = ld["mainEntity"]["itemListElement"]
    assert [i["position"] for i in items] == [1] and items[0]["url"].startswith(BASE + "/ar/%D8")
    en = extract(dist / "en" / "index.html", BASE + "/en/")
    assert en["meta"]["description"] == "All articles of Test Site"
    assert en["ld"][0]["mainEntity"]["numberOfItems"] == 2


def test_not_found_is_noindex(dist: Path) -> None:
    page = extract(dist / "404.html", BASE + "/404.html")
    assert page["meta"]["robots"] == "noindex"
    assert page["og"] == {} and page["ld"] == []  # nothing to share


def test_cover_alt_on_img_and_share_cards(dist: Path) -> None:
    ar_page = dist / "ar" / AR_SLUG / "index.html"
    tree = lxml.html.fromstring(ar_page.read_text(encoding="utf-8"))
    (cover,) = tree.find_class("cover")
    assert cover.get("alt") == "طبيبة تفحص بشرة مريضة"
    page = extract(ar_page, BASE + "/ar/")
    assert page["og"]["og:image:alt"] == page["meta"]["twitter:image:alt"] == cover.get("alt")
    en = lxml.html.fromstring((dist / "en" / "laser-skin-resurfacing" / "index.html")
                              .read_text(encoding="utf-8"))
    assert en.find_class("cover")[0].get("alt") == "Laser Skin Resurfacing: A High-Tech Approach"


def test_bundled_translations_name_their_own_covers() -> None:
    from PIL import Image

    from pipeline.content.load import load_site
    from pipeline.core.settings import load_settings

    site, _ = load_site(load_settings(REPO))
    arabic = [a for a in site.articles if a.locale == "ar"]
    assert len(arabic) == 5
    for article in arabic:
        english = next(a for a in site.translations(article) if a.locale == "en")
        assert article.meta.cover_image != english.meta.cover_image
        assert article.meta.og_image == article.meta.cover_image
        with Image.open(REPO / "public" / article.meta.cover_image.lstrip("/")) as image:
            assert image.size == (1200, 630)


def test_machine_dates_agree_on_the_page(dist: Path) -> None:
    page = dist / "ar" / AR_SLUG / "index.html"
    tree = lxml.html.fromstring(page.read_text(encoding="utf-8"))
    (time,) = tree.iter("time")
    data = extract(page, BASE + "/ar/")
    assert time.get("datetime") == data["ld"][0]["datePublished"] == \
        data["og"]["article:published_time"] == "2025-07-01T05:35:07.322+00:00"
