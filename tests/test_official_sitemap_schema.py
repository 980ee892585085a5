"""Every ``<urlset>`` file the pipeline writes is valid against the official sitemaps.org
schema (and the project's own extension schemas), on the bundled site and on a site whose
sitemaps are split into several files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import EN_ARTICLE, REPO, SITE_TOML, build_site

from pipeline.audit.official import official_errors
from pipeline.audit.tools import ToolMissing
from pipeline.cli import main


def _errors(path: Path) -> list[str]:
    try:
        return official_errors(path)
    except ToolMissing as exc:
        pytest.fail(str(exc))


def test_committed_sitemaps_are_valid_against_the_official_schema() -> None:
    files = sorted((REPO / "sitemap").glob("sitemap-*.xml"))
    assert files
    assert {f.name: _errors(f) for f in files} == {f.name: [] for f in files}


def test_split_sitemaps_are_valid_against_the_official_schema(tmp_path: Path) -> None:
    articles = {f"content/en/a{i}.md": EN_ARTICLE.replace("slug: laser-basics", f"slug: a{i}")
                .replace("translationKey: laser-basics", f"translationKey: a{i}")
                for i in range(7)}
    root = build_site(tmp_path / "site", articles,
                      SITE_TOML + "\n[sitemaps]\nmax_urls = 3\n")
    shutil.copytree(REPO / "pipeline/locales", root / "locales")
    assert main(["sitemaps", "--root", str(root)]) == 0
    files = sorted((root / "sitemap").glob("sitemap-*.xml"))
    assert len(files) >= 3
    assert {f.name: _errors(f) for f in files} == {f.name: [] for f in files}


def test_the_official_schema_rejects_a_broken_sitemap(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                   "<url><lastmod>2025-07-01</lastmod></url>"
                   "<url><loc>https://example.org/</loc><priority>2</priority></url>"
                   "</urlset>", encoding="utf-8")
    assert len(_errors(bad)) == 2  # <loc> missing; priority above 1.0
