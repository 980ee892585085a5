"""A build levels each folder's spare buffer right after it publishes, so the next build
starts with nothing to link; a build stopped while levelling leaves a spare that the next
build does not trust, and the output stays right."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_incremental import build, clean_build, make_project, snapshot

from pipeline.engine import publish, store


def _inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino
            for p in folder.rglob("*") if p.is_file()}


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_after_each_build_the_spare_holds_the_published_files(tmp_path: Path) -> None:
    root = make_project(tmp_path / "site")
    for step in range(3):
        if step:
            _append(root / "content/en/k0.md", f"\nMore {step}.\n")
        assert build(root) == 0
        published = _inodes(root / "dist")
        spare = _inodes(root / ".cache/publish/output")
        assert spare == published  # the same files, as hard links of the same inodes
        assert "en/k0/index.html" in published


def test_the_next_build_links_nothing_into_a_level_spare(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "site")
    assert build(root) == 0
    linked: list[str] = []
    real = publish.Writer.link

    def counting(self: publish.Writer, rel: str, source: str) -> None:
        linked.append(rel)
        real(self, rel, source)

    monkeypatch.setattr(publish.Writer, "link", counting)
    _append(root / "content/en/k1.md", "\nOne more sentence.\n")
    assert build(root) == 0
    # links are made only after the publish, for the few files this build changed
    assert 0 < len(linked) < len(_inodes(root / "dist")) / 4


class Stop(Exception):
    pass


def test_a_build_stopped_while_levelling_is_put_right_by_the_next(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "site")
    assert build(root) == 0
    real = publish.Writer.link
    calls = {"n": 0}

    def stopping(self: publish.Writer, rel: str, source: str) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise Stop  # as a kill in the middle of levelling
        real(self, rel, source)

    _append(root / "content/en/k2.md", "\nChanged text.\n")
    monkeypatch.setattr(publish.Writer, "link", stopping)
    with pytest.raises(Stop):
        build(root)
    monkeypatch.setattr(publish.Writer, "link", real)
    store.forget_all()
    assert "Changed text." in (root / "dist/en/k2/index.html").read_text(encoding="utf-8")
    _append(root / "content/en/k2.md", "\nAnother change.\n")
    assert build(root) == 0
    status, clean = clean_build(root, tmp_path / "clean")
    assert status == 0 and snapshot(root) == clean
    assert _inodes(root / ".cache/publish/output") == _inodes(root / "dist")
    assert not any(name.startswith(".") for name in os.listdir(root / "dist"))
