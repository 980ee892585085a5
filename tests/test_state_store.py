"""Engine state in one SQLite database: rows of the wrong shape, planted paths, foreign or
damaged databases and a kill during a write never crash a build, never touch a file
outside the project, and never change what is published."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from test_incremental import build, clean_build, make_project, snapshot

from pipeline.engine import publish, resident, store

ROWS = {  # (kind, key pattern) -> values of the right JSON syntax but the wrong shape
    "unit": [[], "text", 7, {"fp": 1}, {"fp": "x", "deps": "y", "articles": []},
             {"fp": "x", "deps": [], "articles": {"a": {"shas": "not a mapping"}}}],
    "source": [[], {"locale": "en", "size": "big"}, {"article": 3}],
    "document": [[], "text", {"buffers": ["x"]}, {"buffers": {"1:2": "abc"}, "stats": 5}],
    "published/output": [{}, "text", [["a", "b"]], [[1, 2, 3]], [["en/x", "0" * 64, "y"]]],
}


def _db(root: Path) -> sqlite3.Connection:
    return sqlite3.connect(root / ".cache" / "state.db")


def _rewrite(root: Path, kind: str, value: object) -> int:
    store.forget_all()
    db = _db(root)
    with db:
        count = db.execute("UPDATE rows SET value = ? WHERE kind = ?",
                           (orjson.dumps(value), kind)).rowcount
    db.close()
    return count


@pytest.mark.parametrize("kind", sorted(ROWS))
def test_rows_of_the_wrong_shape_are_ignored_and_the_output_stays_right(
        tmp_path: Path, kind: str) -> None:
    root = make_project(tmp_path / "site")
    assert build(root) == 0
    for value in ROWS[kind]:
        (root / "content/en/k0.md").write_text(
            (root / "content/en/k0.md").read_text(encoding="utf-8") + "\nMore.\n",
            encoding="utf-8")
        assert _rewrite(root, kind, value) > 0
        assert build(root) == 0, value
        status, clean = clean_build(root, tmp_path / "clean")
        assert status == 0 and snapshot(root) == clean, value


def test_a_planted_path_in_the_publish_record_deletes_nothing_outside(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project" / "site")
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    assert build(root) == 0
    (root / "content/en/k0.md").write_text(
        (root / "content/en/k0.md").read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    assert build(root) == 0  # now the spare exists and is recorded
    store.forget_all()
    db = _db(root)
    (raw,) = db.execute("SELECT value FROM rows WHERE kind = 'document' AND key = "
                        "'publish/output'").fetchone()
    record = orjson.loads(raw)
    planted = ["../../../../victim.txt", "../../../victim.txt"]
    for delta in record["others"].values():  # the spare's record, as differences
        delta.update(dict.fromkeys(planted, "0" * 64))
    record["count"] += len(planted)  # the base buffer's file rows, consistently counted
    (code,) = db.execute("SELECT code FROM rows WHERE kind = 'document' AND key = "
                         "'publish/output'").fetchone()
    with db:
        db.execute("UPDATE rows SET value = ? WHERE kind = 'document' AND key = "
                   "'publish/output'", (orjson.dumps(record),))
        for rel in planted:  # into the file row (bucket) where the path belongs
            key = publish._bucket(rel)
            found = db.execute("SELECT value FROM rows WHERE kind = 'published/output' AND "
                               "key = ?", (key,)).fetchone()
            rows = (orjson.loads(found[0]) if found else []) + [[rel, "0" * 64, []]]
            db.execute("INSERT OR REPLACE INTO rows VALUES ('published/output', ?, ?, ?)",
                       (key, code, orjson.dumps(rows)))
    db.close()
    (root / "content/en/k1.md").write_text("---\ntitle: changed\n", encoding="utf-8")
    build(root)
    (root / "content/en/k1.md").unlink()
    assert build(root) == 0
    assert victim.read_text(encoding="utf-8") == "keep me"
    status, clean = clean_build(root, tmp_path / "clean")
    assert status == 0 and snapshot(root) == clean


def _foreign(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE rows (kind, key, code, value)")
    db.execute("INSERT INTO rows VALUES ('unit', 'k0', 'x', 'y')")
    db.commit()
    db.close()


def _other_version(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")
    db.close()


@pytest.mark.parametrize("damage", ["junk", "truncated", "foreign", "version", "directory"])
def test_a_damaged_or_foreign_database_is_rebuilt_with_eng001(tmp_path: Path,
                                                                damage: str) -> None:
    from pipeline.runner import build_project
    root = make_project(tmp_path / "site")
    assert build(root) == 0
    published = snapshot(root)
    path = root / ".cache" / "state.db"
    store.forget_all()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    if damage == "junk":
        path.write_bytes(b"\x00garbage" * 100)
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[:1000])
    elif damage == "foreign":
        path.unlink()
        _foreign(path)
    elif damage == "version":
        _other_version(path)
    else:
        path.unlink()
        path.mkdir()
    (root / "content/en/k0.md").write_text(
        (root / "content/en/k0.md").read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    import argparse
    results = build_project(root, None, argparse.Namespace(jobs=1, format="human",
                                                           strict=False, force=False)).results
    codes = [f.code for r in results for f in r.findings]
    assert not any(r.errors for r in results)
    if damage != "directory":  # a folder in its place: nothing kept, nothing fails
        assert "ENG001" in codes
    status, clean = clean_build(root, tmp_path / "clean")
    ours = snapshot(root)
    for name in ("validate.json", "index.html", "report.json"):  # the ENG001 note and the
        ours.pop(f"reports/{name}")  # site report counting it (and its digest): a clean
        clean.pop(f"reports/{name}")  # build has none
    assert status == 0 and ours == clean and clean["dist/en/k0/index.html"] != \
        published["dist/en/k0/index.html"]


WRITER = """
import sys, time
from pathlib import Path
from pipeline.engine import store
db = store.of(Path(sys.argv[1]))
with db.transaction():
    for i in range(int(sys.argv[2])):
        db.put_many("unit", "new", {f"k{i}-{j}": {"n": i, "pad": "x" * 200} for j in range(50)})
        if i == 5:
            print("writing", flush=True)
