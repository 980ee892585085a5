"""No output carries a date later than the build time: a future ``date`` or ``lastmod``
is FM210 (an error at its line), read against the one clock (``SEO_PIPELINE_NOW``), and
never frozen in a cache: once the date passes, a plain build publishes the article."""

from __future__ import annotations

import filecmp
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import AR_ARTICLE, EN_ARTICLE, build_site
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.content.future_dates import future_dates
from pipeline.content.load import load_site
from pipeline.core import clock
from pipeline.core.model import Article, FrontMatter
from pipeline.core.settings import load_settings

NOW = "2030-01-01T00:00:00Z"


def _dated(text: str, date: str, lastmod: str | None = None) -> str:
    out = text.replace('date: "2025-07-01T05:35:07.322Z"', f'date: "{date}"')
    return out.replace("slug:", f'lastmod: "{lastmod}"\nslug:', 1) if lastmod else out


def _site(root: Path, en: str, ar: str = AR_ARTICLE) -> Path:
    return build_site(root, {"content/en/laser-basics.md": en,
                             "content/ar/laser-basics.md": ar})


def _fm210(root: Path) -> list[tuple[str, int, int]]:
    _, findings = load_site(load_settings(root), use_cache=False)
    return [(f.path, f.line, f.col) for f in findings if f.code == "FM210"]


def _texts(*folders: Path) -> str:
    return "".join(p.read_text(encoding="utf-8", errors="replace")
                   for folder in folders if folder.is_dir()
                   for p in sorted(folder.rglob("*")) if p.is_file())


@pytest.fixture
def at(monkeypatch):  # type: ignore[no-untyped-def]
    def set_clock(moment: str) -> None:
        monkeypatch.setenv(clock.ENV, moment)
    set_clock(NOW)
    return set_clock


@pytest.mark.parametrize(("date", "lastmod", "line"), [
    ("2099-01-01", None, 5), ("9999-12-31T23:59:59Z", None, 5),
    ("2030-01-01T00:00:01Z", None, 5),  # one second after the build time
    ("2030-01-01T01:00:00+00:30", None, 5),  # 00:30 UTC, written with an offset
    ("2025-07-01", "2099-06-01T00:00:00Z", 11),  # lastmod alone
])
def test_a_future_date_is_a_located_error(tmp_path: Path, at, date, lastmod, line) -> None:
    root = _site(tmp_path, _dated(EN_ARTICLE, date, lastmod))
    assert _fm210(root) == [("content/en/laser-basics.md", line, 1)]
    assert main(["validate", "--root", str(root)]) == 1


@pytest.mark.parametrize("date", ["2030-01-01T00:00:00Z", "2030-01-01",
                                  "2030-01-01T05:00:00+05:00", "2029-12-31T23:59:59.999Z"])
def test_a_date_up_to_the_build_time_passes(tmp_path: Path, at, date: str) -> None:
    root = _site(tmp_path, _dated(EN_ARTICLE, date))
    assert _fm210(root) == []


def test_a_draft_may_be_dated_in_the_future(tmp_path: Path, at) -> None:
    draft = _dated(EN_ARTICLE, "2099-01-01").replace("slug:", "draft: true\nslug:", 1)
    assert _fm210(_site(tmp_path, draft)) == []


def test_no_output_carries_the_future_date(tmp_path: Path, at) -> None:
    root = _site(tmp_path, EN_ARTICLE)
    assert main(["build", "--root", str(root)]) == 0
    before = _texts(root / "dist", root / "sitemap")
    (root / "content/ar/later.md").write_text(
        _dated(AR_ARTICLE, "2099-05-05T00:00:00Z").replace("translationKey: laser-basics",
                                                           "translationKey: later")
        .replace("slug: أساسيات-الليزر", "slug: later"), encoding="utf-8")
    for command in (["build"], ["sitemaps"], ["bundles"], ["metadata"]):
        assert main([*command, "--root", str(root)]) == 1
    after = _texts(root / "dist", root / "sitemap")
    assert "2099" not in after and after == before


def test_an_invalid_clock_is_a_usage_error(tmp_path: Path, at, capsys) -> None:
    root = _site(tmp_path, EN_ARTICLE)
    at("next tuesday")
    assert main(["validate", "--root", str(root)]) == 2
    assert "SEO_PIPELINE_NOW" in capsys.readouterr().err


