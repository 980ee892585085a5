"""Head metadata, read back by independent consumers (extruct, lxml.html), and its lint."""

from __future__ import annotations

import json
from pathlib import Path

import extruct
import lxml.html
import pytest
from seo_site import AR_SLUG, Post, default_posts, load, write_site

from pipeline.cli import main
from pipeline.seo.metadata import page_metadata, script_json
from pipeline.stages import metadata as metadata_stage

EN_URL = "https://example.org/en/laser-skin-resurfacing/"
AR_URL = ("https://example.org/ar/%D8%AA%D9%82%D8%B4%D9%8A%D8%B1-%D8%A7%D9%84%D8%AC%D9%84"
          "%D8%AF-%D8%A8%D8%A7%D9%84%D9%84%D9%8A%D8%B2%D8%B1/")
EN_IMAGE = "https://example.org/assets/blog/laser/download%20(1).jpeg"
AR_IMAGE = "https://example.org/assets/blog/ar/%D8%BA%D9%84%D8%A7%D9%81.png"


def page(head_html: str, lang: str = "en") -> str:
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">{head_html}'
            "</head><body><p>x</p></body></html>")


def article(site, locale: str, slug: str):
    return next(a for a in site.articles if a.locale == locale and a.slug == slug)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    return load(write_site(Path(tmp_path_factory.mktemp("site"))))


def test_open_graph_read_back_by_extruct(site) -> None:
    meta = page_metadata(site, article(site, "en", "laser-skin-resurfacing"))
    found = extruct.extract(page(meta.head_html), base_url=EN_URL,
                            syntaxes=["opengraph"], uniform=False)["opengraph"]
    assert len(found) == 1
    assert found[0]["properties"] == [
        ("og:type", "article"),
        ("og:title", "Laser Skin Resurfacing: A High-Tech Approach"),
        ("og:description", default_posts()[0].excerpt),
        ("og:url", EN_URL), ("og:site_name", "Test Site"),
        ("og:locale", "en_US"), ("og:locale:alternate", "ar_AR"),
        ("og:image", EN_IMAGE), ("og:image:secure_url", EN_IMAGE),
        ("og:image:type", "image/jpeg"), ("og:image:width", "1200"),
        ("og:image:height", "630"),
        ("og:image:alt", "Laser Skin Resurfacing: A High-Tech Approach"),
        ("article:published_time", "2025-07-01T05:35:07.322+00:00"),
        ("article:modified_time", "2025-08-01T10:00:00+02:00"),
        ("article:author", "Dr. Test"),
        ("article:tag", "laser"), ("article:tag", "skin & care"),
    ]


def test_json_ld_read_back_by_extruct(site) -> None:
    meta = page_metadata(site, article(site, "ar", AR_SLUG))
    found = extruct.extract(page(meta.head_html, "ar"), base_url=AR_URL,
                            syntaxes=["json-ld"], uniform=False)["json-ld"]
    assert found == [{
        "@context": "https://schema.org", "@type": "BlogPosting",
        "headline": "تقشير الجلد بالليزر: نهج عالي التقنية",
        "description": default_posts()[1].excerpt,
        "image": {"@type": "ImageObject", "url": AR_IMAGE, "width": 1600, "height": 900},
        "datePublished": "2025-07-01T05:35:07.322+00:00",
        "dateModified": "2025-07-01T05:35:07.322+00:00",
        "author": {"@type": "Person", "name": "Dr. Test",
                   "image": "https://example.org/assets/authors/a.jpg"},
        "publisher": {"@type": "Organization", "name": "Test Publisher",
                      "url": "https://example.org/",
                      "logo": {"@type": "ImageObject",
                               "url": "https://example.org/assets/brand/logo.png"}},
        "inLanguage": "ar", "url": AR_URL,
        "mainEntityOfPage": {"@type": "WebPage", "@id": AR_URL},
    }]


def _links(head_html: str) -> tuple[list[tuple[str, str]], list[str]]:
    root = lxml.html.document_fromstring(page(head_html))
    alternates = [(e.get("hreflang"), e.get("href"))
                  for e in root.xpath("//link[@rel='alternate']")]
    return alternates, root.xpath("//link[@rel='canonical']/@href")


def test_canonical_and_hreflang_cluster(site) -> None:
    for locale, slug, own in (("en", "laser-skin-resurfacing", EN_URL), ("ar", AR_SLUG, AR_URL)):
        alternates, canonical = _links(page_metadata(site, article(site, locale, slug)).head_html)
        assert canonical == [own]
        assert alternates == [("en", EN_URL), ("ar", AR_URL), ("x-default", EN_URL)]
    solo = "https://example.org/en/english-only/"
    alternates, _ = _links(page_metadata(site, article(site, "en", "english-only")).head_html)
    assert alternates == [("en", solo), ("x-default", solo)]