print("done", flush=True)
"""


def test_a_kill_during_a_database_write_leaves_the_old_rows_or_the_new(tmp_path: Path) -> None:
    cache = tmp_path / ".cache"
    db = store.of(cache)
    db.put_many("unit", "old", {f"k{i}": {"n": i} for i in range(100)})
    store.forget_all()
    repo = Path(__file__).resolve().parent.parent
    for delay in (0.0, 0.05, 0.2):
        process = subprocess.Popen([sys.executable, "-c", WRITER, str(cache), "4000"],
                                   cwd=repo, stdout=subprocess.PIPE, text=True)
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "writing"
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        check = sqlite3.connect(cache / "state.db")
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        codes = {code for (code,) in check.execute("SELECT DISTINCT code FROM rows")}
        check.close()
        assert codes == {"old"}  # the killed transaction left nothing behind
        assert len(store.of(cache).rows("unit", "old", dict)) == 100
        store.forget_all()


def test_a_resident_process_sees_what_another_process_wrote(tmp_path: Path) -> None:
    """``serve --watch`` keeps decoded rows in memory between builds; a build by another
    process in between (a terminal, CI) is noticed and the rows are read again."""
    root = make_project(tmp_path / "site")
    with resident.kept():
        _builds_beside_another_process(root, tmp_path)


def _builds_beside_another_process(root: Path, tmp_path: Path) -> None:
    import os
    assert build(root) == 0  # this process now holds the rows in memory
    article = root / "content/en/k0.md"
    for i in range(3):
        article.write_text(article.read_text(encoding="utf-8") + f"\nOther {i}.\n",
                           encoding="utf-8")
        repo = Path(__file__).resolve().parent.parent
        done = subprocess.run([sys.executable, "-m", "pipeline", "build", "--root", str(root)],
                              env={**os.environ, "PYTHONPATH": str(repo)},
                              capture_output=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr
        article.write_text(article.read_text(encoding="utf-8") + f"\nMine {i}.\n",
                           encoding="utf-8")
        assert build(root) == 0
        status, clean = clean_build(root, tmp_path / "clean")
        assert status == 0 and snapshot(root) == clean


@pytest.mark.parametrize("part", ["analysis", "cross"])
def test_a_damaged_part_is_made_again_and_the_reports_stay_right(tmp_path: Path,
                                                                 part: str) -> None:
    """Each article's analysis and cross-check summary is a row of its own that only its
    stage decodes, and the unit row keeps its digest: a part row that does not decode into
    its shape, is missing, or is not the one the digest names is made again."""
    root = make_project(tmp_path / "site")
    assert build(root) == 0
    store.forget_all()
    db = _db(root)
    damaged = 0
    bad = [b"{}", b'"not text"', b"{}", b'{"findings": 3}', b"{}", b"{", b"{}", None]
    with db:
        rows = db.execute("SELECT key, value FROM rows WHERE kind = ?",
                          (f"part/{part}",)).fetchall()
        for key, value in rows:
            change = bad[damaged % len(bad)]
            if change is None:
                db.execute("DELETE FROM rows WHERE kind = ? AND key = ?", (f"part/{part}", key))
            elif change == b"{}":  # text of the right shape, but not the recorded one
                other = orjson.loads(value)
                if part == "analysis":
                    other["data"]["words"] = 1
                else:
                    other["title"] = "Planted title"
                db.execute("UPDATE rows SET value = ? WHERE kind = ? AND key = ?",
                           (orjson.dumps(other), f"part/{part}", key))
            else:
                db.execute("UPDATE rows SET value = ? WHERE kind = ? AND key = ?",
                           (change, f"part/{part}", key))
            damaged += 1
    assert damaged > 2
    (root / "content/en/k0.md").write_text(
        (root / "content/en/k0.md").read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    assert build(root) == 0
    status, clean = clean_build(root, tmp_path / "clean")
    assert status == 0 and snapshot(root) == clean
