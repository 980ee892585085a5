"""Redirects that keep URLs alive: aliases, rules, the redirect map, its outputs, the
detector of URLs gone since the last published site, and ``seo-pipeline mv``."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import EN_ARTICLE, SITE_TOML
from hypothesis import given
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.core import urls
from pipeline.core.model import Severity
from pipeline.redirects.paths import alias_problem, normal, normal_decoded
from pipeline.redirects.plan import Claim, collapse, plan

OLD = "/en/laser-basics/"
NEW = "/en/laser-guide/"


def _build(root: Path, *more: str) -> int:
    return main(["build", "--root", str(root), *more])


def _sitemap_text(root: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted((root / "sitemap").glob("*")))


def _dist(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted((root / "dist").rglob("*")) if p.is_file()}


def test_rename_and_rebuild(make_site, capsys, tmp_path: Path) -> None:
    """build; rename without alias: RD101 naming the new file, twice the same; mv: the
    old URL serves a redirect page, _redirects and the nginx map name it, the sitemaps
    do not, and the detector stays quiet on the next builds."""
    root = make_site()
    assert _build(root) == 0
    source = root / "content/en/laser-basics.md"
    original = source.read_text(encoding="utf-8")
    renamed = root / "content/en/laser-guide.md"
    os.rename(source, renamed)
    renamed.write_text(original.replace("slug: laser-basics", "slug: laser-guide"),
                       encoding="utf-8")
    assert _build(root) == 1
    first = [line for line in capsys.readouterr().out.splitlines() if "RD101" in line]
    assert len(first) == 1
    assert first[0].startswith("content/en/laser-guide.md:1:1: error RD101 "
                               "https://example.org/en/laser-basics/ was published and is gone")
    assert "https://example.org/en/laser-guide/ (same translationKey)" in first[0]
    assert f'add `aliases: ["{OLD}"]` to that file or run `seo-pipeline mv`' in first[0]
    assert "laser-basics" in _sitemap_text(root)  # the failed build published nothing
    assert _build(root) == 1
    assert [line for line in capsys.readouterr().out.splitlines() if "RD101" in line] == first

    renamed.unlink()
    source.write_text(original, encoding="utf-8")
    assert main(["mv", "--root", str(root), str(source), "laser-guide"]) == 0
    out = capsys.readouterr().out
    assert "content/ar/laser-basics.md (ar) is its translation" in out
    assert not source.exists()
    moved = renamed.read_text(encoding="utf-8")
    assert moved == original.replace("slug: laser-basics", 'slug: "laser-guide"').replace(
        "translationKey: laser-basics\n", f'translationKey: laser-basics\naliases: ["{OLD}"]\n')

    assert _build(root) == 0
    assert "RD1" not in capsys.readouterr().out
    page = (root / "dist/en/laser-basics/index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://example.org/en/laser-guide/">' in page
    assert '<meta http-equiv="refresh" content="0; url=/en/laser-guide/">' in page
    assert '<meta name="robots" content="noindex">' in page
    assert '<a href="/en/laser-guide/">Laser Skin Resurfacing Basics</a>' in page
    assert (root / "dist/_redirects").read_text() == f"{OLD} {NEW} 301\n"
    nginx = (root / "dist/redirects.map").read_text()
    assert f'"{OLD}" "{NEW}";\n' in nginx and f'"{OLD[:-1]}" "{NEW}";\n' in nginx
    sitemaps = _sitemap_text(root)
    assert "https://example.org/en/laser-guide/" in sitemaps and "laser-basics/" not in sitemaps
    before = _dist(root)
    for _ in range(2):  # quiet and stable: the published sitemap lists the new URL only
        assert _build(root) == 0
        assert "RD1" not in capsys.readouterr().out
        assert _dist(root) == before

    clean = tmp_path / "clean"  # the incremental output is a clean build's
    for name in ("content", "public", "locales", "site.toml"):
        copy = shutil.copytree if (root / name).is_dir() else shutil.copy
        copy(root / name, clean / name)
    assert _build(clean) == 0
    assert _dist(clean) == before


def test_an_alias_is_quiet_from_the_first_build_and_removing_it_drops_the_outputs(
        make_site, capsys) -> None:
    root = make_site()
    assert _build(root) == 0
    source = root / "content/en/laser-basics.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("slug: laser-basics", f"slug: laser-guide\naliases: [{OLD}]"),
                      encoding="utf-8")
    assert _build(root) == 0
    assert "RD1" not in capsys.readouterr().out
    assert (root / "dist/en/laser-basics/index.html").is_file()
    source.write_text(text.replace("slug: laser-basics", "slug: laser-guide"), encoding="utf-8")
    assert _build(root) == 0  # the old URL was never in the sitemap since the rename
    assert not (root / "dist/en/laser-basics").exists()
    assert not (root / "dist/_redirects").exists() and not (root / "dist/redirects.map").exists()


def test_detector_finds_the_article_by_title_and_by_address(make_site, capsys) -> None:
    """A new translation key: the old article.json's title names the likely article; a
    URL no manifest knows: the most similar address; gone and held articles are quiet."""
    other = EN_ARTICLE.replace("Laser Skin Resurfacing Basics", "Chemical Peels Explained") \
        .replace("laser-basics", "peels")
    root = make_site({"content/en/laser-basics.md": EN_ARTICLE, "content/en/peels.md": other})
    assert _build(root) == 0
    source = root / "content/en/laser-basics.md"
    source.write_text(EN_ARTICLE.replace("slug: laser-basics", "slug: lasers")
                      .replace("translationKey: laser-basics", "translationKey: lasers"),
                      encoding="utf-8")
    peels = root / "content/en/peels.md"
    peels.write_text(other.replace("---\n\n", "draft: true\n---\n\n", 1), encoding="utf-8")
    assert _build(root) == 1
    out = [line for line in capsys.readouterr().out.splitlines() if "RD10" in line]
    assert len(out) == 1 and "(most similar title)" in out[0]  # the draft is not reported
    (root / "dist/manifest.json").unlink()  # no manifest: the address decides
    with (root / "site.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n[redirects]\npages = true\n")
    assert _build(root) == 1
    out = [line for line in capsys.readouterr().out.splitlines() if "RD10" in line]
    assert len(out) == 1 and "(most similar address)" in out[0]
    with (root / "site.toml").open("a", encoding="utf-8") as fh:
        fh.write(f'gone = ["{OLD}"]\n')
    assert _build(root) == 0


def test_previous_sitemap_by_url_and_no_article_like_it(make_site, server, capsys) -> None:
    """``--previous-sitemap URL`` (the live site's, on a loopback server): a listed URL
    no article is like is RD102 at its <loc>; an alternate still published gives the
    translation key."""
    root = make_site(config=SITE_TOML + "\n[links]\nallow_private = true\n")
    sitemap = ('<?xml version="1.0" encoding="UTF-8"?>\n'
               '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
               'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
               "<url><loc>https://example.org/en/old-english/</loc>"
               '<xhtml:link rel="alternate" hreflang="en" '
               'href="https://example.org/en/old-english/"/>'
               '<xhtml:link rel="alternate" hreflang="ar" href="https://example.org/ar/'
               '%D8%A3%D8%B3%D8%A7%D8%B3%D9%8A%D8%A7%D8%AA-%D8%A7%D9%84%D9%84%D9%8A%D8%B2%D8%B1/"/>'
               "</url>\n<url><loc>https://example.org/zz/nothing/</loc></url>\n"
               "<url><loc>https://other.example/en/x/</loc></url>\n"
               "<url><loc>https://example.org/en/page/7/</loc></url>\n"
               "<url><loc>https://example.org/assets/authors/team.jpeg</loc></url>\n"
               "</urlset>\n")
    server.expect_request("/sitemap.xml").respond_with_data(sitemap,
                                                            content_type="application/xml")
    url = server.url_for("/sitemap.xml")
    assert _build(root, "--previous-sitemap", url) == 1
    lines = [line for line in capsys.readouterr().out.splitlines() if " RD10" in line]
    assert len(lines) == 2
    assert lines[0].startswith("content/en/laser-basics.md:1:1: error RD101 https://example."
                               "org/en/old-english/")
    assert "(same translationKey)" in lines[0]
    assert re.match(r"http://127\.0\.0\.1:\d+/sitemap\.xml:4:6: error RD102 "
                    r"https://example\.org/zz/nothing/", lines[1])


def test_unreadable_previous_sitemap_is_a_warning(make_site, capsys) -> None:
    root = make_site()
    (root / "old.xml").write_text("<urlset", encoding="utf-8")
    assert _build(root, "--previous-sitemap", str(root / "old.xml")) == 0
    assert "warning RD103" in capsys.readouterr().out


CHAIN_SITE = SITE_TOML + """
[redirects]
rules = ["/old-blog/laser/ /en/laser-2024/", "/x/ /y/", "/y/ /x/", "/en/ /en/laser-basics/"]
"""


def test_chains_collapse_loops_and_shadowing_are_located_errors(make_site, capsys) -> None:
    root = make_site(config=CHAIN_SITE)
    source = root / "content/en/laser-basics.md"
    source.write_text(EN_ARTICLE.replace("slug: laser-basics",
                                         'slug: laser-basics\naliases: ["/en/laser-2024", '
                                         '"/ar/", "/en/laser-2024/"]'), encoding="utf-8")
    assert _build(root) == 1
    out = capsys.readouterr().out
    line = CHAIN_SITE.splitlines().index("[redirects]") + 2
    assert f"site.toml:{line}:1: error RD001 redirect /x/ -> /y/ never reaches a page" in out
    assert f"site.toml:{line}:1: error RD001 redirect /y/ -> /x/" in out
    assert f"site.toml:{line}:1: error RD002 old path /en/ is a live page" in out
    assert "content/en/laser-basics.md:12:1: error RD002 old path /ar/ is a live page" in out
    assert "FM1" not in out  # "/en/laser-2024" and "/en/laser-2024/" are one old path
    source.write_text(EN_ARTICLE.replace("slug: laser-basics",
                                         'slug: laser-basics\naliases: ["/en/laser-2024"]'),
                      encoding="utf-8")
    (root / "site.toml").write_text(CHAIN_SITE.replace(', "/x/ /y/", "/y/ /x/", '
                                                       '"/en/ /en/laser-basics/"', ""),
                                    encoding="utf-8")
    assert _build(root) == 0
    assert (root / "dist/_redirects").read_text() == (
        "/en/laser-2024/ /en/laser-basics/ 301\n/old-blog/laser/ /en/laser-basics/ 301\n")
    page = (root / "dist/old-blog/laser/index.html").read_text(encoding="utf-8")
    assert 'href="https://example.org/en/laser-basics/"' in page  # one hop, not two


def test_two_targets_for_one_old_path(make_site, capsys) -> None:
    root = make_site(config=SITE_TOML + '\n[redirects]\nrules = ["/en/old/ /ar/"]\n')
    source = root / "content/en/laser-basics.md"
    source.write_text(EN_ARTICLE.replace("slug: laser-basics", "slug: laser-basics\n"
                                         "aliases: [/en/old/]"), encoding="utf-8")
    assert _build(root) == 1
    assert "error RD003 old path /en/old/ also redirects to /en/laser-basics/ " \
        "(content/en/laser-basics.md:12)" in capsys.readouterr().out


@pytest.mark.parametrize(("alias", "why"), [
    ("en/old/", "starting with '/'"), ("https://example.org/en/x/", "starting with '/'"),
    ("//cdn.example/x", "starting with '/'"), ("/en/../x/", "'..' segments"),
    ("/en//x/", "'//'"), ("/en/a b/", "whitespace"), ("/en/x?y=1", "?"),
    ("/en/%FF/", "not UTF-8"), ("/en/\u202ex/", "invisible"), ("/en/$x/", "$"),
])
def test_bad_alias_is_fm111_at_its_line(make_site, capsys, alias: str, why: str) -> None:
    assert why in alias_problem(alias)
    root = make_site()
    (root / "content/en/laser-basics.md").write_text(EN_ARTICLE.replace(
        "slug: laser-basics", f"slug: laser-basics\naliases: [{alias!r}]"), encoding="utf-8")
    assert main(["validate", "--root", str(root)]) == 1
    assert "content/en/laser-basics.md:12:1: error FM111 alias" in capsys.readouterr().out


def test_alias_normal_form() -> None:
    assert normal("/en/caf%C3%A9") == normal("/en/cafe\u0301/") == "/en/café/"
    assert normal("/en/old.html") == "/en/old.html"
    assert alias_problem("/ar/%D8%A3/") == "" and normal("/ar/%D8%A3/") == "/ar/أ/"


def test_bad_redirects_settings_are_cf113(make_site, capsys) -> None:
    root = make_site(config=SITE_TOML + '\n[redirects]\nrules = ["/a/"]\n'
                     'gone = ["x"]\nnginx_map = "../map"\n')
    assert _build(root) == 2
    err = capsys.readouterr().err
    lines = ["site.toml:23:1: error CF113 redirects.rules entry '/a/' is not \"OLD NEW\"",
             "site.toml:24:1: error CF113 redirects.gone entry 'x' must be a path on this site",
             "site.toml:25:1: error CF113 redirects.nginx_map '../map' must be a file path"]
    assert [line[:len(want)] for line, want in zip(err.splitlines(), lines, strict=True)] \
        == lines


def test_mv_refuses_and_keeps_the_rest_of_the_file(make_site, capsys) -> None:
    root = make_site({"content/en/laser-basics.md": EN_ARTICLE.replace("\n", "\r\n").replace(
        "slug: laser-basics\r\n", "aliases:\r\n- /en/2019/laser/\r\n").replace(
        "translationKey: laser-basics\r\n", ""),
        "content/en/other.md": EN_ARTICLE.replace("laser-basics", "other")})
    source = root / "content/en/laser-basics.md"
    before = source.read_bytes()
    for new, code in (("other", "MV001"), ("bad slug", "MV003"),
                      ("content/ar/x.md", "MV003")):
        assert main(["mv", "--root", str(root), str(source), new]) == 2
        assert code in capsys.readouterr().err
        assert source.read_bytes() == before
    assert main(["mv", "--root", str(root), str(root / "content/en/none.md"), "x"]) == 2
    assert "MV002" in capsys.readouterr().err
    assert main(["mv", "--root", str(root), str(source),
                 str(root / "content/en/laser-guide.md")]) == 0
    after = (root / "content/en/laser-guide.md").read_bytes()
    assert after == before.replace(b"aliases:\r\n- /en/2019/laser/\r\n",
                                   b"aliases: [\"/en/2019/laser/\", \"/en/laser-basics/\"]\r\n"
                                   b"translationKey: \"laser-basics\"\r\n")
    assert "moved: content/en/laser-basics.md -> content/en/laser-guide.md" in \
        capsys.readouterr().out
    assert _build(root) == 0


def test_links_built_reports_a_redirect_whose_target_is_missing(make_site, capsys) -> None:
    root = make_site(config=SITE_TOML + '\n[redirects]\nrules = ["/en/old/ /en/missing/"]\n')
    assert _build(root) == 0
    capsys.readouterr()
    assert main(["links", "--root", str(root), "--built", "--offline"]) == 1
    out = capsys.readouterr().out
    assert "dist/en/old/index.html\n  9:1 error LNK012 no file for /en/missing/" in out  # canonical
    assert "\n  14:4 error LNK012 no file for /en/missing/" in out  # the visible link


PATHS = st.sampled_from([f"/p{i}/" for i in range(8)])


@given(st.dictionaries(PATHS, PATHS, max_size=8))
def test_collapse_follows_every_chain_to_its_end(edges: dict[str, str]) -> None:
    """Property: each collapsed target is where following the edges ends, never itself
    a source; a source is looping exactly when following it repeats a path."""
    final, looping = collapse(edges)
    assert set(final) | looping == set(edges) and not set(final) & looping
    for source in edges:
        seen, node = [], source
        while node in edges and node not in seen:
            seen.append(node)
            node = edges[node]
        if node in edges:  # repeated: a loop reached
            assert source in looping
        else:
            assert final[source] == node and node not in edges


@given(st.dictionaries(PATHS, PATHS, max_size=8), st.sets(PATHS, max_size=3))
def test_plan_never_redirects_a_live_page_or_into_a_loop(edges: dict[str, str],
                                                         live: set[str]) -> None:
    taken = {p.lstrip("/") + "index.html" for p in live}
    claims = [Claim(s, t, "site.toml", 1) for s, t in edges.items()]
    redirects, findings = plan(claims, taken)
    sources = {r.source for r in redirects}
    assert not sources & live
    assert all(r.target not in sources for r in redirects)  # one hop each
    assert all(f.severity is Severity.ERROR for f in findings)
    assert sources | {s for s in edges if s in live} <= set(edges)


@pytest.mark.browser
def test_a_browser_lands_on_the_target(make_site) -> None:
    """Headless Chromium opening the old URL ends on the new page (meta refresh 0)."""
    import threading

    from pipeline.preview.serve import make_server

    sync_api = pytest.importorskip("playwright.sync_api")
    root = make_site()
    source = root / "content/ar/laser-basics.md"
    source.write_text(source.read_text(encoding="utf-8").replace(
        "locale: ar", 'locale: ar\naliases: ["/ar/قديم/"]'), encoding="utf-8")
    assert _build(root) == 0
    server = make_server(root / "dist")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", headless=True,
                args=["--headless", "--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            page.goto(f"http://{host}:{port}/ar/%D9%82%D8%AF%D9%8A%D9%85/")
            page.wait_for_url(lambda url: unquote(urlsplit(url).path) == "/ar/أساسيات-الليزر/",
                              timeout=10_000)
            assert page.locator("h1").inner_text() == "أساسيات تقشير البشرة بالليزر"
            browser.close()
    finally:
        server.shutdown()
        server.server_close()


def test_a_site_under_a_path_serves_its_redirects_there(make_site, capsys) -> None:
    """``base_url`` with a path: redirect files name the served paths, the detector reads
    the site's own URLs, and ``mv`` keeps a BOM."""
    root = make_site(config=SITE_TOML.replace('"https://example.org"',
                                              '"https://example.org/blog"'))
    assert _build(root) == 0
    source = root / "content/en/laser-basics.md"
    source.write_bytes(b"\xef\xbb\xbf" + source.read_bytes())
    assert main(["mv", "--root", str(root), str(source), "laser-guide"]) == 0
    assert (root / "content/en/laser-guide.md").read_bytes().startswith(b"\xef\xbb\xbf---\n")
    assert _build(root) == 0
    assert "RD1" not in capsys.readouterr().out
    assert (root / "dist/_redirects").read_text() == \
        "/blog/en/laser-basics/ /blog/en/laser-guide/ 301\n"
    assert '"/blog/en/laser-basics" "/blog/en/laser-guide/";' in \
        (root / "dist/redirects.map").read_text()
    page = (root / "dist/en/laser-basics/index.html").read_text(encoding="utf-8")
    assert 'href="https://example.org/blog/en/laser-guide/"' in page
    text = (root / "content/en/laser-guide.md").read_text(encoding="utf-8")
    (root / "content/en/laser-guide.md").write_text(
        text.replace('slug: "laser-guide"', "slug: laser-handbook"), encoding="utf-8")
    assert _build(root) == 1
    assert "RD101 https://example.org/blog/en/laser-guide/ was published and is gone" in \
        capsys.readouterr().out


@pytest.mark.parametrize("old", ["/robots.txt", "/sitemap.xml", "/manifest.json",
                                 "/assets/authors/team.jpeg", "/_redirects",
                                 "/en/laser-basics/article.json/"])
def test_an_alias_over_another_output_is_rd002(make_site, capsys, old: str) -> None:
    root = make_site()
    (root / "content/en/laser-basics.md").write_text(EN_ARTICLE.replace(
        "slug: laser-basics", f'slug: laser-basics\naliases: ["{old}"]'), encoding="utf-8")
    assert _build(root) == 1
    assert "content/en/laser-basics.md:12:1: error RD002 old path" in capsys.readouterr().out


@given(st.text(alphabet=st.sampled_from("/aé%25F.ا ?\\$\u202e\x00DF8") | st.characters(),
               max_size=24))
def test_any_text_is_refused_or_gives_a_safe_stable_path(text: str) -> None:
    """Property: checking never raises; an accepted old path normalises once and for all
    (idempotent, still accepted) and names a file inside the output folder."""
    from pipeline.engine.paths import is_safe
    from pipeline.redirects.paths import output_file

    if alias_problem(text):
        return
    path = normal(text)
    assert normal_decoded(path) == path  # idempotent on the decoded form
    assert alias_problem(urls.encode_page_path(path)) == "" and \
        normal(urls.encode_page_path(path)) == path  # and it round-trips through a URL
    assert path.startswith("/") and (path == "/" or is_safe(output_file(path)))
