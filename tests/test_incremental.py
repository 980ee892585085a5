"""Incremental builds are correct: after any sequence of edits, additions, renames
(with and without aliases), deletions, translation, catalog, image and configuration
changes, the incremental build's output (pages, JSON, sitemaps, reports) is
byte-identical to a clean build of the same input, and so are the exit status and
findings."""

from __future__ import annotations

import argparse
import json
import re
import shutil
from pathlib import Path

from conftest import REPO, SITE_TOML, write_image
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline.engine import resident
from pipeline.runner import build_project

OUTPUTS = ("dist", "sitemap", "reports")
# Small pages, feeds and related lists, so an edit moves articles between pages, tags,
# feeds and related lists.
SITE = SITE_TOML + """
[bundles]
per_page = 2
related = 2
search = true

[feeds]
entries = 3

[tags]
names = ["ar:laser=ليزر"]

[redirects]
detect = false  # it compares with the last published site: a clean build has none
"""
TAG_SETS = [["laser", "skin"], ["laser"], ["skin", "care"]]
TAG = st.lists(st.sampled_from(["laser", "skin", "ليزر", "عناية"]), max_size=3, unique=True)
WORDS = st.sampled_from(["laser", "skin", "care", "light", "ليزر", "بشرة", "عناية", "ضوء"])
TEXT = st.lists(WORDS, min_size=1, max_size=6).map(" ".join)


def article(locale: str, key: str, title: str, body: str, cover: str = "a",
            tags: list[str] | None = None) -> str:
    excerpt = f"An excerpt that is long enough to be a good meta description for {key}."
    listed = ", ".join(f'"{t}"' for t in (TAG_SETS[0] if tags is None else tags))
    return (f'---\ntitle: "{title} {key}"\nexcerpt: "{excerpt}"\n'
            f'coverImage: "/assets/{cover}.jpeg"\ndate: "2025-07-01T05:35:07Z"\n'
            f'author:\n  name: Team\n  picture: "/assets/team.jpeg"\n'
            f"tags: [{listed}]\n"
            f"translationKey: {key}\n---\n\n## Part one\n\n{body}\n\n![figure](/assets/b.jpeg)\n")


def make_project(root: Path) -> Path:
    (root / "content/en").mkdir(parents=True)
    (root / "content/ar").mkdir(parents=True)
    (root / "site.toml").write_text(SITE, encoding="utf-8")
    shutil.copytree(REPO / "locales", root / "locales")
    for name in ("a", "b"):
        write_image(root / f"public/assets/{name}.jpeg")
    write_image(root / "public/assets/team.jpeg", (400, 400))
    for i in range(3):
        for locale in ("en", "ar"):
            (root / f"content/{locale}/k{i}.md").write_text(
                article(locale, f"k{i}", "Title", "Some body text."), encoding="utf-8")
    return root


def files_of(root: Path) -> list[Path]:
    return sorted(p for p in (root / "content").rglob("*.md"))


