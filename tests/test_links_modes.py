"""Inputs of the links stage: .linkignore, --files, --changed-since, --built with --remap,
--sitemap (index, gzip, URL), all against real loopback servers."""

from __future__ import annotations

import gzip
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from links_support import article, by_url, read_report
from pytest_httpserver import HTTPServer

from pipeline.cli import main

ARABIC_ID = "مقدمة"


def run_links(root: Path, *flags: str) -> int:
    return main(["links", "--root", str(root), "--no-cache", *flags])


def paths(server: HTTPServer) -> list[str]:
    return sorted(req.path for req, _ in server.log)


def test_linkignore_patterns_and_comments_merge_with_exclude(project, server) -> None:
    server.expect_request("/kept").respond_with_data("ok")
    body = "\n\n".join(f"[{n}]({server.url_for('/' + n)})" for n in ("kept", "skip-a", "skip-b"))
    root = project({"en/a.md": article("a", body)}, {"exclude": ["skip-b"]})
    (root / ".linkignore").write_text("# staging pages\n\n  /skip-a$  \n", encoding="utf-8")
    assert run_links(root) == 0
    links = by_url(read_report(root))
    assert links[server.url_for("/skip-a")]["state"] == "excluded"
    assert links[server.url_for("/skip-b")]["state"] == "excluded"
    assert paths(server) == ["/kept"]


def test_a_bad_linkignore_pattern_is_a_located_usage_error(project, capsys) -> None:
    root = project({"en/a.md": article("a", "x")})
    (root / ".linkignore").write_text("# ok\nfine\n(unclosed\n", encoding="utf-8")
    assert run_links(root) == 2
    err = capsys.readouterr().err
    assert ".linkignore:3:1" in err and "CF101" in err and "Traceback" not in err


def _two_articles(project, server):  # type: ignore[no-untyped-def]
    return project({
        "en/a.md": article("a", f"[x]({server.url_for('/from-a')})\n\n[b](/en/b/)"),
        "en/b.md": article("b", f"[y]({server.url_for('/from-b')})"),
    })


def test_files_checks_only_those_articles_against_the_whole_site(project, server) -> None:
    server.expect_request("/from-a").respond_with_data("ok")
    root = _two_articles(project, server)
    assert run_links(root, "--files", str(root / "content/en/a.md")) == 0
    report = read_report(root)
    assert paths(server) == ["/from-a"]
    assert by_url(report)["/en/b/"]["state"] == "ok"  # b is not checked, but it exists
    assert report["data"]["input"] == "files"


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t", *args],
                   check=True, capture_output=True)


def test_changed_since_checks_articles_changed_since_the_ref(project, server) -> None:
    server.expect_request("/from-b").respond_with_data("ok")
    server.expect_request("/new").respond_with_data("ok")
    root = _two_articles(project, server)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "start")
    _git(root, "checkout", "-qb", "topic")
    b = root / "content/en/b.md"
    b.write_text(b.read_text(encoding="utf-8") + f"\n[n]({server.url_for('/new')})\n",
                 encoding="utf-8")
    _git(root, "commit", "-qam", "edit b")
    assert run_links(root, "--changed-since", "main", "--format", "github") == 0
    assert paths(server) == ["/from-b", "/new"]
    assert read_report(root)["data"]["summary"]["occurrences"] == 5  # b: 3 front matter + 2


def test_changed_since_an_unknown_ref_is_a_usage_error(project, server, capsys) -> None:
    root = _two_articles(project, server)
    _git(root, "init", "-q")
    assert run_links(root, "--changed-since", "no-such-ref") == 2
    assert "LNK050" in capsys.readouterr().err


def test_github_annotations_point_at_the_broken_line(project, server, capsys) -> None:
    root = project({"en/a.md": article("a", f"text\n\n[gone]({server.url_for('/gone')})")})
    assert run_links(root, "--files", "content/en/a.md", "--format", "github") == 1
    out = capsys.readouterr().out
    assert "::error file=content/en/a.md,line=" in out and "LNK001" in out


