"""Incremental loading: unchanged files come from the state database's source rows,
changes are never missed, and a bad cache is ignored (never trusted, never run)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from conftest import EN_ARTICLE

from pipeline.content.load import load_site
from pipeline.core.settings import load_settings
from pipeline.engine import store


def test_second_load_reuses_cache_and_equals_fresh_parse(make_site) -> None:
    settings = load_settings(make_site())
    first, _ = load_site(settings)
    db = sqlite3.connect(settings.path("cache") / "state.db")
    entries = db.execute("SELECT key FROM rows WHERE kind = 'source'").fetchall()
    db.close()
    assert sorted(k for (k,) in entries) == ["content/ar/laser-basics.md",
                                             "content/en/laser-basics.md"]
    second, findings = load_site(settings)
    fresh, _ = load_site(settings, use_cache=False)
    assert second.articles == fresh.articles == first.articles
    assert second.articles[0].text is None  # the body is read from the file when needed
    assert second.articles[0].body == fresh.articles[0].body
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


def test_same_size_and_time_but_new_bytes_needs_a_hash_change(make_site) -> None:
    """A file rewritten with other bytes of the same size keeps its mtime only if someone
    forces it; then the stat shortcut trusts it, as make and Hugo do. Any mtime change
    is caught by the hash."""
    root = make_site()
    settings = load_settings(root)
    load_site(settings)
    path = root / "content/en/laser-basics.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Basics", "Basica"), encoding="utf-8")
    site, _ = load_site(settings)
    assert "Basica" in site.articles[0].meta.title
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # touched, same bytes
    again, _ = load_site(settings)
    assert again.articles == site.articles


def test_corrupt_cache_is_ignored(make_site) -> None:
    settings = load_settings(make_site())
    load_site(settings)
    cache = settings.path("cache") / "state.db"
    for junk in (b"not a database", b"SQLite format 3\0" + b"\xff" * 200,
                 cache.read_bytes()[:40]):
        store.forget_all()
        cache.write_bytes(junk)
        for suffix in ("-wal", "-shm"):
            Path(f"{cache}{suffix}").unlink(missing_ok=True)
        site, findings = load_site(settings)
        assert len(site.articles) == 2
        assert all(f.code == "ENG001" and f.severity.value == "info" for f in findings)
        assert findings, junk
