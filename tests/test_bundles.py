"""The bundles stage end to end on small en + ar trees built in a temp folder."""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from lxml import html as lxml_html
from sitetree import AR_ARTICLE, AR_PATH, AR_SLUG, EN_ARTICLE, build, make_site, write

from pipeline.render import images


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = make_site(tmp_path / "site")
    assert build(root) == 0
    return root


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def page(path: Path):
    return lxml_html.fromstring(path.read_bytes())


def test_bundle_layout_with_utf8_arabic_folder(site: Path):
    files = set(snapshot(site / "dist"))
    variants = {f for f in files if f.startswith("_img/")}  # of the one 1x1 cover
    assert {f.split("-", 1)[1] for f in variants} == {f"1.{fmt}" for fmt in images.formats()}
    files -= variants
    assert {"index.html", "404.html", "manifest.json", "static/site.css", "en/index.html",
            "ar/index.html", "en/laser-skin-resurfacing/index.html",
            "en/laser-skin-resurfacing/article.json", f"ar/{AR_SLUG}/index.html",
            f"ar/{AR_SLUG}/article.json", "assets/blog/laser/cover (1).png",
            "assets/blog/authors/lina.png", *(f"{code}/{feed}" for code in ("en", "ar")
                                              for feed in ("atom.xml", "rss.xml", "feed.json"))
            } == files
    assert (site / "dist" / "ar" / AR_SLUG).is_dir()  # raw UTF-8 name on disk


def test_every_article_json_matches_the_schema(site: Path):
    schema = json.loads(resources.files("pipeline").joinpath(
        "schemas/article.schema.json").read_text())
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    bundles = json.loads((site / "dist/manifest.json").read_text())["bundles"]
    assert len(bundles) == 2
    for entry in bundles:
        data = json.loads((site / "dist" / entry["json"]).read_text(encoding="utf-8"))
        errors = sorted(validator.iter_errors(data), key=str)
        assert errors == [], f"{entry['json']}: {errors[0].message}"


def test_article_json_content(site: Path):
    data = json.loads((site / f"dist/ar/{AR_SLUG}/article.json").read_text(encoding="utf-8"))
    assert data["url"] == "https://o9medical.com" + AR_PATH
    assert data["path"] == AR_PATH
    assert (data["lang"], data["dir"]) == ("ar", "rtl")
    assert data["translation"]["state"] == "current"
    assert data["dateDisplay"] == "١ يوليو ٢٠٢٥"
    assert data["readingTime"] == {"minutes": 1, "label": "مدة القراءة: دقيقة واحدة"}
    assert [h["id"] for h in data["headings"]] == ["كيف-يعمل-الليزر", "التعافي"]
    assert [a["hreflang"] for a in data["alternates"]] == ["en", "ar"]
    assert data["wordCount"] == len(data["text"].split())
    assert "<table>" in data["html"]


def test_pages_have_lang_dir_and_switcher_to_existing_translations(site: Path):
    ar = page(site / f"dist/ar/{AR_SLUG}/index.html")
    assert (ar.get("lang"), ar.get("dir")) == ("ar", "rtl")
    switch = ar.xpath("//nav[@class='switcher']//a")
    assert [(a.get("href"), a.get("lang")) for a in switch] == [
        ("/en/laser-skin-resurfacing/", "en")]
    en = page(site / "dist/en/laser-skin-resurfacing/index.html")
    assert (en.get("lang"), en.get("dir")) == ("en", "ltr")
    assert [a.get("href") for a in en.xpath("//nav[@class='switcher']//a")] == [AR_PATH]
    assert en.xpath("//time/text()") == ["July 1, 2025"]
    # head: a title, a description and one canonical, whichever module supplies them
    assert en.xpath("//head/title/text()") == ["Laser Skin Resurfacing: What to Expect"]
    assert en.xpath("//head/meta[@name='description']/@content")
    assert en.xpath("//head/link[@rel='canonical']/@href") == [
        "https://o9medical.com/en/laser-skin-resurfacing/"]


