"""Incremental loading: unchanged files come from .cache/, changes are never missed."""

from __future__ import annotations

from conftest import EN_ARTICLE

from pipeline.content.load import load_site
from pipeline.content.load_cache import LoadCache
from pipeline.core.settings import load_settings


def test_second_load_reuses_cache_and_equals_fresh_parse(make_site) -> None:
    settings = load_settings(make_site())
    first, _ = load_site(settings)
    cache_file = settings.path("cache") / "load.pickle"
    assert cache_file.is_file()
    cached = LoadCache(cache_file, settings)
    assert len(cached.entries) == 2
    second, findings = load_site(settings)
    fresh, _ = load_site(settings, use_cache=False)
    assert second.articles == fresh.articles == first.articles
    assert second.articles[0].body.startswith("\n## What it is")
    assert findings == []


def test_changed_file_is_parsed_again(make_site) -> None:
    root = make_site()
    settings = load_settings(root)
    load_site(settings)
    path = root / "content/en/laser-basics.md"
    path.write_text(EN_ARTICLE.replace("Laser Skin Resurfacing Basics", "New title here"),
                    encoding="utf-8")
    site, _ = load_site(settings)
    assert site.articles[0].meta.title == "New title here"
    path.write_text("---\ntitle: [\n---\n", encoding="utf-8")
    site, findings = load_site(settings)
    assert [f.code for f in findings] == ["FM012"] and len(site.articles) == 1


def test_corrupt_cache_is_ignored(make_site) -> None:
    settings = load_settings(make_site())
    load_site(settings)
    (settings.path("cache") / "load.pickle").write_bytes(b"not a pickle")
    site, findings = load_site(settings)
    assert len(site.articles) == 2 and findings == []
