"""Hostile content trees: symlinks, special files, odd names and characters get located findings."""

from __future__ import annotations

import os
import socket
import stat
import threading
from pathlib import Path

import pytest
from conftest import EN_ARTICLE

from pipeline.cli import main
from pipeline.content.load import discover, load_site
from pipeline.core.settings import ConfigError, load_settings
from pipeline.core.text import sanitize
from pipeline.stages import validate


def _validate(root: Path, timeout: float = 5.0) -> list[tuple[str, str, int, int]]:
    """Validate in a thread so that a hang fails the test instead of blocking the run."""
    box: list = []
    thread = threading.Thread(target=lambda: box.append(validate.run(load_site(
        load_settings(root), use_cache=False)[0])), daemon=True)
    thread.start()
    thread.join(timeout)
    assert box, f"validate did not finish within {timeout} s"
    return [(f.code, f.path, f.line, f.col) for f in box[0].findings]


def _site(make_site, extra: dict[str, str | bytes] | None = None) -> Path:
    return make_site({"content/en/ok.md": EN_ARTICLE, **(extra or {})})


def test_locale_folder_symlink_outside_is_refused(make_site, tmp_path: Path) -> None:
    root = _site(make_site)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "x.md").write_text(EN_ARTICLE.replace("laser-basics", "x"), encoding="utf-8")
    os.symlink(outside, root / "content/ar")
    assert ("FM006", "content/ar", 1, 1) in _validate(root)


@pytest.mark.parametrize("folder", ["content", "public"])
def test_root_symlink_outside_project_is_refused(make_site, tmp_path: Path, folder: str) -> None:
    root = _site(make_site)
    os.rename(root / folder, tmp_path / "moved")
    os.symlink(tmp_path / "moved", root / folder)
    with pytest.raises(ConfigError) as info:
        load_settings(root)
    assert [(f.code, f.path) for f in info.value.findings] == [("CF105", "site.toml")]
    assert f"paths.{folder} " in info.value.findings[0].message
    assert main(["validate", "--root", str(root)]) == 2


def test_discover_refuses_a_content_folder_outside_the_project(tmp_path: Path) -> None:
    outside, root = tmp_path / "outside", tmp_path / "project"
    (outside / "en").mkdir(parents=True)
    (outside / "en/a.md").write_text(EN_ARTICLE, encoding="utf-8")
    root.mkdir()
    findings: list = []
    assert discover(outside / "en", outside, root, findings) == []
    assert [(f.code, f.path) for f in findings] == [("FM006", outside.as_posix())]


@pytest.mark.parametrize("kind", ["file", "folder"])
def test_symlink_loops_are_located_and_never_hang(make_site, kind: str) -> None:
    root = _site(make_site)
    name = "loop.md" if kind == "file" else "loop"
    os.symlink(root / f"content/en/{name}-b", root / f"content/en/{name}")
    os.symlink(root / f"content/en/{name}", root / f"content/en/{name}-b")
    found = _validate(root)
    assert ("FM006", f"content/en/{name}", 1, 1) in found
    assert all(code == "FM006" for code, *_ in found)


def test_fifo_is_refused_without_blocking(make_site) -> None:
    root = _site(make_site)
    os.mkfifo(root / "content/en/pipe.md")
    assert _validate(root) == [("FM008", "content/en/pipe.md", 1, 1)]


def test_socket_is_refused(make_site) -> None:
    root = _site(make_site)
    path = root / "content/en/sock.md"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        assert _validate(root) == [("FM008", "content/en/sock.md", 1, 1)]


def test_device_is_refused(make_site) -> None:
    root = _site(make_site)
    try:
        os.mknod(root / "content/en/zero.md", stat.S_IFCHR | 0o600, os.makedev(1, 5))
    except PermissionError:
        pytest.skip("creating a device node needs privileges")
    assert _validate(root) == [("FM008", "content/en/zero.md", 1, 1)]


def test_symlink_to_device_outside_is_refused(make_site) -> None:
    root = _site(make_site)
    os.symlink("/dev/zero", root / "content/en/zero.md")
    assert _validate(root) == [("FM006", "content/en/zero.md", 1, 1)]


def test_non_utf8_file_name_is_located_and_printable(make_site, capsys) -> None:
    root = _site(make_site)
    bad = os.fsencode(root / "content/en") + b"/caf\xe9.md"
    with open(bad, "wb") as handle:
        handle.write(EN_ARTICLE.replace("laser-basics", "cafe").encode())
    assert _validate(root) == [("FM009", "content/en/caf\\xe9.md", 1, 1)]
    assert main(["validate", "--root", str(root), "--format", "json"]) == 1
    out = capsys.readouterr()
    assert "Traceback" not in out.err and "caf\\\\xe9.md" in out.out