def _built_site(root: Path, server: HTTPServer) -> None:
    dist = root / "dist"
    (dist / "en" / "b").mkdir(parents=True)
    (dist / "ar" / "مقال").mkdir(parents=True)
    (dist / "static").mkdir(parents=True)
    (dist / "static" / "site.css").write_text("body{}", encoding="utf-8")
    (dist / "en" / "b" / "index.html").write_text(
        '<html><body><h2 id="intro">Intro</h2></body></html>', encoding="utf-8")
    (dist / "ar" / "مقال" / "index.html").write_text(
        f'<html><body><h2 id="{ARABIC_ID}">x</h2></body></html>', encoding="utf-8")
    ar_page = quote("/ar/مقال/")
    (dist / "en" / "a").mkdir(parents=True)
    (dist / "en" / "a" / "index.html").write_text(
        "<html><head>\n"
        '<link rel="stylesheet" href="/static/site.css">\n'
        '<link rel="canonical" href="https://example.org/en/a/">\n'
        "</head><body>\n"
        '<a href="../b/#intro">ok</a>\n'
        '<a href="/en/b/#nope">missing fragment</a>\n'
        f'<a href="{ar_page}#{quote(ARABIC_ID)}">arabic id, encoded</a>\n'
        '<a href="/en/missing/">missing page</a>\n'
        '<a href="https://prod.example/ok">remapped to the staging server</a>\n'
        '<a href="mailto:x@example.org">mail</a>\n'
        "</body></html>\n", encoding="utf-8")
    server.expect_request("/staging/ok").respond_with_data("ok")


def test_built_checks_the_output_folder_with_remap(project, server, capsys) -> None:
    root = project({"en/a.md": article("a", "x")})
    _built_site(root, server)
    staging = server.url_for("/staging/")
    assert run_links(root, "--built", "--remap", r"^https://prod\.example/", staging) == 1
    report = read_report(root)
    links = by_url(report)
    assert links["/en/b/"]["fragments"] == {"intro": "ok", "nope": "missing"}
    assert links[quote("/ar/مقال/")]["fragments"] == {quote(ARABIC_ID): "ok"}
    assert links["/en/a/"]["state"] == "ok"  # own host: looked up in the output folder
    assert links["/static/site.css"]["state"] == "ok"
    assert links[staging + "ok"]["state"] == "ok"
    codes = {(f["code"], f["path"], f["line"]) for f in report["findings"]}
    assert ("LNK012", "dist/en/a/index.html", 8) in codes
    assert ("LNK005", "dist/en/a/index.html", 6) in codes
    assert paths(server) == ["/staging/ok"]


def test_remap_without_built_is_a_usage_error(project) -> None:
    root = project({"en/a.md": article("a", "x")})
    assert run_links(root, "--remap", "a", "b") == 2


SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>{a}</loc></url>
  <url>
    <loc>{b}</loc>
  </url>
</urlset>
"""
INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://example.org/sitemap-en-1.xml.gz</loc></sitemap>
  <sitemap><loc>{remote}</loc></sitemap>
</sitemapindex>
"""


def test_sitemap_index_with_gzip_child_and_remote_child(project, server) -> None:
    for name in ("one", "two", "three"):
        server.expect_request(f"/{name}").respond_with_data("ok")
    remote = SITEMAP.format(a=server.url_for("/three"), b=server.url_for("/gone"))
    server.expect_request("/remote.xml").respond_with_data(remote, content_type="text/xml")
    root = project({"en/a.md": article("a", "x")})
    folder = root / "maps"
    folder.mkdir()
    (folder / "sitemap-en-1.xml.gz").write_bytes(gzip.compress(SITEMAP.format(
        a=server.url_for("/one"), b=server.url_for("/two")).encode()))
    (folder / "index.xml").write_text(INDEX.format(remote=server.url_for("/remote.xml")),
                                      encoding="utf-8")
    assert run_links(root, "--sitemap", str(folder / "index.xml")) == 1
    report = read_report(root)
    links = by_url(report)
    assert {links[server.url_for(p)]["state"] for p in ("/one", "/two", "/three")} == {"ok"}
    assert links[server.url_for("/gone")]["state"] == "broken"
    gone = next(f for f in report["findings"] if f["code"] == "LNK001")
    assert (gone["path"], gone["line"]) == (server.url_for("/remote.xml"), 5)
    assert links[server.url_for("/one")]["sources"] == ["maps/sitemap-en-1.xml.gz:3:8"]


def test_an_unreadable_sitemap_is_a_located_error(project) -> None:
    root = project({"en/a.md": article("a", "x")})
    (root / "bad.xml").write_text("<urlset>\n<url><loc>x</loc>\n</urlset>\n", encoding="utf-8")
    assert run_links(root, "--sitemap", str(root / "bad.xml")) == 1
    findings = read_report(root)["findings"]
    assert sorted((f["code"], f["path"], f["line"]) for f in findings) == [
        ("LNK030", "bad.xml", 3), ("LNK032", "bad.xml", 1)]  # so nothing was checked


@pytest.mark.parametrize("flags", [("--files", "a"), ("--built",)])
def test_input_modes_exclude_each_other(project, flags) -> None:  # type: ignore[no-untyped-def]
    root = project({"en/a.md": article("a", "x")})
    with pytest.raises(SystemExit) as stop:
        main(["links", "--root", str(root), "--sitemap", "x", *flags])
    assert stop.value.code == 2