def test_untranslated_article_has_no_switcher(tmp_path: Path):
    root = make_site(tmp_path, arabic=False)
    assert build(root) == 0
    en = page(root / "dist/en/laser-skin-resurfacing/index.html")
    assert en.xpath("//nav[@class='switcher']") == []
    ar_index = page(root / "dist/ar/index.html")
    assert ar_index.get("dir") == "rtl"
    assert "لا توجد مقالات بعد." in ar_index.text_content()


def test_index_chooser_and_404(site: Path):
    index = page(site / "dist/ar/index.html")
    assert index.xpath("//ul[@class='article-list']//a/@href") == [AR_PATH]
    chooser = page(site / "dist/index.html")
    assert [(li.get("lang"), li.get("dir")) for li in chooser.xpath("//ul[@class='chooser']/li")] \
        == [("en", "ltr"), ("ar", "rtl")]
    assert chooser.xpath("//ul[@class='chooser']//a/@href") == ["/en/", "/ar/"]
    missing = page(site / "dist/404.html")
    assert [s.get("lang") for s in missing.xpath("//section")] == ["en", "ar"]
    assert "الصفحة غير موجودة" in missing.text_content()


def test_script_in_content_never_reaches_the_page(tmp_path: Path, capsys):
    root = make_site(tmp_path, arabic=False)
    write(root / "content/en/laser-skin-resurfacing.md",
          EN_ARTICLE + "\n<script>alert('x')</script>\n\n![gone](/assets/none.png)\n")
    assert build(root) == 0
    out = capsys.readouterr().out
    script_line = EN_ARTICLE.count("\n") + 2
    assert f"content/en/laser-skin-resurfacing.md:{script_line}:1: warning BN102" in out
    assert f"content/en/laser-skin-resurfacing.md:{script_line + 2}:1: warning BN105" in out
    text = (root / "dist/en/laser-skin-resurfacing/index.html").read_text()
    scripts = page(root / "dist/en/laser-skin-resurfacing/index.html").xpath("//script")
    assert all(s.get("type") == "application/ld+json" for s in scripts)  # data, never code
    assert all("alert" not in (s.text or "") for s in scripts)
    assert "<script>alert" not in text
    assert "&lt;script&gt;" in text


def test_two_builds_are_byte_identical(tmp_path: Path):
    first = make_site(tmp_path / "one")
    second = make_site(tmp_path / "two")
    assert build(first) == 0 and build(second) == 0
    before = snapshot(first / "dist")
    assert before == snapshot(second / "dist")
    assert build(first) == 0
    assert snapshot(first / "dist") == before


def test_failing_run_leaves_previous_output_intact(site: Path, capsys):
    before = snapshot(site / "dist")
    # A second English article with the same slug: both would write one file.
    write(site / "content/en/copy.md", EN_ARTICLE.replace("translationKey: laser-skin-resurfacing",
                                                          "translationKey: copy"))
    write(site / "content/en/laser-skin-resurfacing.md", EN_ARTICLE + "\nChanged.\n")
    # A new article whose folder does not exist yet: staged, then discarded with it.
    write(site / "content/en/new-one.md", EN_ARTICLE.replace(
        "translationKey: laser-skin-resurfacing", "translationKey: new-one").replace(
        "slug: laser-skin-resurfacing", "slug: new-one"))
    folders = sorted(p for p in (site / "dist").rglob("*") if p.is_dir())
    assert build(site) == 1
    assert "error BN201" in capsys.readouterr().out
    assert snapshot(site / "dist") == before  # temp files included: rglob sees dot files
    assert sorted(p for p in (site / "dist").rglob("*") if p.is_dir()) == folders


def test_other_stages_files_are_kept_and_own_stale_files_removed(site: Path):
    dist = site / "dist"
    for name in ("sitemap.xml", "robots.txt", "0123abcd.txt"):
        (dist / name).write_text("other stage\n")
    (site / f"content/ar/{AR_SLUG}.md").unlink()
    assert build(site) == 1  # RD102: a published page is gone (docs/REDIRECTS.md)
    with (site / "site.toml").open("a", encoding="utf-8") as fh:
        fh.write(f'\n[redirects]\ngone = ["/ar/{AR_SLUG}/"]\n')
    assert build(site) == 0
    assert not (dist / "ar" / AR_SLUG).exists()
    assert (dist / "ar/index.html").is_file()
    for name in ("sitemap.xml", "robots.txt", "0123abcd.txt"):
        assert (dist / name).read_text() == "other stage\n"


