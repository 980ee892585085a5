"""Hand changes below the top of the output folders are put right by the next build:
what the pipeline writes is made equal to what it would build (a deleted, added-over or
edited file is rewritten), files the pipeline never wrote stay where the user put them,
and nothing flip-flops between builds, no-change builds included."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_incremental import TEXT, build, clean_build, make_project, snapshot

FOREIGN = "dist/en/notes-from-the-team.txt"


def _without(found: dict[str, bytes], *names: str) -> dict[str, bytes]:
    return {k: v for k, v in found.items() if k not in names}


def test_a_deleted_locale_folder_is_rebuilt_and_stays(tmp_path: Path) -> None:
    root = make_project(tmp_path / "site")
    assert build(root) == 0
    before = snapshot(root)
    shutil.rmtree(root / "dist/en")
    for _ in range(3):  # the first rebuilds, the next two change nothing
        assert build(root) == 0
        assert snapshot(root) == before


def test_a_deleted_page_comes_back_and_never_flips(tmp_path: Path) -> None:
    root = make_project(tmp_path / "site")
    assert build(root) == 0
    before = snapshot(root)
    (root / "dist/en/k1/index.html").unlink()
    (root / "sitemap/sitemap_index.xml").unlink()
    (root / "reports/validate.json").unlink()
    for _ in range(3):
        assert build(root) == 0
        assert snapshot(root) == before


def test_a_page_edited_in_place_is_rewritten(tmp_path: Path) -> None:
    root = make_project(tmp_path / "site")
    assert build(root) == 0
    before = snapshot(root)
    page = root / "dist/ar/k0/index.html"
    with page.open("ab") as fh:  # in place: the same inode, a new size and time
        fh.write(b"<!-- edited by hand -->")
    (root / "dist/robots.txt").write_text("User-agent: *\nDisallow: /\n", encoding="utf-8")
    assert build(root) == 0
    assert snapshot(root) == before
    assert build(root) == 0
    assert snapshot(root) == before


def test_a_file_the_pipeline_never_wrote_stays_where_it_was_put(tmp_path: Path) -> None:
    root = make_project(tmp_path / "site")
    assert build(root) == 0
    (root / FOREIGN).write_text("hello", encoding="utf-8")
    for i in range(4):
        if i == 2:
            article = root / "content/en/k2.md"
            article.write_text(article.read_text(encoding="utf-8") + "\nMore.\n",
                               encoding="utf-8")
        assert build(root) == 0
        assert (root / FOREIGN).read_text(encoding="utf-8") == "hello"
    status, clean = clean_build(root, tmp_path / "clean")
    assert status == 0 and _without(snapshot(root), FOREIGN) == clean


HAND = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, 999)),
    st.tuples(st.just("edit"), st.integers(0, 999)),
    st.tuples(st.just("rmtree"), st.sampled_from(["dist/en", "dist/ar", "sitemap", "reports",
                                                  "dist/ar/k1"])),
    st.tuples(st.just("foreign"), st.sampled_from(["dist/en/x.txt", "dist/ar/k0/y.txt"])),
    st.tuples(st.just("article"), TEXT),
    st.tuples(st.just("uncatalog"), st.none()),
    st.tuples(st.just("catalog"), st.none()),
    st.tuples(st.just("state"), st.sampled_from(["unit", "source", "document",
                                                "published/output"])),
    st.tuples(st.just("build"), st.none()),
)
CATALOG = "locales/ar/LC_MESSAGES/messages.po"
MARKER = 'msgid "Articles"\nmsgstr "'


def _published(root: Path) -> list[Path]:
    return sorted(p for name in ("dist", "sitemap", "reports") if (root / name).is_dir()
                  for p in (root / name).rglob("*") if p.is_file())


def _apply(root: Path, op: tuple[str, object], foreign: set[str], good_po: str) -> None:
    import orjson

    from pipeline.engine import store
    kind, arg = op
    files = _published(root)
    if kind in ("delete", "edit") and files:
        pick = files[int(arg) % len(files)]  # type: ignore[call-overload]
        if pick.relative_to(root).as_posix() in foreign:
            return
        if kind == "delete":
            pick.unlink()
        else:
            with pick.open("ab") as fh:
                fh.write(b" by hand")
    elif kind == "rmtree":
        shutil.rmtree(root / str(arg), ignore_errors=True)
        foreign -= {f for f in foreign if f.startswith(f"{arg}/")}
    elif kind == "foreign" and (root / str(arg)).parent.is_dir():
        (root / str(arg)).write_text("mine", encoding="utf-8")
        foreign.add(str(arg))
    elif kind == "article":
        path = root / "content/en/k0.md"
        path.write_text(path.read_text(encoding="utf-8") + f"\n{arg}\n", encoding="utf-8")
    elif kind == "uncatalog":
        text = good_po
        start = text.index(MARKER) + len(MARKER)
        (root / CATALOG).write_text(text[:start] + text[text.index('"', start):],
                                    encoding="utf-8")
    elif kind == "catalog":
        (root / CATALOG).write_text(good_po, encoding="utf-8")
    elif kind == "state":
        store.forget_all()
        import sqlite3
        db = sqlite3.connect(root / ".cache/state.db")
        with db:
            db.execute("UPDATE rows SET value = ? WHERE kind = ?", (orjson.dumps([1]), arg))
        db.close()


@settings(max_examples=10, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(HAND, min_size=1, max_size=8))
def test_any_mix_of_hand_changes_failed_builds_and_bad_state_ends_as_a_clean_build(
        tmp_path_factory, operations) -> None:
    base = tmp_path_factory.mktemp("hand")
    root = make_project(base / "site")
    assert build(root) == 0
    good_po = (root / CATALOG).read_text(encoding="utf-8")
    foreign: set[str] = set()
    for op in operations:
        _apply(root, op, foreign, good_po)
        if op[0] == "build":
            build(root)
    (root / CATALOG).write_text(good_po, encoding="utf-8")
    assert build(root) == 0
    status, clean = clean_build(root, base / "clean")
    ours = snapshot(root)
    assert status == 0
    assert _without(ours, *foreign) == clean
    for name in foreign:
        assert ours[name] == b"mine"
    assert build(root) == 0 and snapshot(root) == ours  # and the next build keeps it so