def test_invisible_characters_are_warnings_at_their_line_and_stripped(make_site) -> None:
    text = (EN_ARTICLE.replace('title: "Laser Skin Resurfacing Basics"',
                               'title: "Laser \\u202eSkin\\0 Resurfacing Basics"')
            .replace("  name: Editorial Team", '  name: "Editorial\\u200b Team"')
            .replace("translationKey: laser-basics",
                     'translationKey: laser-basics\ntags: [ok, "a\\uFFFEb"]')
            .replace('excerpt: "What', 'excerpt: "\\x07What'))
    root = make_site({"content/en/a.md": text})
    site, _ = load_site(load_settings(root), use_cache=False)
    found = [(f.code, f.line, f.col, f.severity.value) for f in validate.run(site).findings]
    assert found == [("FM302", 2, 1, "warning"), ("FM302", 3, 1, "warning"),
                     ("FM302", 7, 3, "warning"), ("FM302", 13, 1, "warning")]
    meta = site.articles[0].meta
    assert meta.title == "Laser Skin Resurfacing Basics"
    assert meta.author.name == "Editorial Team" and meta.tags == ("ok", "ab")
    assert meta.excerpt.startswith("What")


def test_invisible_characters_in_a_file_name_are_a_warning(make_site) -> None:
    root = make_site({"content/en/laser\u200b-basics.md": EN_ARTICLE})
    found = [(f.code, f.line, f.severity.value) for f in validate.run(
        load_site(load_settings(root), use_cache=False)[0]).findings]
    assert found == [("FM302", 1, "warning")]


def test_sanitize_keeps_script_marks() -> None:
    assert sanitize("a\u200cb\u200dc\u200fd\u061ce") == "a\u200cb\u200dc\u200fd\u061ce"
    assert sanitize("x\x00\x1f\x7f\ud800\ufffe\u202ey\t\n") == "xy\t\n"


def test_date_offset_with_seconds_is_a_validate_error(make_site) -> None:
    text = EN_ARTICLE.replace("2025-07-01T05:35:07.322Z", "2025-07-01T05:35:07+05:30:15")
    root = make_site({"content/en/a.md": text})
    assert _validate(root) == [("FM104", "content/en/a.md", 5, 1)]


def test_every_unknown_field_is_reported(make_site) -> None:
    text = EN_ARTICLE.replace("slug: laser-basics", "slug: laser-basics\ncolour: red\nsize: 3")
    text = text.replace("  name: Editorial Team", "  name: Editorial Team\n  email: x@y.z")
    root = make_site({"content/en/a.md": text})
    found = _validate(root)
    assert found == [("FM103", "content/en/a.md", 8, 3), ("FM103", "content/en/a.md", 13, 1),
                     ("FM103", "content/en/a.md", 14, 1)]


@pytest.mark.parametrize(("raw", "line", "col"), [
    (b'title: "Laser\x07 Basics"', 2, 14),
    ("title: \"أساسيات\x08\"".encode(), 2, 16),
    ("excerpt: x\ntitle: \"a\ufffe\"".encode(), 3, 10),
])
def test_byte_yaml_rejects_is_located_at_its_own_position(make_site, raw: bytes, line: int,
                                                          col: int) -> None:
    body = b"---\n" + raw + b"\n---\nBody.\n"
    root = make_site({"content/en/a.md": body})
    assert _validate(root) == [("FM012", "content/en/a.md", line, col)]


@pytest.mark.parametrize(("cover", "picture"), [('"https://["', None), (None, '"/a\\0b.jpg"'),
                                                 ('"/x\\u202e.jpg"', None)])
def test_unparseable_or_invisible_urls_are_fm109(make_site, cover: str | None,
                                                 picture: str | None) -> None:
    text = EN_ARTICLE
    if cover:
        text = text.replace('coverImage: "/assets/blog/cover (1).jpeg"', f"coverImage: {cover}")
    if picture:
        text = text.replace('  picture: "/assets/authors/team.jpeg"', f"  picture: {picture}")
    root = make_site({"content/en/a.md": text})
    line = 4 if cover else 8
    assert _validate(root) == [("FM109", "content/en/a.md", line, 1 if cover else 3)]