def test_public_files_of_other_stages_are_not_copied(tmp_path: Path, capsys):
    root = make_site(tmp_path)
    write(root / "public/robots.txt", "User-agent: *\n")
    assert build(root) == 0
    assert "warning BN202" in capsys.readouterr().out
    assert not (root / "dist/robots.txt").exists()


def test_bad_settings_are_errors(tmp_path: Path, capsys):
    root = make_site(tmp_path, extra_toml='\n[bundles]\nraw_html = "allow"\n'
                                          'allowed_tags = ["b", "iframe"]\n')
    assert build(root) == 1
    assert "error BN001" in capsys.readouterr().out
    assert not (root / "dist").exists()


def test_allow_policy_from_settings(tmp_path: Path):
    root = make_site(tmp_path, arabic=False,
                     extra_toml='\n[bundles]\nraw_html = "allow"\nallowed_tags = ["mark"]\n')
    write(root / "content/en/laser-skin-resurfacing.md",
          EN_ARTICLE + '\nA <mark>marked</mark> <img src=x onerror="alert(1)"> word.\n')
    assert build(root) == 0
    text = (root / "dist/en/laser-skin-resurfacing/index.html").read_text()
    assert "<mark>marked</mark>" in text and "onerror" not in text


def test_stale_translation_is_marked(site: Path):
    write(site / "content/en/laser-skin-resurfacing.md", EN_ARTICLE + "\nNew paragraph.\n")
    assert build(site) == 0
    data = json.loads((site / f"dist/ar/{AR_SLUG}/article.json").read_text(encoding="utf-8"))
    assert data["translation"]["state"] == "stale"


def test_build_runs_validate_then_bundles(tmp_path: Path):
    from pipeline.cli import main

    root = make_site(tmp_path)
    shutil.rmtree(root / "dist", ignore_errors=True)
    assert main(["build", "--root", str(root)]) == 0
    assert json.loads((root / "reports/bundles.json").read_text())["ok"] is True
    assert (root / "dist/index.html").is_file()
    assert AR_ARTICLE  # the Arabic source is the one the tree was built from


def test_head_comes_from_the_metadata_module_when_it_exists(site: Path):
    """With pipeline.seo.metadata its head fragment and data are used; without it, our own."""
    import importlib.util

    text = (site / "dist/en/laser-skin-resurfacing/index.html").read_text(encoding="utf-8")
    data = json.loads((site / "dist/en/laser-skin-resurfacing/article.json").read_text())
    if importlib.util.find_spec("pipeline.seo.metadata") is None:
        assert "metadata" not in data
        assert text.count("<title>") == 1 and text.count('rel="canonical"') == 1
    else:
        from pipeline.content.load import load_site
        from pipeline.core.settings import load_settings
        from pipeline.seo.metadata import page_metadata

        loaded, _ = load_site(load_settings(site))
        article = loaded.find("en", "laser-skin-resurfacing")
        expected = page_metadata(loaded, article)
        assert expected.head_html.strip() in text
        assert data["metadata"] == json.loads(json.dumps(expected.data))


def test_front_matter_markup_is_escaped_everywhere(tmp_path: Path):
    root = make_site(tmp_path, arabic=False)
    write(root / "content/en/laser-skin-resurfacing.md", EN_ARTICLE.replace(
        'title: "Laser Skin Resurfacing: What to Expect"',
        'title: "Laser <script>alert(1)</script> Guide"').replace(
        "name: Dr. Lina Haddad", 'name: "<img src=x onerror=alert(2)>"'))
    assert build(root) == 0
    for name in ("en/laser-skin-resurfacing/index.html", "en/index.html"):
        text = (root / "dist" / name).read_text(encoding="utf-8")
        assert "<script>" not in text and "<img src=x" not in text, name
        assert "Laser &lt;script&gt;alert(1)&lt;/script&gt; Guide" in text
    article = (root / "dist/en/laser-skin-resurfacing/index.html").read_text(encoding="utf-8")
    assert "By &lt;img src=x onerror=alert(2)&gt;" in article


