"""The bundles stage's reuse of the last manifest: the engine state vouches for the file
and URL lists of the manifest it names, so an edit that adds, renames and removes
nothing reads no manifest; anything else (a rename, a hand-edited or replaced manifest,
state of another manifest) reads it, and the output equals a clean build."""

from __future__ import annotations

import re
from pathlib import Path

import orjson
import pytest
from test_incremental import build, clean_build, make_project, snapshot

from pipeline.core.addresses import page_address
from pipeline.core.jsontypes import JSONObject
from pipeline.engine.outputs import FolderRun
from pipeline.render import manifest
from pipeline.stages.bundles import served_urls


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times a build parsed the last manifest."""
    count: list[int] = []
    real = manifest.read_manifest

    def counted(dist: FolderRun) -> tuple[set[str], dict[str, JSONObject]]:
        if "manifest.json" in dist.current:  # one to parse
            count.append(1)
        return real(dist)

    monkeypatch.setattr(manifest, "read_manifest", counted)
    return count


def _project(root: Path) -> Path:
    """The incremental tests' project with the detector on and search off (a search
    index names its files by their content, so an edit changes the file list)."""
    make_project(root)
    config = root / "site.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"detect = false.*", "detect = true", text.replace(
        "search = true", "search = false")), encoding="utf-8")
    return root


def _edit(root: Path, name: str = "k1", text: str = "\nMore text.\n") -> None:
    article = root / f"content/en/{name}.md"
    article.write_text(article.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_an_edit_reads_no_manifest_and_equals_a_clean_build(tmp_path: Path,
                                                             reads: list[int]) -> None:
    root = _project(tmp_path / "site")
    assert build(root) == 0
    assert reads == []  # nothing published yet: nothing to parse
    for text in ("\nMore text.\n", "\nAnd more.\n"):
        _edit(root, text=text)
        assert build(root) == 0
        assert reads == []  # same files, same URLs, the manifest the state names: not read
    assert clean_build(root, tmp_path / "clean")[1] == snapshot(root)


def test_a_rename_reads_the_manifest_and_reports_the_old_url(
        tmp_path: Path, reads: list[int], capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path / "site")
    assert build(root) == 0 and build(root) == 0
    _edit(root)
    assert build(root) == 0
    reads.clear()
    article = root / "content/en/k1.md"
    article.write_text(article.read_text(encoding="utf-8").replace(
        "---\n", "---\nslug: renamed\n", 1), encoding="utf-8")
    from pipeline.cli import main

    assert main(["build", "--root", str(root)]) == 1  # the old URL is gone: RD101
    assert reads == [1]
    assert "RD101" in capsys.readouterr().out
    assert (root / "dist/en/k1/index.html").is_file()  # a failed build publishes nothing


def test_a_replaced_manifest_is_read_and_its_files_dropped(tmp_path: Path,
                                                         reads: list[int]) -> None:
    """State naming another manifest than the published one vouches for nothing: a
    manifest put in by hand is read, and the files it lists that no build makes go."""
    root = _project(tmp_path / "site")
    assert build(root) == 0
    _edit(root)
    assert build(root) == 0
    path = root / "dist/manifest.json"
    data = orjson.loads(path.read_bytes())
    data["files"]["en/ghost/index.html"] = "0" * 64
    path.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
    (root / "dist/en/ghost").mkdir()
    (root / "dist/en/ghost/index.html").write_text("ghost", encoding="utf-8")
    reads.clear()
    _edit(root, text="\nAgain.\n")
    assert build(root) == 0
    assert reads == [1]
    assert not (root / "dist/en/ghost").exists()
    assert clean_build(root, tmp_path / "clean")[1] == snapshot(root)


def test_previous_trusts_the_state_only_for_the_manifest_it_names(tmp_path: Path) -> None:
    root = _project(tmp_path / "site")
    assert build(root) == 0
    from pipeline.core.settings import load_settings
    from pipeline.engine.outputs import Outputs

    outputs = Outputs(load_settings(root))
    dist = outputs.folder("output")
    listed = orjson.loads((root / "dist/manifest.json").read_bytes())
    files = sorted(listed["files"])
    urls = [b["url"] for b in listed["bundles"]]
    sha = dist.current["manifest.json"]
    good = manifest.state_of(sha, files, urls)
    same = manifest.previous(dist, good, files, urls)
    assert same.files == set(files) | {"manifest.json"} and list(same.bundles) == urls
    assert "read" not in vars(same)  # vouched for: nothing parsed
    assert same.bundles[urls[0]]["url"] == urls[0]  # an article asked for: parsed then
    for state in ({**good, "manifest": "0" * 64}, {}, {**good, "files": "x", "urls": "y"}):
        other = manifest.previous(dist, state, files[1:], urls[1:])
        assert other.files == set(files) | {"manifest.json"}  # the file's own lists
        assert list(other.bundles) == urls
    moved = manifest.previous(dist, good, files, urls[1:])  # URLs differ: read those
    assert moved.known_files is not None and list(moved.bundles) == urls
    outputs.commit()


def test_only_nfc_page_urls_are_taken_as_served() -> None:
    """The detector skips decoding a URL only when the file it names is the page's own
    as written: an NFC path (a composed é), not a decomposed one."""
    from types import SimpleNamespace

    base = "https://example.org"
    composed = page_address(base, "/{locale}/{slug}/", "fr", "caf\u00e9")
    decomposed = page_address(base, "/{locale}/{slug}/", "fr", "cafe\u0301")
    site = SimpleNamespace(settings=SimpleNamespace(base_url=base))
    found = served_urls(site, {"a": composed, "b": decomposed})  # type: ignore[arg-type]
    assert found == {composed.url}
