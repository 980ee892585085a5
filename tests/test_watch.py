"""Watch mode pieces with real threads, real files and real builds."""

from __future__ import annotations

import argparse
import os
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sitetree import REPO, make_site

from pipeline.preview.reload import Broadcaster
from pipeline.preview.watch import Builder, Debouncer, follow, only, package_folders

EN_FILE = "content/en/laser-skin-resurfacing.md"
EN_PAGE = "dist/en/laser-skin-resurfacing/index.html"


def eventually(check: Callable[[], bool], timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.02)
    return check()


class Running:
    """A target running in a thread until ``stop``."""

    def __init__(self, target: Callable[..., None], *args: object):
        self.stop = threading.Event()
        self.thread = threading.Thread(target=target, args=(*args, self.stop), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        assert not self.thread.is_alive()


def test_a_burst_of_saves_gives_one_build():
    runs: list[float] = []
    debouncer = Debouncer(lambda: runs.append(time.monotonic()), quiet=0.1)
    running = Running(debouncer.run)
    try:
        for _ in range(5):
            time.sleep(0.02)
            debouncer.poke()
            last = time.monotonic()
        assert eventually(lambda: len(runs) == 1)
        assert runs[0] - last >= 0.09
        time.sleep(0.3)
        assert len(runs) == 1
    finally:
        running.close()


def test_a_save_during_a_build_gives_one_more_build():
    started = threading.Event()
    release = threading.Event()
    runs: list[int] = []

    def action() -> None:
        runs.append(1)
        started.set()
        release.wait(5)

    debouncer = Debouncer(action, quiet=0.02)
    running = Running(debouncer.run)
    try:
        debouncer.poke()
        assert started.wait(5)
        debouncer.poke()
        debouncer.poke()
        release.set()
        assert eventually(lambda: len(runs) == 2)
        time.sleep(0.2)
        assert len(runs) == 2
    finally:
        release.set()
        running.close()


def test_follow_reports_saves_and_skips_editor_files(tmp_path: Path):
    (tmp_path / "sub").mkdir()
    changes: list[float] = []
    running = Running(follow, [tmp_path], lambda: changes.append(time.monotonic()))
    try:
        time.sleep(0.3)  # the watcher is set up
        (tmp_path / "sub" / ".page.md.swp").write_text("x")
        time.sleep(0.5)
        assert changes == []
        (tmp_path / "sub" / "page.md").write_text("x")
        assert eventually(lambda: len(changes) == 1)
    finally:
        running.close()


def test_the_configuration_file_alone_and_replaced_by_rename(tmp_path: Path):
    config = tmp_path / "site.toml"
    config.write_text("one")
    (tmp_path / "content").mkdir()
    changes: list[float] = []
    running = Running(lambda stop: follow([tmp_path], lambda: changes.append(1), stop,
                                          recursive=False, keep=only(config)))
    try:
        time.sleep(0.3)
        (tmp_path / "other.toml").write_text("x")
        (tmp_path / "content" / "page.md").write_text("x")
        time.sleep(0.5)
        assert changes == []
        (tmp_path / ".site.toml.new").write_text("two")
        os.replace(tmp_path / ".site.toml.new", config)  # how many editors save
        assert eventually(lambda: len(changes) == 1)
        config.write_text("three")
        assert eventually(lambda: len(changes) == 2)
    finally:
        running.close()


def test_package_folders_from_a_checkout():
    assert package_folders() == [REPO / "pipeline/render/templates", REPO / "pipeline/render/static"]


def test_builder_publishes_and_keeps_pages_on_errors(tmp_path: Path, capsys):
    root = make_site(tmp_path)
    reload = Broadcaster()
    builder = Builder(argparse.Namespace(root=root, config=None), reload)
    builder()
    assert "built in" in capsys.readouterr().out
    good = reload.state
    # A warning is named on the console, not only counted.
    source = (root / EN_FILE).read_text(encoding="utf-8")
    (root / EN_FILE).write_text(source.replace('title: "', 'title: "<b>Bold</b> ', 1),
                                encoding="utf-8")
    builder()
    out = capsys.readouterr().out
    assert "1 warning(s)" in out and f"{EN_FILE}:2:1: warning FM301 title contains HTML" in out
    (root / EN_FILE).write_text(source, encoding="utf-8")
    builder()
    capsys.readouterr()
    good = reload.state
    assert good.error is None
    page = (root / EN_PAGE).read_bytes()
    source = (root / EN_FILE).read_text(encoding="utf-8")
    (root / EN_FILE).write_text(source.replace('title: "', "title: 5 #", 1), encoding="utf-8")
    builder()
    failed = reload.state
    out = capsys.readouterr().out
    assert "build failed" in out and "FM102" in out and "previous pages kept" in out
    assert failed.token == good.token and failed.serial > good.serial
    assert "FM102" in (failed.error or "")
    assert (root / EN_PAGE).read_bytes() == page
    (root / EN_FILE).write_text(source.replace("Laser", "Edited laser", 1), encoding="utf-8")
    builder()
    assert reload.state.error is None and reload.state.token != good.token
    assert "Edited laser" in (root / EN_PAGE).read_text(encoding="utf-8")


def test_builder_reports_a_broken_configuration(tmp_path: Path, capsys):
    root = make_site(tmp_path)
    (root / "site.toml").write_text("[site\n", encoding="utf-8")
    reload = Broadcaster()
    Builder(argparse.Namespace(root=root, config=None), reload)()
    assert "invalid TOML" in (reload.state.error or "")
    assert "CF" in capsys.readouterr().out


def test_a_busy_port_fails_before_building(tmp_path: Path, capsys):
    from pipeline.cli import main

    root = make_site(tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["serve", "--watch", "--root", str(root), "--port", str(port)]) == 2
    assert "cannot serve" in capsys.readouterr().err
    assert not (root / "dist").exists()


def test_findings_lines_name_the_first_ten_and_count_the_rest():
    from pipeline.core.model import Finding, Severity
    from pipeline.report import findings_lines

    findings = [Finding(f"content/en/a{i:02d}.md", 2, 1, "FM301", Severity.WARNING, "html")
                for i in range(12)]
    lines = findings_lines(reversed(findings))
    assert lines[0] == "  content/en/a00.md:2:1: warning FM301 html"
    assert len(lines) == 11 and lines[-1] == "  ... and 2 more (every one is in reports/)"
    assert findings_lines([]) == []