def test_once_the_date_passes_a_plain_build_publishes_it(tmp_path: Path, at) -> None:
    """The failed build is not replayed by the no-change path and no cache holds FM210:
    advancing the clock alone makes the next build (not --force) equal a clean one."""
    root = _site(tmp_path / "a", EN_ARTICLE)
    assert main(["build", "--root", str(root)]) == 0
    (root / "content/en/later.md").write_text(
        _dated(EN_ARTICLE, "2031-06-01T08:00:00Z").replace("laser-basics", "later"),
        encoding="utf-8")
    time.sleep(2.1)  # past the no-change path's racy window, so it could replay
    assert main(["build", "--root", str(root)]) == 1
    assert main(["build", "--root", str(root)]) == 1  # still in the future: still refused
    at("2031-06-01T08:00:00Z")
    assert main(["build", "--root", str(root)]) == 0
    page = root / "dist/en/later/index.html"
    assert "2031-06-01T08:00:00+00:00" in page.read_text(encoding="utf-8")
    index = (root / "sitemap/sitemap_index.xml").read_text(encoding="utf-8")
    assert "2031-06-01T08:00:00+00:00" in index
    clean = tmp_path / "clean"
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns(".cache", "dist", "sitemap",
                                                               "reports"))
    assert main(["build", "--root", str(clean), "--force"]) == 0
    for folder in ("dist", "sitemap"):
        _same_tree(root / folder, clean / folder)


def _same_tree(a: Path, b: Path) -> None:
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    _, mismatch, errors = filecmp.cmpfiles(a, b, [str(p) for p in files_a], shallow=False)
    assert mismatch == [] and errors == []


def _article(date: datetime, lastmod: datetime | None, draft: bool) -> Article:
    meta = FrontMatter(title="t", excerpt="e", cover_image="/c.jpg", date=date,
                       author=None, og_image="/c.jpg", slug="s", translation_key="k",
                       lastmod=lastmod, draft=draft)  # type: ignore[arg-type]
    return Article(source=Path("content/en/s.md"), locale="en", meta=meta, text="",
                   body_line=1, key_lines={"date": 3, "lastmod": 4}, source_hash="0",
                   root=Path("."))


MOMENT = datetime(2030, 1, 1, tzinfo=UTC)
OFFSETS = st.timedeltas(min_value=timedelta(days=-3000), max_value=timedelta(days=3000))
ZONES = st.integers(-14 * 60, 14 * 60).map(lambda m: timedelta(minutes=m))


@settings(max_examples=300, deadline=None)
@given(date=OFFSETS, lastmod=st.none() | OFFSETS, zone=ZONES, draft=st.booleans())
def test_a_finding_exactly_when_a_published_date_is_after_the_moment(
        date: timedelta, lastmod: timedelta | None, zone: timedelta, draft: bool) -> None:
    from datetime import timezone

    tz = timezone(zone)
    when = (MOMENT + date).astimezone(tz)
    changed = (MOMENT + lastmod).astimezone(tz) if lastmod is not None else None
    found = future_dates([_article(when, changed, draft)], MOMENT)
    expected = [] if draft else [line for line, value in ((3, date), (4, lastmod))
                                 if value is not None and value > timedelta(0)]
    assert [f.line for f in found] == expected
    assert all(f.code == "FM210" and f.is_error for f in found)


def test_the_clock_defaults_to_now(monkeypatch) -> None:
    monkeypatch.delenv(clock.ENV, raising=False)
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(minutes=5)
    monkeypatch.setenv(clock.ENV, "2030-01-01T10:00:00")  # no offset: UTC
    assert clock.now() == datetime(2030, 1, 1, 10, tzinfo=UTC)


def test_links_still_checks_a_future_dated_article(tmp_path: Path, at) -> None:
    """FM210 leaves the file loaded: the links stage checks it and says nothing of
    unloaded files (LNK041 is for files that could not be read)."""
    import json

    root = _site(tmp_path, _dated(EN_ARTICLE, "2099-01-01") + "\n[gone](/en/nowhere/)\n")
    assert main(["links", "--root", str(root), "--offline", "--no-cache"]) == 1
    report = json.loads((root / "reports/links.json").read_text(encoding="utf-8"))
    codes = {f["code"] for f in report["findings"]}
    assert "LNK010" in codes and "LNK041" not in codes
