"""The links stage end to end: internal links, reports, formats, exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest
from links_support import article, by_url, read_report
from lxml import etree
from pytest_httpserver import HTTPServer

from pipeline.cli import main

AR_SLUG = "تقشير-البشرة"


def _internal_project(project):  # type: ignore[no-untyped-def]
    body = "\n\n".join([
        "[page](/en/b/)", f"[arabic encoded](/ar/{quote(AR_SLUG)}/)",
        f"[arabic raw](</ar/{AR_SLUG}/>)", "[relative](../b/)", "[typo](/en/bb/)",
        "[image](/img/cover.jpg)", "[missing image](/img/missing.png)", "[source](b.md)",
        f"[other locale](../ar/{AR_SLUG}.md)",
        "[mail](mailto:someone@example.org)", "[same page](#top)",
        "[own host](https://example.org/en/b/)", "[escape](/../../etc/passwd)",
    ])
    return project({"en/a.md": article("a", body), "en/b.md": article("b", "B."),
                    f"ar/{AR_SLUG}.md": article(AR_SLUG, "نص.", locale="ar", key="b")})


def test_internal_links_are_checked_offline(project) -> None:  # type: ignore[no-untyped-def]
    root = _internal_project(project)
    assert main(["links", "--root", str(root), "--allow-private"]) == 1
    report = read_report(root)
    links = by_url(report)
    assert links["/en/b/"]["state"] == "ok"
    assert len(links["/en/b/"]["sources"]) == 3  # absolute, relative and own-host forms
    assert links[f"/ar/{quote(AR_SLUG)}/"]["state"] == "ok"
    assert len(links[f"/ar/{quote(AR_SLUG)}/"]["sources"]) == 2
    assert links["/img/cover.jpg"]["state"] == "ok"
    assert links["content/en/b.md"]["state"] == "ok"
    assert links[f"content/ar/{AR_SLUG}.md"]["state"] == "ok"
    codes = sorted((f["code"], f["message"]) for f in report["findings"])
    assert [c for c, _ in codes] == ["LNK010", "LNK011", "LNK011"]
    typo = [f for f in report["findings"] if f["code"] == "LNK010"][0]
    assert "/en/b/" in typo["hint"]
    assert report["data"]["summary"]["external"] == 1  # mailto:, skipped
    assert links["mailto:someone@example.org"]["state"] == "skipped"


def test_report_is_byte_identical_across_runs(project) -> None:  # type: ignore[no-untyped-def]
    root = _internal_project(project)
    main(["links", "--root", str(root)])
    first = (root / "reports" / "links.json").read_bytes()
    main(["links", "--root", str(root)])
    assert (root / "reports" / "links.json").read_bytes() == first


def test_clean_site_exits_zero(project, server: HTTPServer) -> None:  # type: ignore[no-untyped-def]
    server.expect_request("/fine").respond_with_data("ok")
    root = project({"en/a.md": article("a", f"[x]({server.url_for('/fine')})")})
    assert main(["links", "--root", str(root), "--no-cache"]) == 0
    assert read_report(root)["ok"] is True


def test_markdown_format_and_junit(project, server: HTTPServer, capsys) -> None:  # type: ignore[no-untyped-def]
    server.expect_request("/fine").respond_with_data("ok")
    bad = server.url_for("/" + quote("مفقود"))
    body = f"[x]({server.url_for('/fine')})\n\n[y]({bad})"
    root = project({"en/a.md": article("a", body)})
    junit = root / "out" / "links.xml"
    code = main(["links", "--root", str(root), "--no-cache", "--format", "markdown",
                 "--junit", str(junit)])
    assert code == 1
    out = capsys.readouterr().out
    assert out.startswith("## Links: broken links found")
    assert "### `content/en/a.md`" in out
    assert f"{bad} ({server.url_for('/مفقود')})" in out  # encoded and decoded side by side
    tree = etree.parse(str(junit))
    suite = tree.find("testsuite")
    assert suite is not None and suite.get("failures") == "1"
    failed = [c for c in suite.iter("testcase") if c.find("failure") is not None]
    assert [c.get("name") for c in failed] == [server.url_for("/مفقود")]
    assert "content/en/a.md:" in failed[0].findtext("failure")


def test_json_console_format(project, capsys) -> None:  # type: ignore[no-untyped-def]
    root = _internal_project(project)
    main(["links", "--root", str(root), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert data["stage"] == "links" and data["summary"]["errors"] == 3
    assert {f["code"] for f in data["findings"]} == {"LNK010", "LNK011"}


def test_progress_bar_only_on_stderr(project, server: HTTPServer, capsys) -> None:  # type: ignore[no-untyped-def]
    server.expect_request("/fine").respond_with_data("ok")
    root = project({"en/a.md": article("a", f"[x]({server.url_for('/fine')})")})
    main(["links", "--root", str(root), "--no-cache", "--progress", "always"])
    captured = capsys.readouterr()
    assert "links [" in captured.err and "links [" not in captured.out
    main(["links", "--root", str(root), "--no-cache"])  # not a terminal: no bar
    assert "links [" not in capsys.readouterr().err


def test_exclude_pattern_skips_the_request(project, server: HTTPServer) -> None:  # type: ignore[no-untyped-def]
    root = project({"en/a.md": article("a", f"[x]({server.url_for('/skip-me')})")},
                   {"exclude": ["/skip-"]})
    assert main(["links", "--root", str(root), "--no-cache"]) == 0
    assert server.log == []
    assert by_url(read_report(root))[server.url_for("/skip-me")]["state"] == "excluded"


def test_offline_flag_checks_only_internal_links(project, server: HTTPServer) -> None:  # type: ignore[no-untyped-def]
    root = project({"en/a.md": article("a", f"[x]({server.url_for('/x')})\n\n[y](/en/a/)")})
    assert main(["links", "--root", str(root), "--offline"]) == 0
    assert server.log == []


@pytest.mark.parametrize("args", [
    ["--workers", "0"], ["--timeout", "-1"], ["--exclude", "("], ["--no-such-flag"],
])
def test_usage_errors_exit_2(project, args: list[str], capsys) -> None:  # type: ignore[no-untyped-def]
    root = project({"en/a.md": article("a", "no links")})
    with pytest.raises(SystemExit) as raised:
        raise SystemExit(main(["links", "--root", str(root), *args]))
    assert raised.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_bad_links_settings_exit_2(project) -> None:  # type: ignore[no-untyped-def]
    root = project({"en/a.md": article("a", "x")}, {"workers": "many"})
    assert main(["links", "--root", str(root)]) == 2


def test_unparseable_url_is_a_finding(project) -> None:  # type: ignore[no-untyped-def]
    root = project({"en/a.md": article("a", "[x](http://[::1/bad)\n\n[y](https://a.example:99999/)")})
    assert main(["links", "--root", str(root), "--no-cache"]) == 1
    codes = [f["code"] for f in read_report(root)["findings"]]
    assert codes.count("LNK007") == 2


def test_html_href_with_spaces_is_warned(project, server: HTTPServer) -> None:  # type: ignore[no-untyped-def]
    server.expect_request("/a b (1).jpg").respond_with_data("img")
    raw = f"http://127.0.0.1:{server.port}/a b (1).jpg"
    root = project({"en/a.md": article("a", f'<a href="{raw}">x</a>\n\n[y](<{raw}>)')})
    assert main(["links", "--root", str(root), "--no-cache"]) == 0
    warnings = [f for f in read_report(root)["findings"] if f["code"] == "LNK023"]
    assert len(warnings) == 1  # the HTML attribute; the <...> Markdown form is legal
    assert len(server.log) == 1
    assert server.log[0][0].environ["REQUEST_URI"] == "/a%20b%20(1).jpg"


def test_cache_dir_from_settings(project, server: HTTPServer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server.expect_request("/c").respond_with_data("ok")
    root = project({"en/a.md": article("a", f"[x]({server.url_for('/c')})")})
    main(["links", "--root", str(root)])
    assert (root / ".cache" / "links.sqlite3").is_file()


def test_fragments_of_internal_articles_checked_against_heading_ids(project) -> None:  # type: ignore[no-untyped-def]
    heading = "ما هو الليزر؟"
    body = "\n\n".join([
        "[section](/en/b/#how-it-works)", "[gone](/en/b/#no-such-part)",
        f"[arabic encoded](/ar/{quote(AR_SLUG)}/#{quote('ما-هو-الليزر')})",
        f"[arabic raw](</ar/{AR_SLUG}/#ما-هو-الليزر>)", f"[arabic gone](</ar/{AR_SLUG}/#لا-شيء>)",
    ])
    root = project({"en/a.md": article("a", body),
                    "en/b.md": article("b", "## How it works\n\nB."),
                    f"ar/{AR_SLUG}.md": article(AR_SLUG, f"## {heading}\n\nنص.", locale="ar",
                                                key="b")})
    assert main(["links", "--root", str(root)]) == 1
    report = read_report(root)
    missing = sorted(f["message"] for f in report["findings"] if f["code"] == "LNK005")
    assert len(missing) == 2
    assert any("'#no-such-part'" in m for m in missing)
    assert any("'#لا-شيء'" in m for m in missing)
    assert [f["code"] for f in report["findings"]] == ["LNK005", "LNK005"]


def test_same_page_fragments_are_checked_too(project) -> None:  # type: ignore[no-untyped-def]
    body = "## Aftercare\n\n[ok](#aftercare) [missing](#after-care) [top](#top)"
    root = project({"en/a.md": article("a", body)})
    assert main(["links", "--root", str(root)]) == 1
    report = read_report(root)
    assert [(f["code"], "'#after-care'" in f["message"]) for f in report["findings"]] == [
        ("LNK005", True)]


def test_console_counts_name_their_units(project, capsys) -> None:  # type: ignore[no-untyped-def]
    """One broken link used twice: '1 broken' (unique links) beside '2 error(s)' (places)
    is explained on the console, so the two counts agree."""
    root = project({"en/a.md": article("a", "[one](/en/gone/)\n\n[two](/en/gone/)"),
                    "en/b.md": article("b", "[fine](/en/a/)")})
    assert main(["links", "--root", str(root)]) == 1
    out = capsys.readouterr().out
    assert "9 link(s) in the articles, 4 unique (0 external, 4 internal); unique links by " \
           "state: 1 broken, 3 ok" in out  # with the covers and author pictures
    assert "1 unique link(s) with a problem (a state above or a missing #fragment), used at " \
           "2 place(s): each place is one finding" in out
    assert "links: FAILED: 2 error(s), 0 warning(s)" in out
