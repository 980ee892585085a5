"""The SQLite link cache: freshness, failures never stored, concurrent writers, kill -9."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from pipeline.links.cache import LinkCache
from pipeline.links.types import State, Verdict

ROOT = Path(__file__).resolve().parent.parent


def test_fresh_success_is_returned_and_old_one_expires(tmp_path: Path) -> None:
    cache = LinkCache(tmp_path / "c.sqlite3", max_age=100)
    cache.record("https://a.example/", Verdict(State("ok"), 200, final_url="https://a.example/"),
                 now=1000.0)
    hit = cache.get("https://a.example/", now=1050.0)
    assert hit is not None and hit.from_cache and hit.status == 200
    assert cache.get("https://a.example/", now=1101.0) is None
    cache.close()


def test_failures_are_never_cached_and_evict_a_success(tmp_path: Path) -> None:
    cache = LinkCache(tmp_path / "c.sqlite3", max_age=1e9)
    cache.record("https://a.example/x", Verdict(State("broken"), 404))
    assert cache.get("https://a.example/x") is None
    cache.record("https://a.example/x", Verdict(State("ok"), 200))
    assert cache.get("https://a.example/x") is not None
    cache.record("https://a.example/x", Verdict(State("network"), None, "timeout"))
    assert cache.get("https://a.example/x") is None
    cache.close()


def test_anchors_and_redirects_round_trip(tmp_path: Path) -> None:
    cache = LinkCache(tmp_path / "c.sqlite3", max_age=1e9)
    verdict = Verdict(State("redirected"), 200, "permanent-redirect", "https://b.example/",
                      [(301, "https://b.example/")], frozenset({"مقدمة", "sec-1"}))
    cache.record("https://a.example/", verdict)
    again = cache.get("https://a.example/")
    assert again is not None
    assert (again.state, again.redirects, again.anchors) == (
        "redirected", [(301, "https://b.example/")], frozenset({"مقدمة", "sec-1"}))
    cache.close()


def test_unreadable_file_is_moved_aside_and_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    path.write_bytes(b"this is not a database at all" * 100)
    cache = LinkCache(path, max_age=1e9)
    assert "rebuilt" in cache.note
    cache.record("https://a.example/", Verdict(State("ok"), 200))
    assert cache.get("https://a.example/") is not None
    assert (tmp_path / "c.sqlite3.corrupt").exists()
    cache.close()


WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from pipeline.links.cache import LinkCache
    from pipeline.links.types import State, Verdict
    cache = LinkCache(Path(sys.argv[1]), max_age=1e9)
    name, count = sys.argv[2], int(sys.argv[3])
    print("ready", flush=True)
    i = 0
    while i < count:
        cache.record(f"https://{{name}}.example/{{i}}", Verdict(State("ok"), 200))
        i += 1
    cache.close()
""")


def _writer(tmp_path: Path, name: str, count: int) -> subprocess.Popen[str]:
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(root=str(ROOT)), encoding="utf-8")
    return subprocess.Popen([sys.executable, str(script), str(tmp_path / "c.sqlite3"), name,
                             str(count)], stdout=subprocess.PIPE, text=True)


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    writers = [_writer(tmp_path, f"w{n}", 200) for n in range(4)]
    for proc in writers:
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0, out
    cache = LinkCache(tmp_path / "c.sqlite3", max_age=1e9)
    for n in range(4):
        for i in (0, 99, 199):
            assert cache.get(f"https://w{n}.example/{i}") is not None
    cache.close()
    with sqlite3.connect(tmp_path / "c.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM links").fetchone()[0] == 800


def test_kill_9_mid_write_leaves_a_usable_cache(tmp_path: Path) -> None:
    proc = _writer(tmp_path, "killed", 10**6)  # far more than it gets to write
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        with sqlite3.connect(tmp_path / "c.sqlite3", timeout=30) as db:  # wait for some rows
            for _ in range(10**6):
                if db.execute("SELECT count(*) FROM links").fetchone()[0] >= 50 or \
                        proc.poll() is not None:
                    break
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    with sqlite3.connect(tmp_path / "c.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = db.execute("SELECT count(*) FROM links").fetchone()[0]
    cache = LinkCache(tmp_path / "c.sqlite3", max_age=1e9)
    assert cache.get("https://killed.example/0") is not None
    cache.record("https://after.example/", Verdict(State("ok"), 200))
    assert cache.get("https://after.example/") is not None
    cache.close()
    assert rows >= 50


def test_unwritable_cache_folder_disables_the_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    cache = LinkCache(blocker / "c.sqlite3", max_age=1e9)
    assert cache.note.startswith("cache disabled")
    cache.record("https://a.example/", Verdict(State("ok"), 200))
    assert cache.get("https://a.example/") is None
    cache.close()


def test_extractions_are_reused_by_source_hash_and_redone_after_an_edit(tmp_path: Path) -> None:
    import sqlite3 as sq

    from links_support import article, make_project, read_report

    from pipeline.cli import main

    root = make_project(tmp_path / "site", {"en/a.md": article("a", "[x](/en/a/)")})
    assert main(["links", "--root", str(root), "--offline"]) == 0
    assert main(["links", "--root", str(root)]) == 0
    db = sq.connect(root / ".cache" / "links.sqlite3")
    (digest,) = db.execute("SELECT hash FROM extracted").fetchone()
    db.close()
    source = root / "content" / "en" / "a.md"
    source.write_text(article("a", "[x](/en/a/)\n\n[y](/en/missing/)"), encoding="utf-8")
    assert main(["links", "--root", str(root)]) == 1
    assert "/en/missing/" in {link["url"] for link in read_report(root)["data"]["links"]}
    db = sq.connect(root / ".cache" / "links.sqlite3")
    assert db.execute("SELECT hash FROM extracted").fetchone()[0] != digest
    db.close()