def test_x_default_falls_back_without_default_locale_version(tmp_path: Path) -> None:
    """Without a page in the x_default locale, x-default names the first published
    translation in locale order (here the page itself), so the cluster keeps one."""
    site = load(write_site(tmp_path, [Post("ar", "مقال", "k", "مقال باللغة العربية فقط")]))
    alternates, _ = _links(page_metadata(site, site.articles[0]).head_html)
    assert [code for code, _ in alternates] == ["ar", "x-default"]
    assert alternates[0][1] == alternates[1][1]


def test_twitter_card_and_title(site) -> None:
    meta = page_metadata(site, article(site, "en", "laser-skin-resurfacing"))
    root = lxml.html.document_fromstring(page(meta.head_html))
    twitter = {e.get("name"): e.get("content") for e in root.xpath("//meta[@name]")
               if e.get("name").startswith("twitter:")}
    assert twitter == {"twitter:card": "summary_large_image", "twitter:site": "@test",
                       "twitter:title": "Laser Skin Resurfacing: A High-Tech Approach",
                       "twitter:description": default_posts()[0].excerpt,
                       "twitter:image": EN_IMAGE,
                       "twitter:image:alt": "Laser Skin Resurfacing: A High-Tech Approach"}
    assert root.findtext(".//title") == "Laser Skin Resurfacing: A High-Tech Approach"


def test_content_cannot_break_out_of_script_or_attributes(tmp_path: Path) -> None:
    nasty = 'Ends </script><script>alert(1)</script> <!-- & "quotes" here, long enough.'
    site = load(write_site(tmp_path, [Post("en", "nasty", "k", 'Title "with" <b>tags</b>',
                                           excerpt=nasty)]))
    meta = page_metadata(site, site.articles[0])
    html = page(meta.head_html)
    root = lxml.html.document_fromstring(html)
    assert len(root.xpath("//script")) == 1
    assert root.xpath("//meta[@name='description']/@content") == [nasty]
    assert root.findtext(".//title") == 'Title "with" <b>tags</b>'
    found = extruct.extract(html, syntaxes=["json-ld"], uniform=False)["json-ld"]
    assert found[0]["description"] == nasty
    assert script_json({"a": "</script>\u2028&"}) == '{"a":"\\u003c/script\\u003e\\u2028\\u0026"}'


def test_data_is_json_and_matches_head(site) -> None:
    meta = page_metadata(site, article(site, "ar", AR_SLUG))
    data = json.loads(json.dumps(meta.data))
    assert data["canonical"] == AR_URL
    assert data["display"]["canonical"] == f"https://example.org/ar/{AR_SLUG}/"
    assert data["image"] == {"url": AR_IMAGE, "alt": "تقشير الجلد بالليزر: نهج عالي التقنية",
                             "width": 1600, "height": 900, "type": "image/png"}
    alternates, _ = _links(meta.head_html)
    assert alternates == [(a["hreflang"], a["href"]) for a in data["alternates"]]


def _codes(findings) -> list[tuple[str, str]]:
    return sorted((Path(f.path).name, f.code) for f in findings)


def test_lint_lengths_images_and_duplicates(tmp_path: Path) -> None:
    vowelled = "تَقْشِيرُ الْجِلْدِ بِاللَّيْزَرِ لِبَشَرَةٍ نَاعِمَةٍ وَصِحِّيَّةٍ"
    posts = [
        Post("en", "short", "a", "Short", excerpt="Too short."),
        Post("en", "small-image", "b", "An Article With A Small Share Image",
             image="/assets/small.jpg", size=(800, 400)),
        Post("en", "no-image", "c", "An Article Whose Image Is Missing",
             image="/assets/missing.jpg", make_image=False),
        Post("en", "twin-1", "d", "The Same Title Twice Over Here"),
        Post("en", "twin-2", "e", "The Same Title Twice Over Here"),
        Post("ar", "مشكول", "f", vowelled,
             excerpt="وصف عربي واضح ومحدد لهذا المقال يكفي ليكون وصفًا جيدًا في نتائج البحث."),
    ]
    site = load(write_site(tmp_path, posts))
    assert len(vowelled) > 40 and site.settings.metadata.title_max >= 35
    result = metadata_stage.run(site)
    codes = _codes(result.findings)
    assert ("short.md", "META001") in codes and ("short.md", "META002") in codes
    assert ("small-image.md", "META005") in codes
    assert ("no-image.md", "META004") in codes
    assert ("twin-1.md", "META008") in codes and ("twin-2.md", "META008") not in codes
    twins = next(f for f in result.findings if f.code == "META008")
    assert twins.message.startswith("2 articles share one title: ") and "twin-2.md" in twins.message
    # The 'excerpt' of every default post is the same: one finding lists the cluster.
    (shared,) = [f for f in result.findings if f.code == "META009"]
    assert shared.message.startswith("4 articles share one description (excerpt): ")
    assert not [c for c in codes if c[0] == "مشكول.md" and c[1] == "META001"]
    missing = next(f for f in result.findings if f.code == "META004")
    no_image = next(a for a in site.articles if a.slug == "no-image")
    assert missing.line == no_image.line_of("coverImage") and missing.severity.value == "error"


