"""Link extraction with exact ``file:line:col`` for every syntax."""

from __future__ import annotations

from pathlib import Path

from links_support import article, make_project

from pipeline.content.load import load_site
from pipeline.core.settings import load_settings
from pipeline.links.extract import extract
from pipeline.links.targets import collect

BODY = """Intro with [inline](https://a.example/one) and
a second line with <https://a.example/auto> here.

A [reference][ref] and ![image](/img/md.jpg "t").

| col | link |
|---|---|
| x | [cell](https://a.example/table) |

<div class="box">
  <p><a href="https://a.example/html-block">x</a></p>
  <img src="/img/other.jpg">
</div>

Inline <a href="https://a.example/html-inline">raw</a> html.

[ref]: https://a.example/ref
"""


def _site(tmp_path: Path, files: dict[str, str]):  # type: ignore[no-untyped-def]
    root = make_project(tmp_path, files)
    site, _ = load_site(load_settings(root))
    return root, site


def _line_of(root: Path, name: str, needle: str) -> tuple[int, int]:
    lines = (root / "content" / name).read_text(encoding="utf-8").split("\n")
    for number, line in enumerate(lines, 1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(needle)


def test_every_syntax_with_its_position(tmp_path: Path) -> None:
    root, site = _site(tmp_path, {"en/a.md": article("a", BODY)})
    found = {o.raw: o.source for o in extract(site.articles[0])}
    expected = {
        "https://a.example/one": "markdown", "https://a.example/auto": "autolink",
        "https://a.example/ref": "markdown", "/img/md.jpg": "image",
        "https://a.example/table": "markdown", "https://a.example/html-block": "html",
        "/img/other.jpg": "html", "https://a.example/html-inline": "html",
    }
    for raw, kind in expected.items():
        source = found[raw]
        needle = raw if raw != "https://a.example/ref" else "[reference][ref]"
        line, col = _line_of(root, "en/a.md", needle if kind != "image" else "![image]")
        assert (source.line, source.kind) == (line, kind), raw
        if kind not in ("image",) and raw != "https://a.example/ref":
            assert source.col == col, raw


def test_front_matter_fields_are_located(tmp_path: Path) -> None:
    root, site = _site(tmp_path, {"en/a.md": article("a", "No links.")})
    sources = [(o.raw, o.source.line, o.source.kind) for o in extract(site.articles[0])]
    cover_line, _ = _line_of(root, "en/a.md", "coverImage:")
    picture_line, _ = _line_of(root, "en/a.md", "picture:")
    og_line, _ = _line_of(root, "en/a.md", "  url:")
    assert sources == [("/img/cover.jpg", cover_line, "frontmatter"),
                       ("/img/cover.jpg", og_line, "frontmatter"),
                       ("/img/a.jpg", picture_line, "frontmatter")]


def test_identical_targets_are_grouped_with_all_sources(tmp_path: Path) -> None:
    body = ("[a](https://a.example/حقن)\n\n[b](https://A.example:443/%d8%ad%d9%82%d9%86#x)\n\n"
            "[c](https://a.example/%D8%AD%D9%82%D9%86)")
    _, site = _site(tmp_path, {"en/a.md": article("a", body),
                               "en/b.md": article("b", "[d](https://a.example/حقن#y)")})
    links = [(a, o) for a in site.articles for o in extract(a)]
    targets = collect(site, links)
    external = [t for t in targets.values() if not t.internal]
    assert len(external) == 1
    (target,) = external
    assert len(target.occurrences) == 4
    assert target.fragments == {"x", "y"}
    assert {o.source.path for o in target.occurrences} == {"content/en/a.md", "content/en/b.md"}
