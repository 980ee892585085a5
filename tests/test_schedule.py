"""Scheduled publishing against the one clock (``SEO_PIPELINE_NOW``): a future ``date``
is held back (FM211) until a build runs after it, a passed ``expiryDate`` retires an
article (FM212), a future ``lastmod`` is ignored until it passes (FM210); every build at
a given moment, incremental or not, gives the bytes of a clean build at that moment."""

from __future__ import annotations

import filecmp
import json
import shutil
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import AR_ARTICLE, EN_ARTICLE, build_site
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.content.load import load_site
from pipeline.content.schedule import schedule
from pipeline.core import clock
from pipeline.core.model import Article, FrontMatter
from pipeline.core.settings import load_settings

NOW = "2030-01-01T00:00:00Z"
LATER = "2031-06-01T08:00:00Z"


def _dated(text: str, date: str, lastmod: str | None = None, expiry: str | None = None) -> str:
    out = text.replace('date: "2025-07-01T05:35:07.322Z"', f'date: "{date}"')
    if lastmod:
        out = out.replace("slug:", f'lastmod: "{lastmod}"\nslug:', 1)
    if expiry:
        out = out.replace("slug:", f'expiryDate: "{expiry}"\nslug:', 1)
    return out


def _site(root: Path, en: str, ar: str = AR_ARTICLE) -> Path:
    return build_site(root, {"content/en/laser-basics.md": en,
                             "content/ar/laser-basics.md": ar})


def _codes(root: Path) -> list[tuple[str, str, int]]:
    _, findings = load_site(load_settings(root), use_cache=False)
    return [(f.code, f.severity.value, f.line) for f in findings
            if f.code in ("FM210", "FM211", "FM212", "FM213", "FM214")]


def _texts(*folders: Path) -> str:
    return "".join(p.read_text(encoding="utf-8", errors="replace")
                   for folder in folders if folder.is_dir()
                   for p in sorted(folder.rglob("*")) if p.is_file())


def _same_tree(a: Path, b: Path) -> None:
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    _, mismatch, errors = filecmp.cmpfiles(a, b, [str(p) for p in files_a], shallow=False)
    assert mismatch == [] and errors == []


def _equals_clean_build(root: Path, work: Path, *flags: str) -> None:
    clean = work / f"clean-{len(list(work.iterdir()))}"
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns(".cache", "dist", "sitemap",
                                                               "reports"))
    assert main(["build", "--root", str(clean), "--force", *flags]) in (0, 1)
    for folder in ("dist", "sitemap", "reports"):
        _same_tree(root / folder, clean / folder)