def test_lint_title_limit_counts_graphemes(tmp_path: Path) -> None:
    title = "بِ" * 12  # 12 user-perceived characters, 24 code points
    extra = "[metadata]\ntitle_min = 5\ntitle_max = 12\n"
    site = load(write_site(tmp_path, [Post("ar", "حروف", "k", title)], extra=extra))
    assert not [f for f in metadata_stage.run(site).findings if f.code == "META001"]
    site = load(write_site(tmp_path, [Post("ar", "حروف", "k", title + "ب")], extra=extra))
    assert [f.code for f in metadata_stage.run(site).findings if f.code == "META001"] == ["META001"]


def test_metadata_command_writes_deterministic_report(tmp_path: Path) -> None:
    root = write_site(tmp_path)
    assert main(["metadata", "--root", str(root)]) == 0
    report = root / "reports" / "metadata.json"
    records = root / "reports" / "metadata.jsonl"
    first, first_records = report.read_bytes(), records.read_bytes()
    assert json.loads(first)["data"] == {"articles": 3, "records": "metadata.jsonl"}
    pages = {r["page"]: r["metadata"] for r in map(json.loads, first_records.splitlines())}
    assert set(pages) == {"en/laser-skin-resurfacing", "en/english-only", f"ar/{AR_SLUG}"}
    assert pages[f"ar/{AR_SLUG}"]["canonical"] == AR_URL
    assert main(["metadata", "--root", str(root)]) == 0
    assert report.read_bytes() == first and records.read_bytes() == first_records


def test_lint_limits_per_locale(tmp_path: Path) -> None:
    posts = [Post("en", "a", "k", "Twenty characters ok"), Post("ar", "ب", "k", "عنوان من عشرين حرفًا")]
    extra = '[metadata]\ntitle_max = 25\nlocale_limits = ["ar:title_max=15"]\n'
    site = load(write_site(tmp_path, posts, extra=extra))
    flagged = [f.path for f in metadata_stage.run(site).findings if f.code == "META001"]
    assert flagged == ["content/ar/ب.md"]
    bad = '[metadata]\nlocale_limits = ["fr:title_max=15", "ar:title_maxx=1", "ar=3"]\n'
    site = load(write_site(tmp_path, posts, extra=bad))
    codes = [f.code for f in metadata_stage.run(site).findings if f.code == "META010"]
    assert codes == ["META010"] * 3


def test_image_outside_public_is_not_read(tmp_path: Path) -> None:
    site = load(write_site(tmp_path, [Post("en", "a", "k", "An Article With An Escaping Image")]))
    (tmp_path / "public" / "assets" / "blog" / "cover.jpg").unlink()
    (tmp_path / "secret.jpg").write_bytes(b"not public")
    (tmp_path / "public" / "assets" / "blog" / "cover.jpg").symlink_to(tmp_path / "secret.jpg")
    findings = [f for f in metadata_stage.run(site).findings if f.code == "META004"]
    assert len(findings) == 1 and "outside public/" in findings[0].message


def test_shared_excerpt_is_one_finding_per_cluster(tmp_path: Path) -> None:
    """145 articles with one excerpt: one META009 naming each once, not 145 lines that
    each list the 144 others (about 970 KB of console output before)."""
    posts = [Post("en", f"copy-{i:03d}", f"k{i:03d}", f"Copied article number {i:03d}")
             for i in range(145)]
    site = load(write_site(tmp_path, posts))
    shared = [f for f in metadata_stage.run(site).findings if f.code == "META009"]
    assert len(shared) == 1
    (finding,) = shared
    assert finding.path == "content/en/copy-000.md"
    assert all(finding.message.count(f"copy-{i:03d}.md") == 1 for i in range(145))
    assert len(finding.message) < 145 * 40