def test_changed_public_file_is_copied_again(site: Path):
    image = "assets/blog/authors/lina.png"
    manifest = json.loads((site / "dist/manifest.json").read_text())
    (site / "public" / image).write_bytes(b"new bytes")
    assert build(site) == 0
    assert (site / "dist" / image).read_bytes() == b"new bytes"
    after = json.loads((site / "dist/manifest.json").read_text())
    assert after["files"][image] != manifest["files"][image]


def test_parallel_rendering_gives_the_same_bytes(tmp_path: Path):
    from pipeline.engine.units import PARALLEL_FROM

    roots = []
    for name in ("serial", "parallel"):
        root = make_site(tmp_path / name)
        for i in range(PARALLEL_FROM):
            write(root / f"content/en/extra-{i:03d}.md", EN_ARTICLE.replace(
                "slug: laser-skin-resurfacing", f"slug: extra-{i:03d}").replace(
                "translationKey: laser-skin-resurfacing", f"translationKey: extra-{i:03d}")
                  + f"\n## Part {i}\n\n<b>raw {i}</b>\n")
        roots.append(root)
    assert build(roots[0], "--jobs", "1") == 0
    assert build(roots[1], "--jobs", "2") == 0
    serial, parallel = snapshot(roots[0] / "dist"), snapshot(roots[1] / "dist")
    assert len(serial) > 2 * PARALLEL_FROM
    assert serial == parallel


def test_home_pages_carry_the_home_hreflang_cluster(site: Path):
    cluster = [("en", "https://o9medical.com/en/"), ("ar", "https://o9medical.com/ar/"),
               ("x-default", "https://o9medical.com/")]
    for path, canonical in (("dist/en/index.html", "https://o9medical.com/en/"),
                            ("dist/ar/index.html", "https://o9medical.com/ar/"),
                            ("dist/index.html", "https://o9medical.com/")):
        head = page(site / path)
        links = [(link.get("hreflang"), link.get("href"))
                 for link in head.xpath("//head/link[@rel='alternate'][@hreflang]")]
        assert links == cluster, path
        assert head.xpath("//head/link[@rel='canonical']/@href") == [canonical]


def test_image_paths_leaving_public_do_not_count_as_present(tmp_path: Path):
    from pipeline.render.bundle import image_exists

    public = tmp_path / "public"
    (public / "assets").mkdir(parents=True)
    (public / "assets/x.png").write_bytes(b"png")
    (tmp_path / "secret.png").write_bytes(b"png")
    assert image_exists(public, "/assets/x.png")
    assert image_exists(public, "assets/x.png")
    assert not image_exists(public, "/../secret.png")
    assert not image_exists(public, "/%2e%2e/secret.png")


def _icons(root: Path) -> set[str]:
    found = set()
    for page in sorted((root / "dist").rglob("*.html")):
        doc = lxml_html.fromstring(page.read_bytes())
        (icon,) = doc.xpath('//head/link[@rel="icon"]')
        found.add(f"{icon.get('href')} {icon.get('type')}")
    return found


def test_pages_use_the_sites_favicon_when_public_has_one(tmp_path: Path):
    root = make_site(tmp_path / "site")
    assert build(root) == 0
    assert _icons(root) == {"data:, None"}  # no icon of its own: the empty one
    (root / "public/favicon.ico").write_bytes(b"\0\0\1\0")
    assert build(root) == 0  # incremental: every page, the index pages and 404 follow
    assert _icons(root) == {"/favicon.ico image/x-icon"}
    assert (root / "dist/favicon.ico").read_bytes() == b"\0\0\1\0"
    incremental = {p.relative_to(root / "dist"): p.read_bytes()
                   for p in (root / "dist").rglob("*.html")}
    clean = tmp_path / "clean"
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns("dist", ".cache", "reports"))
    assert build(clean) == 0
    assert incremental == {p.relative_to(clean / "dist"): p.read_bytes()
                           for p in (clean / "dist").rglob("*.html")}
    (root / "public/favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    assert build(root) == 0
    assert _icons(root) == {"/favicon.svg image/svg+xml"}