OPERATION = st.one_of(
    st.tuples(st.just("body"), st.integers(0, 99), TEXT),
    st.tuples(st.just("title"), st.integers(0, 99), TEXT),
    st.tuples(st.just("add"), st.sampled_from(["en", "ar"]), st.integers(0, 6)),
    st.tuples(st.just("delete"), st.integers(0, 99), st.none()),
    st.tuples(st.just("rename"), st.integers(0, 99), st.integers(0, 9)),
    st.tuples(st.just("break"), st.integers(0, 99), st.none()),
    st.tuples(st.just("cover"), st.integers(0, 99), st.sampled_from(["a", "b"])),
    st.tuples(st.just("image"), st.sampled_from(["a", "b"]), st.integers(600, 1300)),
    st.tuples(st.just("catalog"), st.none(), TEXT),
    st.tuples(st.just("uncatalog"), st.none(), st.none()),  # BN303: the build fails
    st.tuples(st.just("badimage"), st.sampled_from(["a", "b"]), st.none()),
    st.tuples(st.just("config"), st.none(), TEXT),
    st.tuples(st.just("build"), st.none(), st.none()),
    st.tuples(st.just("tags"), st.integers(0, 99), TAG),
    st.tuples(st.just("date"), st.integers(0, 99), st.integers(1, 28)),
    st.tuples(st.just("per_page"), st.none(), st.integers(1, 4)),
    st.tuples(st.just("mv"), st.integers(0, 99), st.integers(0, 4)),  # rename, keep alias
    st.tuples(st.just("alias"), st.integers(0, 99), st.integers(0, 4)),
    st.tuples(st.just("unalias"), st.integers(0, 99), st.none()),
    # content analysis: the keyphrase, health fields (JSON-LD @graph) and thresholds
    st.tuples(st.just("front"), st.integers(0, 99), TEXT.map(lambda t: f'keyphrase: "{t}"')),
    st.tuples(st.just("front"), st.integers(0, 99), st.sampled_from([
        'about: "Laser care"', 'reviewedBy: {name: "Medical Team", type: Organization}'])),
    st.tuples(st.just("analyze"), st.none(), st.integers(1, 40)),
)


def set_aliases(path: Path, add: str | None) -> None:
    """Add ``add`` to the file's ``aliases`` (or drop them all when None)."""
    from pipeline.content.frontmatter_edit import set_field

    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n") or "\n---\n" not in text[3:]:
        return  # a broken file ("break") stays broken
    found = re.search(r"^aliases: (\[.*\])$", text, re.M)
    aliases = [a for a in json.loads(found.group(1))] if found else []
    if add is None:
        text = re.sub(r"^aliases: .*\n", "", text, flags=re.M)
    else:
        text = set_field(text, "aliases", json.dumps([*aliases, add], ensure_ascii=False))
    path.write_text(text, encoding="utf-8")


def apply(root: Path, op: tuple[str, object, object]) -> None:
    kind, a, b = op
    files = files_of(root)
    pick = files[a % len(files)] if files and isinstance(a, int) else None
    if kind == "body" and pick:
        pick.write_text(pick.read_text(encoding="utf-8") + f"\n{b}\n", encoding="utf-8")
    elif kind == "title" and pick:
        text = pick.read_text(encoding="utf-8")
        head, _, rest = text.partition('title: "')
        pick.write_text(f'{head}title: "{b} {rest}', encoding="utf-8")
    elif kind == "add":
        path = root / f"content/{a}/n{b}.md"
        path.write_text(article(str(a), f"n{b}", "New", "Fresh text.",
                                tags=TAG_SETS[int(b) % len(TAG_SETS)]),  # type: ignore[call-overload]
                        encoding="utf-8")
    elif kind == "delete" and pick and len(files) > 1:
        pick.unlink()
    elif kind == "rename" and pick:
        target = pick.with_name(f"r{b}.md")
        if not target.exists():
            pick.rename(target)
    elif kind == "break" and pick:
        pick.write_text("---\ntitle: [\n---\n", encoding="utf-8")
    elif kind == "cover" and pick:
        text = pick.read_text(encoding="utf-8")
        if "coverImage" in text:
            start = text.index("coverImage")
            end = text.index("\n", start)
            pick.write_text(f'{text[:start]}coverImage: "/assets/{b}.jpeg"{text[end:]}',
                            encoding="utf-8")
    elif kind == "image":
        write_image(root / f"public/assets/{a}.jpeg", (int(b), 630))  # type: ignore[call-overload]
    elif kind in ("catalog", "uncatalog"):
        po = root / "locales/ar/LC_MESSAGES/messages.po"
        text = po.read_text(encoding="utf-8")
        marker = 'msgid "Articles"\nmsgstr "'
        start = text.index(marker) + len(marker)
        end = text.index('"', start)
        po.write_text(text[:start] + (str(b) if b else "") + text[end:], encoding="utf-8")
    elif kind == "badimage":
        (root / f"public/assets/{a}.jpeg").write_bytes(b"not an image")
    elif kind == "config":
        config = root / "site.toml"
        config.write_text(SITE.replace('name = "Test Site"', f'name = "{b}"'),
                          encoding="utf-8")
    elif kind in ("tags", "date") and pick:
        key = "tags: " if kind == "tags" else "date: "
        value = (f"[{', '.join(repr(t) for t in b)}]" if kind == "tags"  # type: ignore[attr-defined]
                 else f'"2025-06-{b:02d}T08:00:00Z"')
        text = pick.read_text(encoding="utf-8")
        if key in text:
            start = text.index(key)
            end = text.index("\n", start)
            pick.write_text(f"{text[:start]}{key}{value}{text[end:]}", encoding="utf-8")
    elif kind == "mv" and pick:  # what ``seo-pipeline mv`` does to a file without slug:
        target = pick.with_name(f"m{b}.md")
        if not target.exists():
            pick.rename(target)
            set_aliases(target, f"/{pick.parent.name}/{pick.stem}/")
    elif kind == "alias" and pick:
        set_aliases(pick, f"/{'en' if b % 2 else 'ar'}/old-{b}/")  # type: ignore[operator]
    elif kind == "unalias" and pick:
        set_aliases(pick, None)
    elif kind == "front" and pick:
        text = pick.read_text(encoding="utf-8")
        line = f"{b}\n"
        if "translationKey:" in text and line.split(":")[0] + ":" not in text:
            pick.write_text(text.replace("translationKey:", f"{line}translationKey:", 1),
                            encoding="utf-8")
    elif kind == "analyze":
        config = root / "site.toml"
        text = config.read_text(encoding="utf-8")
        text = re.sub(r"\[analyze\]\nwords_min = \d+\n", "", text)
        config.write_text(f"{text}\n[analyze]\nwords_min = {b}\n", encoding="utf-8")
    elif kind == "per_page":
        config = root / "site.toml"
        text = config.read_text(encoding="utf-8")
        config.write_text(re.sub(r"per_page = \d+", f"per_page = {b}", text), encoding="utf-8")


