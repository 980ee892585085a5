"""The bad-input corpus: every malformed file gets its located finding, never a traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.content.load import load_site
from pipeline.core.model import StageResult
from pipeline.core.settings import load_settings
from pipeline.stages import metadata, validate

CORPUS = Path(__file__).parent / "bad_input"

# file -> (code, line, col) of the finding it must produce (each is the only error/warning).
EXPECTED: dict[str, tuple[str, int, int]] = {
    "alias_traversal.md": ("FM111", 9, 1),
    "aliases_not_list.md": ("FM102", 9, 1),
    "author_not_mapping.md": ("FM102", 6, 1),
    "binary.md": ("FM004", 1, 1),
    "bom.md": ("FM007", 1, 1),
    "cover_bad_port.md": ("FM109", 4, 1),
    "cover_bad_scheme.md": ("FM109", 4, 1),
    "crlf_bad_date.md": ("FM104", 5, 1),
    "expiry_before_date.md": ("FM214", 6, 1),
    "date_not_iso.md": ("FM104", 5, 1),
    "draft_not_bool.md": ("FM102", 9, 1),
    "duplicate_key.md": ("FM014", 9, 1),
    "empty.md": ("FM005", 1, 1),
    "excerpt_too_short_arabic.md": ("META002", 3, 1),
    "html_in_title.md": ("FM301", 2, 1),
    "invalid_utf8.md": ("FM003", 11, 6),
    "locale_mismatch.md": ("FM201", 9, 1),
    "missing_author_name.md": ("FM101", 6, 1),
    "missing_cover_file.md": ("FM204", 4, 1),
    "missing_title.md": ("FM101", 1, 1),
    "no_front_matter.md": ("FM010", 1, 1),
    "not_mapping_list.md": ("FM013", 2, 1),
    "not_mapping_scalar.md": ("FM013", 2, 1),
    "slug_bidi_override.md": ("FM105", 9, 1),
    "slug_slash.md": ("FM105", 9, 1),
    "slug_space.md": ("FM105", 9, 1),
    "slug_traversal.md": ("FM105", 9, 1),
    "tags_not_list.md": ("FM102", 9, 1),
    "title_empty.md": ("FM106", 2, 1),
    "title_is_number.md": ("FM102", 2, 1),
    "title_too_long.md": ("META001", 2, 1),
    "translation_key_invalid.md": ("FM107", 9, 1),
    "unclosed_front_matter.md": ("FM011", 1, 1),
    "unknown_field.md": ("FM103", 9, 1),
    "whitespace_only.md": ("FM005", 1, 1),
    "yaml_bad_indent.md": ("FM012", 3, 3),
    "yaml_bad_timestamp.md": ("FM012", 5, 7),
    "yaml_tab_indent.md": ("FM012", 4, 1),
    "yaml_unclosed_quote.md": ("FM012", 2, 8),
}


def test_corpus_is_complete() -> None:
    assert sorted(p.name for p in CORPUS.iterdir()) == sorted(EXPECTED)
    assert len(EXPECTED) >= 25


def _validate_one(make_site, name: str):  # type: ignore[no-untyped-def]
    """Validate, then (as the build does) the metadata lint when validate found no error."""
    root = make_site({f"content/en/{name}": (CORPUS / name).read_bytes()})
    site, _ = load_site(load_settings(root))
    result = validate.run(site)
    if result.errors:
        return result
    return StageResult("validate+metadata", result.findings + metadata.run(site).findings)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_gets_its_located_finding(make_site, name: str) -> None:
    result = _validate_one(make_site, name)
    located = [(f.code, f.line, f.col) for f in result.findings]
    assert located == [EXPECTED[name]]
    finding = result.findings[0]
    assert finding.path == f"content/en/{name}"
    assert finding.message and finding.severity.value in ("error", "warning")


@pytest.mark.parametrize("name", ["yaml_bad_indent.md", "invalid_utf8.md", "binary.md"])
def test_cli_reports_bad_file_without_traceback(make_site, name: str, capsys) -> None:
    root = make_site({f"content/en/{name}": (CORPUS / name).read_bytes()})
    assert main(["validate", "--root", str(root)]) == 1
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    assert f"content/en/{name}:{EXPECTED[name][1]}:{EXPECTED[name][2]}: error" in out.out


def test_warnings_only_exit_zero_and_strict_fails(make_site) -> None:
    name = "title_too_long.md"
    root = make_site({f"content/en/{name}": (CORPUS / name).read_bytes()})
    assert main(["metadata", "--root", str(root)]) == 0
    assert main(["metadata", "--root", str(root), "--strict"]) == 1


def test_over_long_title_is_reported_once(make_site, capsys) -> None:
    """One length rule, one finding: metadata's META001, not also validate's SEO001."""
    name = "title_too_long.md"
    root = make_site({f"content/en/{name}": (CORPUS / name).read_bytes()})
    assert main(["build", "--root", str(root), "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert out.count('"code": "META001"') == 1 and "SEO001" not in out


def test_file_over_size_limit(make_site) -> None:
    body = "---\ntitle: x\n---\n" + "a" * (5 * 1024 * 1024 + 1)
    result = _validate_one_text(make_site, "huge.md", body)
    assert [(f.code, f.line) for f in result.findings] == [("FM002", 1)]


def _validate_one_text(make_site, name: str, text: str):  # type: ignore[no-untyped-def]
    root = make_site({f"content/en/{name}": text})
    site, _ = load_site(load_settings(root))
    return validate.run(site)


def test_symlink_outside_content_is_refused(make_site, tmp_path: Path) -> None:
    outside = tmp_path / "secret.md"
    outside.write_text((CORPUS / "bom.md").read_text(encoding="utf-8-sig"), encoding="utf-8")
    root = make_site({})
    (root / "content/en").mkdir(parents=True)
    os.symlink(outside, root / "content/en/leak.md")
    site, _ = load_site(load_settings(root))
    result = validate.run(site)
    assert [(f.code, f.path) for f in result.findings] == [("FM006", "content/en/leak.md")]
    assert site.articles == ()


def test_duplicate_slugs_and_keys_name_every_file(make_site) -> None:
    from conftest import EN_ARTICLE

    root = make_site({"content/en/a.md": EN_ARTICLE, "content/en/b.md": EN_ARTICLE})
    result = validate.run(load_site(load_settings(root))[0])
    codes = sorted((f.code, f.path, f.line) for f in result.findings)
    assert codes == [("FM202", "content/en/a.md", 11), ("FM202", "content/en/b.md", 11),
                     ("FM203", "content/en/a.md", 12), ("FM203", "content/en/b.md", 12)]
    assert "content/en/a.md, content/en/b.md" in result.findings[0].message


def test_unknown_locale_tree_is_reported(make_site) -> None:
    from conftest import EN_ARTICLE

    root = make_site({"content/en/a.md": EN_ARTICLE, "content/fr/a.md": EN_ARTICLE})
    result = validate.run(load_site(load_settings(root))[0])
    assert [(f.code, f.path) for f in result.findings] == [("FM205", "content/fr")]


def test_every_error_reported_at_once_in_json(make_site, capsys) -> None:
    files = {f"content/en/{n}": (CORPUS / n).read_bytes()
             for n in ("empty.md", "slug_slash.md", "missing_title.md", "yaml_tab_indent.md")}
    root = make_site(files)
    assert main(["validate", "--root", str(root), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["summary"]["errors"] == 4
    assert {f["code"] for f in report["findings"]} == {"FM005", "FM105", "FM101", "FM012"}
    on_disk = json.loads((root / "reports/validate.json").read_text(encoding="utf-8"))
    assert on_disk == report


def test_github_format_annotations(make_site, capsys) -> None:
    root = make_site({"content/en/slug_slash.md": (CORPUS / "slug_slash.md").read_bytes()})
    main(["validate", "--root", str(root), "--format", "github"])
    line = capsys.readouterr().out.strip()
    assert line.startswith("::error file=content/en/slug_slash.md,line=9,col=1,title=FM105::")


def test_schema_error_does_not_hide_the_files_other_problems(make_site) -> None:
    """'author' of the wrong type used to hide the long title, the locale mismatch and the
    missing cover until it was fixed: one run must report all of them."""
    text = ('---\ntitle: "' + "A title far too long for any search result page to show " * 2
            + '"\nexcerpt: "short"\ncoverImage: "/assets/blog/absent.jpg"\n'
            'date: "2025-07-01"\nauthor: Editorial Team\nlocale: ar\ntags: 3\n---\nBody.\n')
    result = _validate_one_text(make_site, "several.md", text)
    located = sorted((f.code, f.line) for f in result.findings)
    assert located == [("FM102", 6), ("FM102", 8), ("FM201", 7), ("FM204", 4),
                       ("META001", 2), ("META002", 3)]
    fm102 = next(f for f in result.findings if f.line == 6)
    assert fm102.message.startswith("'author' must be a mapping")
    assert 'author: {name: "Editorial Team"' in fm102.hint


def test_hints_name_no_file_a_user_lacks(make_site) -> None:
    """Hints show an example line instead of a path inside the package."""
    root = make_site({f"content/en/{name}": (CORPUS / name).read_bytes() for name in EXPECTED})
    findings = validate.run(load_site(load_settings(root))[0]).findings
    assert len(findings) >= len(EXPECTED) - 2  # the two length files are metadata's
    for finding in findings:
        assert "schemas/" not in finding.hint and ".json" not in finding.hint, finding
    assert [f.hint for f in findings if f.path.endswith("/missing_title.md")] == [
        'add a line such as  title: "Laser Skin Resurfacing: A High-Tech Approach"']


def test_author_picture_is_optional(make_site, capsys) -> None:
    from conftest import EN_ARTICLE

    text = EN_ARTICLE.replace('  picture: "/assets/authors/team.jpeg"\n', "")
    root = make_site({"content/en/laser-basics.md": text})
    assert main(["build", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert "FM101" not in out and "author.picture" not in out
    bundle = json.loads((root / "dist/en/laser-basics/article.json").read_text("utf-8"))
    assert bundle["frontMatter"]["author"] == {"name": "Editorial Team"}
    page = (root / "dist/en/laser-basics/index.html").read_text("utf-8")
    ld = json.loads(page.split('<script type="application/ld+json">')[1].split("</script>")[0])
    authors = [node["author"] for node in ld.get("@graph", [ld]) if "author" in node]
    assert authors and all("image" not in a and a["name"] == "Editorial Team"
                           for a in (x[0] if isinstance(x, list) else x for x in authors))
