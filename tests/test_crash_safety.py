"""A build killed at any moment (SIGKILL) leaves each output folder holding either the
whole previous output or the whole new one, never a mix and never a temp file; its worker
processes exit with it; the next build recovers by itself."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import REPO, SITE_TOML, write_image

FOLDERS = ("dist", "sitemap", "reports")
ARTICLES = 90  # groups; enough for the worker pool (engine.units.PARALLEL_FROM)
KILLS = 12  # per scenario: cold and incremental, 24 in all


def article(key: str, locale: str, extra: str = "") -> str:
    return (f'---\ntitle: "Title of {key} in {locale}"\n'
            f'excerpt: "An excerpt long enough to serve as the meta description of {key}."\n'
            f'coverImage: "/assets/c.jpeg"\ndate: "2025-07-01T05:35:07Z"\n'
            f'author:\n  name: Team\n  picture: "/assets/c.jpeg"\ntranslationKey: {key}\n'
            f'tags: [t{int(key[1:]) % 3}]\n'  # tag pages
            + (f'aliases: ["/{locale}/old-{key}/"]\n' if key == "a000" else "")  # redirects
            + "---\n"
            + "\n".join(f"## Part {i}\n\nSome text for part {i} of {key}. {extra}\n"
                        for i in range(12)))


def make_project(root: Path) -> Path:
    for locale in ("en", "ar"):
        (root / "content" / locale).mkdir(parents=True)
        for i in range(ARTICLES):
            (root / f"content/{locale}/a{i:03d}.md").write_text(article(f"a{i:03d}", locale),
                                                               encoding="utf-8")
    # every kind of output: pages of pagination, tag pages, feeds, related lists, the
    # search index, redirects and the site report
    (root / "site.toml").write_text(SITE_TOML + "\n[bundles]\nper_page = 20\nsearch = true\n",
                                    encoding="utf-8")
    shutil.copytree(REPO / "locales", root / "locales")
    write_image(root / "public/assets/c.jpeg")
    return root


def command(root: Path) -> list[str]:
    return [sys.executable, "-m", "pipeline", "build", "--root", str(root), "--jobs", "2"]


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


def run(root: Path) -> int:
    return subprocess.run(command(root), env=env(), capture_output=True, timeout=300,
                          check=False).returncode


def snapshot(root: Path) -> dict[str, dict[str, bytes] | None]:
    found: dict[str, dict[str, bytes] | None] = {}
    for name in FOLDERS:
        folder = root / name
        found[name] = None if not folder.exists() else {
            p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() or p.is_symlink()}
    return found


def reference(source: Path, target: Path) -> dict[str, dict[str, bytes] | None]:
    """The outputs of a clean, uninterrupted build of the same input."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for name in ("content", "public", "locales"):
        shutil.copytree(source / name, target / name)
    shutil.copy(source / "site.toml", target / "site.toml")
    assert run(target) == 0
    return snapshot(target)


def workers_of(root: Path) -> list[int]:
    """Processes still running a build of ``root``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if str(root).encode() in cmdline and b"pipeline" in cmdline:
            found.append(int(entry.name))
    return found


def kill_at(root: Path, delay: float) -> None:
    process = subprocess.Popen(command(root), env=env(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=False)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    deadline = time.monotonic() + 10
    while workers_of(root) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert workers_of(root) == [], "worker processes outlived the killed build"


def assert_whole(now: dict, allowed: list[dict], when: str) -> None:
    for name in FOLDERS:
        states = [a[name] for a in allowed]
        assert now[name] in states, f"{name}/ is a mix or half-written after a kill {when}"
        if now[name]:
            assert not any(".tmp" in rel or "/." in "/" + rel for rel in now[name]), name


def timed_run(root: Path) -> float:
    started = time.monotonic()
    assert run(root) == 0
    return time.monotonic() - started


def test_killed_cold_and_incremental_builds_leave_whole_outputs(tmp_path: Path) -> None:
    rng = random.Random(20261201)
    root = make_project(tmp_path / "site")
    new = reference(root, tmp_path / "reference")
    duration = timed_run(tmp_path / "reference")  # a no-change run: start-up cost
    shutil.rmtree(tmp_path / "reference" / ".cache")
    duration = max(duration, timed_run(tmp_path / "reference") * 1.2)
    empty = {name: None for name in FOLDERS}
    for _ in range(KILLS):  # cold: nothing published yet, or everything
        kill_at(root, rng.uniform(0.05, duration))
        assert_whole(snapshot(root), [empty, new], "during a cold build")
    assert run(root) == 0
    assert snapshot(root) == new  # the next build recovers by itself

    previous = new
    for i in range(KILLS):  # incremental: one article edited before each killed build
        path = root / f"content/en/a{i:03d}.md"
        path.write_text(article(f"a{i:03d}", "en", f"Edit {i}."), encoding="utf-8")
        after = reference(root, tmp_path / "reference")
        kill_at(root, rng.uniform(0.05, duration))
        assert_whole(snapshot(root), [previous, after], "during an incremental build")
        assert run(root) == 0
        assert snapshot(root) == after
        previous = after