def build(root: Path, force: bool = False) -> int:
    options = argparse.Namespace(jobs=1, format="human", strict=False, force=force)
    results = build_project(root, None, options).results
    return int(any(r.errors for r in results))


def snapshot(root: Path) -> dict[str, bytes]:
    found = {}
    for name in OUTPUTS:
        for path in sorted((root / name).rglob("*")) if (root / name).is_dir() else []:
            if path.is_file():
                found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def clean_build(source: Path, target: Path) -> tuple[int, dict[str, bytes]]:
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for name in ("content", "public", "locales"):
        shutil.copytree(source / name, target / name)
    shutil.copy(source / "site.toml", target / "site.toml")
    with resident.kept(False):  # as a fresh process builds it
        status = build(target)
    return status, snapshot(target)


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(st.lists(OPERATION, min_size=1, max_size=7), st.booleans())
@example([("front", 0, 'about: "Laser care"'), ("build", None, None),
          ("front", 1, 'keyphrase: "skin care"'), ("analyze", None, 5)], True)
def test_incremental_output_equals_a_clean_build(tmp_path_factory, operations,
                                                 keeping: bool) -> None:
    """Builds one after another, each as a command (``keeping`` off) or in one process
    that keeps what each build derived, as ``serve --watch`` does (on), end byte for byte
    where a clean build of the same input does."""
    with resident.kept(keeping):
        _sequence_equals_a_clean_build(tmp_path_factory, operations)


def _sequence_equals_a_clean_build(tmp_path_factory, operations) -> None:
    base = tmp_path_factory.mktemp("inc")
    root = make_project(base / "site")
    assert build(root) == 0
    for op in operations:
        apply(root, op)
        if op[0] == "build":
            build(root)
    status = build(root)
    clean_status, clean = clean_build(root, base / "clean")
    assert status == clean_status
    ours = snapshot(root)
    if status == 0:
        assert "reports/index.html" in clean  # the site health report is an output too
        assert ours == clean
    else:  # a failing build publishes its reports; the site output stays the last good one
        reports = {k: v for k, v in ours.items() if k.startswith("reports/")}
        assert reports.keys() == {k for k in clean if k.startswith("reports/")}
        for name, data in reports.items():
            assert data == clean[name], name


