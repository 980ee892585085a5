"""Drafts and partial translations keep every published cluster valid: when one side of a
pair is a draft, scheduled or expired, the other side's alternates, x-default and sitemap
entries pass the project's own hreflang audit and an independent sitemap reader
(ultimate-sitemap-parser), and ``translations`` names the state instead of "missing"."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import AR_ARTICLE, EN_ARTICLE, build_site
from usp.tree import sitemap_from_str

from pipeline.cli import main
from pipeline.core import clock

EN_URL = "https://example.org/en/laser-basics/"
AR_URL = "https://example.org/ar/أساسيات-الليزر/"


def _held(text: str, how: str) -> str:
    extra = {"draft": "draft: true", "scheduled": 'date: "2099-01-01"',
             "expired": 'expiryDate: "2029-01-01"'}[how]
    if how == "scheduled":
        return text.replace('date: "2025-07-01T05:35:07.322Z"', extra)
    return text.replace("slug:", f"{extra}\nslug:", 1)


def _pages(root: Path) -> dict[str, list[tuple[str, str]]]:
    """Every page of the built sitemaps with its alternates, read by usp."""
    pages: dict[str, list[tuple[str, str]]] = {}
    for path in sorted((root / "sitemap").glob("sitemap-*.xml")):
        for page in sitemap_from_str(path.read_text(encoding="utf-8")).all_pages():
            pages[unquote(page.url)] = [(code, unquote(url)) for code, url in
                                        page.alternates or []]
    return pages


@pytest.fixture(autouse=True)
def _clock(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv(clock.ENV, "2030-01-01T00:00:00Z")
    monkeypatch.delenv(clock.FUTURE_ENV, raising=False)
    monkeypatch.delenv(clock.EXPIRED_ENV, raising=False)


@pytest.mark.parametrize("how", ["draft", "scheduled", "expired"])
@pytest.mark.parametrize("side", ["en", "ar"])
def test_the_published_side_stays_a_valid_cluster(tmp_path: Path, capsys, how: str,
                                                  side: str) -> None:
    en = _held(EN_ARTICLE, how) if side == "en" else EN_ARTICLE
    ar = _held(AR_ARTICLE, how) if side == "ar" else AR_ARTICLE
    root = build_site(tmp_path, {"content/en/laser-basics.md": en,
                                 "content/ar/laser-basics.md": ar})
    assert main(["build", "--root", str(root)]) == 0
    capsys.readouterr()
    assert main(["hreflang", "--root", str(root), "--strict", "--format", "json"]) == 0
    report = json.loads((root / "reports/hreflang.json").read_text(encoding="utf-8"))
    assert report["findings"] == []
    kept, gone = (AR_URL, EN_URL) if side == "en" else (EN_URL, AR_URL)
    pages = _pages(root)
    assert gone not in pages and gone not in json.dumps(pages, ensure_ascii=False)
    hreflang = "ar" if kept == AR_URL else "en"
    assert sorted(pages[kept]) == sorted([(hreflang, kept), ("x-default", kept)])
    page = root / "dist" / kept.split("example.org/")[1] / "index.html"
    head = page.read_text(encoding="utf-8")
    assert 'hreflang="x-default"' in head and gone not in unquote(head)
    capsys.readouterr()
    assert main(["translations", "--root", str(root), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    (key,) = data["keys"]
    assert key["missing"] == [] and key["unpublished"] == {side: how}
