"""Output names that cannot be written are validate errors at the article's slug line."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import EN_ARTICLE, SITE_TOML

from pipeline.content.load import load_site
from pipeline.core.settings import load_settings
from pipeline.stages import validate

SLUG_LINE = 11


def _article(slug: str, key: str = "k") -> str:
    return (EN_ARTICLE.replace("slug: laser-basics", f'slug: "{slug}"')
            .replace("translationKey: laser-basics", f"translationKey: {key}"))


def _findings(make_site, files: dict[str, str | bytes], pattern: str = "/{locale}/{slug}/",
              ) -> list[tuple[str, str, int]]:
    config = SITE_TOML.replace('url_pattern = "/{locale}/{slug}/"', f'url_pattern = "{pattern}"')
    root = make_site(files, config)
    return _run(root)


def _run(root: Path) -> list[tuple[str, str, int]]:
    site, _ = load_site(load_settings(root), use_cache=False)
    return [(f.code, f.path, f.line) for f in validate.run(site).findings if f.is_error]


@pytest.mark.parametrize(("pattern", "slug"), [
    ("/{slug}/", "robots.txt"),  # robots.txt/index.html needs robots.txt as a folder
    ("/{slug}/", "sitemap.xml"),
    ("/{slug}/", "manifest.json"),
    ("/{slug}/", "404.html"),
    ("/{slug}/", "favicon.ico"),
    ("/{slug}/", "en"),  # en/index.html is the English index page
    ("/{slug}/", "5d08478cba954e4fdadb3f46095b3c8e.txt"),
    ("/{slug}.html", "index"),  # index.html is the language chooser
    ("/{slug}", "sitemap-en-1.xml"),
    ("/{slug}", "static"),  # a file where static/site.css needs a folder
    ("/{locale}/{slug}", "index.html"),
])
def test_slug_taking_another_output_is_an_error(make_site, pattern: str, slug: str) -> None:
    config_key = 'indexnow_key = "5d08478cba954e4fdadb3f46095b3c8e"'
    files = {"content/en/a.md": _article(slug)}
    config = SITE_TOML.replace('url_pattern = "/{locale}/{slug}/"', f'url_pattern = "{pattern}"')
    root = make_site(files, config + f"\n[submit]\n{config_key}\n")
    assert ("FM206", "content/en/a.md", SLUG_LINE) in _run(root)


def test_page_of_one_article_is_the_json_of_another(make_site) -> None:
    files = {"content/en/a.md": _article("guide.json", "a"), "content/en/b.md": _article("guide", "b")}
    found = _findings(make_site, files, "/{locale}/{slug}")
    assert sorted(set(found)) == [("FM206", "content/en/a.md", SLUG_LINE),
                                  ("FM206", "content/en/b.md", SLUG_LINE)]


def test_pattern_whose_page_is_its_own_json(make_site) -> None:
    found = _findings(make_site, {"content/en/a.md": _article("guide")}, "/{locale}/{slug}.json")
    assert found == [("FM206", "content/en/a.md", SLUG_LINE)]


def test_component_over_255_bytes_is_an_error(make_site) -> None:
    slug = "ب" * 128  # 128 characters, 256 bytes
    found = _findings(make_site, {"content/en/a.md": _article(slug)})
    assert found == [("FM207", "content/en/a.md", SLUG_LINE)]
    assert _findings(make_site, {"content/en/a.md": _article("ب" * 127)}) == []


@pytest.mark.parametrize("slug", ["con", "NUL", "aux.txt", "com1", "lpt9", "name.", "Com¹"])
def test_windows_reserved_names_are_errors(make_site, slug: str) -> None:
    found = _findings(make_site, {"content/en/a.md": _article(slug)})
    assert found == [("FM208", "content/en/a.md", SLUG_LINE)]


@pytest.mark.parametrize(("one", "two"), [("Laser", "laser"), ("\ufb01le", "file"),
                                          ("ＡＢＣ", "abc"), ("straße", "STRASSE")])
def test_slugs_differing_by_case_or_compatibility_form(make_site, one: str, two: str) -> None:
    files = {"content/en/a.md": _article(one, "a"), "content/en/b.md": _article(two, "b")}
    found = _findings(make_site, files)
    assert sorted(set(found)) == [("FM209", "content/en/a.md", SLUG_LINE),
                                  ("FM209", "content/en/b.md", SLUG_LINE)]


@pytest.mark.parametrize("name", ["manifest.json", "robots.txt", "sitemap.xml", "index.html",
                                  "404.html", "en/index.html", "static/site.css",
                                  "en/laser-basics/index.html", "en/laser-basics/article.json",
                                  "sitemap-extra.xml.gz", "en"])
def test_public_file_colliding_with_an_output_is_an_error(make_site, name: str) -> None:
    root = make_site({"content/en/a.md": EN_ARTICLE})
    target = root / "public" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("x", encoding="utf-8")
    assert ("FM206", f"public/{name}", 1) in _run(root)


def test_special_files_in_public_are_errors(make_site) -> None:
    import os

    root = make_site({"content/en/a.md": EN_ARTICLE})
    os.mkfifo(root / "public/pipe.jpg")
    os.symlink("loop.png", root / "public/loop.png")
    assert sorted(_run(root)) == [("FM006", "public/loop.png", 1), ("FM008", "public/pipe.jpg", 1)]


def test_a_clean_site_has_no_output_findings(make_site) -> None:
    root = make_site()
    (root / "public/favicon.ico").write_bytes(b"\0")  # public/ may provide the favicon
    assert _run(root) == []


def test_reserved_names_agree_with_the_writers() -> None:
    from pipeline.core import output_names as names
    from pipeline.render import bundle, pages
    from pipeline.sitemaps import model
    from pipeline.stages import bundles

    assert (names.ROOT_FILE, names.NOT_FOUND_FILE) == (pages.ROOT_FILE, pages.NOT_FOUND_FILE)
    assert tuple(pages.STATIC_FILES) == (names.STYLESHEET_FILE,)
    assert names.MANIFEST_FILE == bundles.MANIFEST_FILE
    assert set(bundles.OTHER_STAGES) == set(names.ROOT_PATTERNS)
    assert (names.SITEMAP_INDEX, names.SITEMAP_ALIAS) == (model.INDEX_NAME, model.ALIAS_NAME)
    for page in ("en/x/index.html", "en/x.html", "x", "a/b/c.htm"):
        assert names.json_file(page) == bundle.json_file(page)