def test_force_rebuilds_everything_and_gives_the_same_bytes(tmp_path: Path) -> None:
    root = make_project(tmp_path / "site")
    assert build(root) == 0
    before = snapshot(root)
    (root / "dist/en/k0/index.html").write_text("tampered", encoding="utf-8")
    assert build(root, force=True) == 0
    assert snapshot(root) == before


def test_deleted_output_folder_is_rebuilt(tmp_path: Path) -> None:
    root = make_project(tmp_path / "site")
    assert build(root) == 0
    before = snapshot(root)
    shutil.rmtree(root / "dist")
    assert build(root) == 0
    assert snapshot(root) == before


def test_code_fingerprint_covers_templates_static_files_and_code(tmp_path: Path) -> None:
    """A template, stylesheet or module change rebuilds everything: every unit's and
    cache's fingerprint starts from the code's, which reads every file of the package."""
    from pipeline.engine.fingerprint import PACKAGE, code, code_of

    package = tmp_path / "pipeline"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    assert code_of(package) == code()
    seen = {code()}
    for rel in ("render/templates/article.html", "render/static/site.css", "seo/metadata.py"):
        with (package / rel).open("a", encoding="utf-8") as fh:
            fh.write("\n")
        seen.add(code_of(package))
    assert len(seen) == 4


def test_a_tag_edit_renders_only_the_list_pages_it_changes(tmp_path: Path, monkeypatch) -> None:
    """Each list page is re-rendered only when what it shows changed: removing one tag of
    en/k0 touches the first pages of the index and of both its tags, nothing in Arabic."""
    from pipeline.render import pages

    root = make_project(tmp_path / "site")
    assert build(root) == 0
    rendered: list[tuple[str, str, int]] = []
    real = pages.list_page

    def spy(site, kit, part):  # type: ignore[no-untyped-def]
        rendered.append((kit.locale.code, part.tag.slug if part.tag else "", part.page))
        return real(site, kit, part)

    monkeypatch.setattr(pages, "list_page", spy)
    assert build(root) == 0
    assert rendered == []  # nothing changed: every list page kept
    apply(root, ("tags", 3, ["laser"]))  # en/k0.md (after ar/k0-k2): laser, skin -> laser
    assert build(root) == 0
    assert sorted(rendered) == [("en", "", 1), ("en", "laser", 1), ("en", "skin", 1)]
    assert not (root / "dist/en/tags/skin/page/2").exists()  # skin now lists k1, k2
    _, clean = clean_build(root, tmp_path / "clean")
    assert snapshot(root) == clean


def test_aliases_added_moved_and_removed_equal_a_clean_build(tmp_path: Path) -> None:
    """Each redirect output follows its aliases: a rename with an alias, a second alias,
    one shadowing a live page (RD002, a failed build), and all removed again."""
    root = make_project(tmp_path / "site")
    assert build(root) == 0
    steps = [(("mv", 3, 1), 0), (("alias", 0, 1), 0), (("alias", 1, 2), 0),
             (("alias", 2, None), 0), (("unalias", 0, None), 0)]
    for op, expected in steps:
        if op[0] == "alias" and op[2] is None:  # an alias over a live page: RD002
            set_aliases(files_of(root)[2], "/en/k0/")
            assert build(root) == 1
            set_aliases(files_of(root)[2], None)
        else:
            apply(root, op)  # type: ignore[arg-type]
        assert build(root) == expected
        status, clean = clean_build(root, tmp_path / "clean")
        assert status == expected and snapshot(root) == clean, op
    assert (root / "dist/_redirects").exists()
    for path in files_of(root):
        set_aliases(path, None)
    assert build(root) == 0
    assert not (root / "dist/_redirects").exists()
    assert snapshot(root) == clean_build(root, tmp_path / "clean")[1]
