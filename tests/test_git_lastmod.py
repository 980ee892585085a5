"""``[build] lastmod = "git"``: an article's lastmod is the author date of its source's
last commit, read in one ``git log`` pass; uncommitted files and folders outside any
repository keep the front matter; a commit alone updates the outputs incrementally."""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from conftest import AR_ARTICLE, EN_ARTICLE, SITE_TOML, build_site

from pipeline.cli import main
from pipeline.content.git_dates import author_dates
from pipeline.core import clock

GIT_TOML = SITE_TOML + '\n[build]\nlastmod = "git"\n'
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def _commit(root: Path, when: str, *paths: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when,
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", "add", *(paths or ["."])], cwd=root, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "-m", "c"], cwd=root, check=True, env=env)


def _sitemap(root: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted((root / "sitemap").iterdir()))


@pytest.fixture(autouse=True)
def _clock(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv(clock.ENV, "2030-01-01T00:00:00Z")


def _repo(root: Path) -> Path:
    build_site(root, {"content/en/laser-basics.md": EN_ARTICLE,
                      "content/ar/laser-basics.md": AR_ARTICLE}, GIT_TOML)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    (root / ".gitignore").write_text(".cache/\ndist/\nsitemap/\nreports/\n", encoding="utf-8")
    _commit(root, "2026-03-04T05:06:07+02:00")
    return root


def test_one_pass_reads_each_files_last_commit(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (root / "content/en/laser-basics.md").write_text(EN_ARTICLE + "\nMore.\n", encoding="utf-8")
    _commit(root, "2027-01-01T00:00:00Z")
    dates = author_dates(root / "content")
    assert {k: v.isoformat() for k, v in dates.items()} == {
        "en/laser-basics.md": "2027-01-01T00:00:00+00:00",
        "ar/laser-basics.md": "2026-03-04T05:06:07+02:00"}
    assert author_dates(tmp_path.parent / "not-a-repo-anywhere") == {}


def test_sitemap_and_pages_carry_the_commit_date(tmp_path: Path) -> None:
    root = _repo(tmp_path / "a")
    (root / "content/en/fresh.md").write_text(EN_ARTICLE.replace("laser-basics", "fresh"),
                                              encoding="utf-8")  # not committed
    assert main(["build", "--root", str(root)]) == 0
    text = _sitemap(root)
    assert "2026-03-04T05:06:07+02:00" in text  # the committed pair
    assert "2025-07-01T05:35:07.322+00:00" in text  # the uncommitted file: its front matter
    page = (root / "dist/en/laser-basics/index.html").read_text(encoding="utf-8")
    assert '"dateModified": "2026-03-04T05:06:07+02:00"' in page or \
        "2026-03-04T05:06:07+02:00" in page
    time.sleep(2.1)  # past the no-change path's racy window
    _commit(root, "2028-02-02T00:00:00Z", "content/en/fresh.md")  # a commit, no edit
    assert main(["build", "--root", str(root)]) == 0
    assert "2028-02-02T00:00:00+00:00" in _sitemap(root)
    clean = tmp_path / "clean"
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns(".cache", "dist", "sitemap",
                                                               "reports"))
    assert main(["build", "--root", str(clean), "--force"]) == 0
    for folder in ("dist", "sitemap"):
        files = sorted(str(p.relative_to(root / folder)) for p in (root / folder).rglob("*")
                       if p.is_file())
        _, mismatch, errors = filecmp.cmpfiles(root / folder, clean / folder, files,
                                               shallow=False)
        assert mismatch == [] and errors == []


def test_front_matter_outside_a_repository(tmp_path: Path) -> None:
    root = build_site(tmp_path, {"content/en/laser-basics.md": EN_ARTICLE}, GIT_TOML)
    assert main(["build", "--root", str(root)]) == 0
    assert "2025-07-01T05:35:07.322+00:00" in _sitemap(root)


def test_an_unknown_lastmod_source_is_a_config_error(tmp_path: Path) -> None:
    root = build_site(tmp_path, {}, SITE_TOML + '\n[build]\nlastmod = "mtime"\n')
    assert main(["validate", "--root", str(root)]) == 2
