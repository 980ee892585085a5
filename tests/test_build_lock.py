"""Two builds at once: one waits for the other (saying who holds the lock), both succeed,
and the published site equals a clean build; a killed holder leaves no stale lock."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import REPO, SITE_TOML, write_image
from test_incremental import article, clean_build, snapshot

PAIRS = 150


def make_project(root: Path) -> Path:
    for locale in ("en", "ar"):
        (root / "content" / locale).mkdir(parents=True)
        for i in range(PAIRS):
            (root / f"content/{locale}/p{i:03d}.md").write_text(
                article(locale, f"p{i:03d}", "Title", "Body text."), encoding="utf-8")
    (root / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    shutil.copytree(REPO / "locales", root / "locales")
    for name in ("a", "b"):
        write_image(root / f"public/assets/{name}.jpeg")
    write_image(root / "public/assets/team.jpeg", (400, 400))
    return root


def start(root: Path, *extra: str) -> subprocess.Popen[bytes]:
    """A build whose console goes to files (two builds' pipes must not fill up)."""
    log = root.parent / f"build-{time.monotonic_ns()}"
    with open(f"{log}.out", "wb") as out, open(f"{log}.err", "wb") as err:
        build = subprocess.Popen([sys.executable, "-m", "pipeline", "build", "--root",
                                  str(root), "--jobs", "2", *extra],
                                 env={**os.environ, "PYTHONPATH": str(REPO)},
                                 stdout=out, stderr=err)
    build.log = f"{log}.err"  # type: ignore[attr-defined]
    return build


def finish(build: subprocess.Popen[bytes]) -> str:
    """Wait for ``build``; its standard error."""
    build.wait(timeout=600)
    return Path(build.log).read_text(encoding="utf-8")  # type: ignore[attr-defined]


def test_two_builds_started_together_both_succeed_and_publish_a_whole_site(
        tmp_path: Path) -> None:
    root = make_project(tmp_path / "site")
    for round_ in range(3):
        if round_:
            for i in range(0, PAIRS, 7):
                path = root / f"content/en/p{i:03d}.md"
                path.write_text(path.read_text(encoding="utf-8") + f"\nRound {round_}.\n",
                                encoding="utf-8")
        builds = [start(root), start(root, "--force")]
        outcomes = [finish(b) for b in builds]
        for build_, err in zip(builds, outcomes, strict=True):
            assert build_.returncode == 0, err
            assert "Traceback" not in err
        status, clean = clean_build(root, tmp_path / "clean")
        assert status == 0 and snapshot(root) == clean


def test_a_waiting_build_says_who_holds_the_lock_and_runs_when_it_is_free(
        tmp_path: Path) -> None:
    root = make_project(tmp_path / "site")
    (root / ".cache").mkdir()
    with open(root / ".cache/build.lock", "w", encoding="utf-8") as held:
        held.write("4242 seo-pipeline serve --watch\n")
        held.flush()
        fcntl.flock(held, fcntl.LOCK_EX)
        waiting = start(root)
        time.sleep(3)
        assert waiting.poll() is None  # still waiting
        fcntl.flock(held, fcntl.LOCK_UN)
    err = finish(waiting)
    assert waiting.returncode == 0, err
    assert "waiting for another build" in err and "4242" in err


def test_a_killed_build_leaves_no_stale_lock(tmp_path: Path) -> None:
    root = make_project(tmp_path / "site")
    first = start(root)
    deadline = time.monotonic() + 60
    while not (root / ".cache/build.lock").exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)
    first.send_signal(signal.SIGKILL)
    finish(first)
    second = start(root)
    err = finish(second)
    assert second.returncode == 0, err
    assert "waiting" not in err
    status, clean = clean_build(root, tmp_path / "clean")
    assert status == 0 and snapshot(root) == clean