@pytest.fixture
def at(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.delenv(clock.FUTURE_ENV, raising=False)
    monkeypatch.delenv(clock.EXPIRED_ENV, raising=False)

    def set_clock(moment: str) -> None:
        monkeypatch.setenv(clock.ENV, moment)
    set_clock(NOW)
    yield set_clock
    clock.set_previews(False, False)


@pytest.mark.parametrize(("date", "lastmod", "expected"), [
    ("2099-01-01", None, [("FM211", "info", 5)]),
    ("2030-01-01T00:00:01Z", None, [("FM211", "info", 5)]),  # one second after
    ("2030-01-01T01:00:00+00:30", None, [("FM211", "info", 5)]),  # 00:30 UTC
    ("2025-07-01", "2099-06-01T00:00:00Z", [("FM210", "warning", 11)]),  # lastmod alone
    ("2030-01-01", None, []), ("2029-12-31T23:59:59.999Z", None, []),
])
def test_scheduled_and_future_lastmod_are_located(tmp_path: Path, at, date, lastmod,
                                                  expected) -> None:
    root = _site(tmp_path, _dated(EN_ARTICLE, date, lastmod))
    assert _codes(root) == expected
    assert main(["validate", "--root", str(root)]) == 0


def test_expiry_findings(tmp_path: Path, at) -> None:
    root = _site(tmp_path, _dated(EN_ARTICLE, "2025-07-01", expiry="2029-01-01"))
    assert _codes(root) == [("FM212", "info", 11)]
    root = _site(tmp_path / "b", _dated(EN_ARTICLE, "2025-07-01", expiry="2031-01-01"))
    assert _codes(root) == [("FM213", "info", 11)]
    root = _site(tmp_path / "c", _dated(EN_ARTICLE, "2025-07-01", expiry="2025-01-01"))
    assert ("FM214", "error", 11) in _codes(root)


def test_a_draft_may_be_dated_in_the_future(tmp_path: Path, at) -> None:
    draft = _dated(EN_ARTICLE, "2099-01-01").replace("slug:", "draft: true\nslug:", 1)
    assert _codes(_site(tmp_path, draft)) == []


def test_a_scheduled_article_is_in_no_output(tmp_path: Path, at, capsys) -> None:
    root = _site(tmp_path, EN_ARTICLE)
    (root / "content/en/later.md").write_text(
        _dated(EN_ARTICLE, "2099-05-05T00:00:00Z").replace("laser-basics", "later"),
        encoding="utf-8")
    assert main(["build", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert "next scheduled change: 2099-05-05T00:00:00+00:00" in out
    texts = _texts(root / "dist", root / "sitemap")
    assert "2099" not in texts and "/en/later/" not in texts
    assert not (root / "dist/en/later").exists()
    report = json.loads((root / "reports/validate.json").read_text(encoding="utf-8"))
    assert report["data"]["held"] == {"content/en/later.md": "scheduled"}
    assert report["data"]["nextScheduled"] == "2099-05-05T00:00:00+00:00"
    assert main(["build", "--root", str(root), "--future"]) == 0  # the preview
    assert (root / "dist/en/later/index.html").is_file()


def test_the_clock_passing_publishes_and_retires_incrementally(tmp_path: Path, at) -> None:
    """No --force: the no-change path must not replay, the units must see the new set;
    at every moment the output equals a clean build's at that moment."""
    root = _site(tmp_path / "a", _dated(EN_ARTICLE, "2025-07-01", lastmod="2030-06-01",
                                        expiry="2032-01-01"))
    (root / "content/en/later.md").write_text(
        _dated(EN_ARTICLE, LATER).replace("laser-basics", "later"), encoding="utf-8")
    assert main(["build", "--root", str(root)]) == 0
    time.sleep(2.1)  # past the no-change path's racy window, so it could replay
    assert main(["build", "--root", str(root)]) == 0
    assert not (root / "dist/en/later").exists()
    _equals_clean_build(root, tmp_path)
    for moment in ("2030-07-01T00:00:00Z", LATER, "2032-02-01T00:00:00Z"):
        at(moment)
        assert main(["build", "--root", str(root)]) == 0
        _equals_clean_build(root, tmp_path)
    assert (root / "dist/en/later/index.html").is_file()
    assert not (root / "dist/en/laser-basics").exists()  # expired
    index = (root / "sitemap/sitemap_index.xml").read_text(encoding="utf-8")
    assert "2031-06-01T08:00:00+00:00" in index


def test_a_future_lastmod_never_reaches_an_output(tmp_path: Path, at) -> None:
    root = _site(tmp_path, _dated(EN_ARTICLE, "2025-07-01", lastmod="2099-01-01"))
    assert main(["build", "--root", str(root)]) == 0
    assert "2099" not in _texts(root / "dist", root / "sitemap")


def test_preview_flags_are_part_of_the_no_change_stamp(tmp_path: Path, at) -> None:
    root = _site(tmp_path, _dated(EN_ARTICLE, "2025-07-01", expiry="2029-01-01"))
    assert main(["build", "--root", str(root), "--expired"]) == 0
    assert (root / "dist/en/laser-basics/index.html").is_file()
    time.sleep(2.1)
    assert main(["build", "--root", str(root)]) == 0
    assert not (root / "dist/en/laser-basics").exists()


def test_an_invalid_clock_is_a_usage_error(tmp_path: Path, at, capsys) -> None:
    root = _site(tmp_path, EN_ARTICLE)
    at("next tuesday")
    assert main(["validate", "--root", str(root)]) == 2
    assert "SEO_PIPELINE_NOW" in capsys.readouterr().err


def _article(date: datetime, lastmod: datetime | None, expiry: datetime | None,
             draft: bool) -> Article:
    meta = FrontMatter(title="t", excerpt="e", cover_image="/c.jpg", date=date,
                       author=None, og_image="/c.jpg", slug="s", translation_key="k",
                       lastmod=lastmod, draft=draft, expiry=expiry)  # type: ignore[arg-type]
    return Article(source=Path("content/en/s.md"), locale="en", meta=meta, text="",
                   body_line=1, key_lines={"date": 3, "lastmod": 4, "expiryDate": 5},
                   source_hash="0", root=Path("."))


MOMENT = datetime(2030, 1, 1, tzinfo=UTC)
OFFSETS = st.timedeltas(min_value=timedelta(days=-3000), max_value=timedelta(days=3000))
ZONES = st.integers(-14 * 60, 14 * 60).map(lambda m: timedelta(minutes=m))


@settings(max_examples=300, deadline=None)
@given(date=OFFSETS, lastmod=st.none() | OFFSETS, expiry=st.none() | OFFSETS, zone=ZONES,
       draft=st.booleans(), future=st.booleans(), expired=st.booleans())
def test_published_exactly_when_due_and_not_expired(
        date: timedelta, lastmod: timedelta | None, expiry: timedelta | None,
        zone: timedelta, draft: bool, future: bool, expired: bool) -> None:
    tz = timezone(zone)

    def at(offset: timedelta | None) -> datetime | None:
        return None if offset is None else (MOMENT + offset).astimezone(tz)

    article = _article(at(date), at(lastmod), at(expiry), draft)  # type: ignore[arg-type]
    result = schedule([article], MOMENT, future, expired)
    if expiry is not None and expiry <= date:  # FM214: the expiry is an error, not used
        assert draft or [f.code for f in result.findings][:1] == ["FM214"]
        expiry = None
    due = date <= timedelta(0) or future
    alive = expiry is None or expiry > timedelta(0) or expired
    assert ("content/en/s.md" not in result.held) == (draft or (due and alive))
    kept = result.articles[0].meta
    if not draft and "content/en/s.md" not in result.held:
        assert kept.modified <= MOMENT or date > timedelta(0)  # only a preview is later
    pending = [o for o in (date, expiry) if o is not None and o > timedelta(0)]
    if not draft and pending:
        assert result.next_change is not None
        assert MOMENT < result.next_change <= MOMENT + min(pending)


def test_the_clock_defaults_to_now(monkeypatch) -> None:
    monkeypatch.delenv(clock.ENV, raising=False)
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(minutes=5)
    monkeypatch.setenv(clock.ENV, "2030-01-01T10:00:00")  # no offset: UTC
    assert clock.now() == datetime(2030, 1, 1, 10, tzinfo=UTC)
