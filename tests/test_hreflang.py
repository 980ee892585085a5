"""hreflang validator: clean clusters pass; every kind of broken cluster is located."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from seo_site import AR_SLUG, load, write_site

from pipeline.cli import main
from pipeline.hreflang.codes import check_code
from pipeline.hreflang.tool import audit_site
from pipeline.seo.metadata import page_metadata

BASE = "https://example.org"
EN_URL = f"{BASE}/en/laser-skin-resurfacing/"
AR_URL = (f"{BASE}/ar/%D8%AA%D9%82%D8%B4%D9%8A%D8%B1-%D8%A7%D9%84%D8%AC%D9%84"
          "%D8%AF-%D8%A8%D8%A7%D9%84%D9%84%D9%8A%D8%B2%D8%B1/")


@pytest.mark.parametrize(("code", "expected", "hint"), [
    ("en", None, ""), ("EN-gb", None, ""), ("ar-SA", None, ""), ("zh-Hant-TW", None, ""),
    ("es-419", None, ""), ("x-default", None, ""),
    ("en-UK", "HL001", "en-GB"), ("ar-AR", "HL002", "'ar'"), ("en_US", "HL001", "en-US"),
    ("iw", "HL001", "'he'"), ("english", "HL001", ""), ("xx", "HL001", ""),
    ("en-ZZ", "HL001", ""), ("en-US-x", "HL001", ""), ("und", "HL001", ""),
])
def test_codes_checked_with_cldr(code: str, expected: str | None, hint: str) -> None:
    problem = check_code(code)
    assert (problem.code if problem else None) == expected
    if problem:
        assert hint in problem.hint


def run(args: list[str], capsys) -> tuple[int, list[dict]]:
    status = main(["hreflang", "--format", "json", *args])
    report = json.loads(capsys.readouterr().out)
    return status, report["findings"]


def test_generated_site_is_clean(tmp_path: Path, capsys) -> None:
    root = write_site(tmp_path)
    assert main(["sitemaps", "--root", str(root)]) == 0
    capsys.readouterr()
    assert run(["--root", str(root), "--strict"], capsys) == (0, [])
    assert run(["--root", str(root), "--sitemap", str(root / "sitemap"), "--strict"],
               capsys) == (0, [])
    report = json.loads((root / "reports" / "hreflang.json").read_text())
    # 3 articles, 3 home pages and the two tag pages of the English article
    assert report["data"] == {"pages": 8, "sitemap_urls": 8}


URLSET = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:xhtml="http://www.w3.org/1999/xhtml">
{urls}
</urlset>
"""


def url(loc: str, *links: tuple[str, str]) -> str:
    alternates = "".join(f'\n  <xhtml:link rel="alternate" hreflang="{code}" href="{href}"/>'
                         for code, href in links)
    return f"<url>\n  <loc>{loc}</loc>{alternates}\n</url>"


def by_code(findings: list[dict]) -> dict[str, list[dict]]:
    result: dict[str, list[dict]] = {}
    for finding in findings:
        result.setdefault(finding["code"], []).append(finding)
    return result


def test_broken_clusters_in_a_foreign_sitemap(tmp_path: Path, capsys) -> None:
    a, b, c, d = (f"https://shop.test/{x}/" for x in "abcd")
    urls = "\n".join([
        url(a, ("en", a), ("ar", b), ("x-default", a)),  # b does not link back
        url(b, ("ar", b)),
        url(c, ("en-UK", d), ("ar-AR", c), ("en_US", c), ("x-default", c)),  # bad codes
        url(d, ("en", d), ("en", a), ("fr", "https://elsewhere.test/fr/")),  # dup code
    ])
    sitemap = tmp_path / "other.xml"
    sitemap.write_text(URLSET.format(urls=urls))
    status, findings = run(["--root", str(tmp_path), "--sitemap", str(sitemap)], capsys)
    assert status == 1
    found = by_code(findings)
    lines = sitemap.read_text().splitlines()

    def line_of(text: str, last: bool = False) -> int:
        found = [i for i, line in enumerate(lines, 1) if text in line]
        return found[-1] if last else found[0]

    # a -> b, c -> d and d -> a have no return link.
    assert sorted(f["line"] for f in found["HL004"]) == sorted([
        line_of(f'hreflang="ar" href="{b}"'), line_of('hreflang="en-UK"'),
        line_of(f'hreflang="en" href="{a}"', last=True)])
    first = min(found["HL004"], key=lambda f: f["line"])
    assert first["message"] == f"alternate 'ar' {b} does not link back to {a}"
    bad = {f["message"].split("'")[1]: f for f in found["HL001"]}
    assert set(bad) == {"en-UK", "en_US"}
    assert bad["en-UK"]["hint"] == "did you mean 'en-GB'?"
    assert bad["en-UK"]["line"] == line_of('hreflang="en-UK"')
    assert [f["message"].split("'")[1] for f in found["HL002"]] == ["ar-AR"]
    assert found["HL002"][0]["severity"] == "warning"
    (dup,) = found["HL006"]
    assert dup["line"] == line_of(f'hreflang="en" href="{a}"', last=True)
    assert {f["line"] for f in found["HL007"]} == {line_of(f"<loc>{x}</loc>") - 1 for x in (b, d)}
    assert [f["severity"] for f in found["HL005"]] == ["warning"]  # outside the audit
    # c lists itself (as ar-AR and en_US); d lists itself: neither misses self-reference.
    assert "HL003" not in found


def test_missing_self_reference(tmp_path: Path, capsys) -> None:
    a, b = "https://shop.test/a/", "https://shop.test/b/"
    sitemap = tmp_path / "s.xml.gz"
    sitemap.write_bytes(gzip.compress(URLSET.format(urls="\n".join([
        url(a, ("ar", b), ("x-default", b)), url(b, ("ar", b), ("en", a), ("x-default", b))
    ])).encode()))
    status, findings = run(["--root", str(tmp_path), "--sitemap", str(tmp_path)], capsys)
    assert status == 1
    assert [(f["code"], f["line"]) for f in findings if f["code"] == "HL003"] == [("HL003", 4)]
    assert all(f["path"].endswith("s.xml.gz") for f in findings)


def test_unreadable_sitemap_is_located(tmp_path: Path, capsys) -> None:
    (tmp_path / "bad.xml").write_text("<urlset>\n<url><loc>x</loc>\n</urlset>\n")
    status, findings = run(["--root", str(tmp_path), "--sitemap", str(tmp_path)], capsys)
    assert status == 1
    # The file cannot be read, so nothing was audited: that is a finding of its own.
    assert sorted((f["code"], f["line"]) for f in findings) == [("HL012", 3), ("HL017", 1)]
    status, findings = run(["--sitemap", str(tmp_path / "nope")], capsys)
    assert status == 1 and findings[0]["code"] == "HL012"


def built(root: Path, locale: str, slug: str) -> Path:
    path = root / "dist" / locale / slug / "index.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def test_canonical_to_another_language_and_head_sitemap_disagreement(tmp_path: Path) -> None:
    root = write_site(tmp_path)
    assert main(["sitemaps", "--root", str(root)]) == 0
    site = load(root)
    ar = next(a for a in site.articles if a.locale == "ar")
    en = next(a for a in site.articles if a.slug == "laser-skin-resurfacing")
    ar_head = page_metadata(site, ar).head_html.replace(
        f'rel="canonical" href="{AR_URL}"', f'rel="canonical" href="{EN_URL}"')
    built(root, "ar", AR_SLUG).write_text(f"<html><head>\n{ar_head}</head></html>")
    en_head = page_metadata(site, en).head_html.replace(
        f'<link rel="alternate" hreflang="ar" href="{AR_URL}">\n', "")
    built(root, "en", en.slug).write_text(f"<html><head>\n{en_head}</head></html>")
    findings = {f.code: f for f in audit_site(load(root)).findings}
    assert findings["HL008"].path == f"dist/ar/{AR_SLUG}/index.html"
    assert findings["HL008"].line == 4  # the canonical link's line in the built page
    assert "another language (en)" in findings["HL008"].message
    assert findings["HL004"].path == f"dist/ar/{AR_SLUG}/index.html"  # en no longer links back
    assert findings["HL010"].path == "sitemap/sitemap-en-1.xml"
    assert f"only in sitemap: ar https://example.org/ar/{AR_SLUG}/" in findings["HL010"].message


def test_canonical_to_another_page_same_language_is_a_warning(tmp_path: Path) -> None:
    root = write_site(tmp_path)
    site = load(root)
    en = next(a for a in site.articles if a.slug == "laser-skin-resurfacing")
    head = page_metadata(site, en).head_html.replace(
        f'rel="canonical" href="{EN_URL}"', 'rel="canonical" href="/en/english-only/"')
    built(root, "en", en.slug).write_text(f"<html><head>{head}</head></html>")
    findings = audit_site(load(root)).findings
    assert [(f.code, f.severity.value) for f in findings if f.code.startswith("HL00")] == [
        ("HL009", "warning")]


def test_index_children_read_from_its_folder(tmp_path: Path, capsys) -> None:
    root = write_site(tmp_path / "site")
    assert main(["sitemaps", "--root", str(root)]) == 0
    capsys.readouterr()
    folder = root / "sitemap"
    (folder / "sitemap-ar-1.xml").unlink()
    status, findings = run(["--root", str(tmp_path), "--sitemap",
                            str(folder / "sitemap_index.xml")], capsys)
    assert status == 0
    codes = sorted(f["code"] for f in findings)
    # The English file was read (the Arabic alternates of its article, of the chooser and
    # of /en/ cannot be checked); the Arabic one is reported missing, not fetched.
    assert codes == ["HL005", "HL005", "HL005", "HL013"]
    (missing,) = [f for f in findings if f["code"] == "HL013"]
    assert "sitemap-ar-1.xml" in missing["message"] and missing["severity"] == "warning"


def audit_urls(tmp_path: Path, capsys, *entries: str) -> tuple[int, dict[str, list[dict]]]:
    sitemap = tmp_path / "cluster.xml"
    sitemap.write_text(URLSET.format(urls="\n".join(entries)))
    status, findings = run(["--root", str(tmp_path), "--sitemap", str(sitemap), "--strict"],
                           capsys)
    return status, by_code(findings)


A, B, ROOT = "https://shop.test/en/", "https://shop.test/ar/", "https://shop.test/"


def test_x_default_is_no_self_reference(tmp_path: Path, capsys) -> None:
    # A names itself only as x-default although B calls it the English version.
    status, found = audit_urls(tmp_path, capsys,
                               url(A, ("ar", B), ("x-default", A)),
                               url(B, ("en", A), ("ar", B), ("x-default", A)))
    assert status == 1 and set(found) == {"HL003"}
    (finding,) = found["HL003"]
    assert finding["message"] == f"{A} lists itself only as x-default, not with its language code"


def test_x_default_is_no_return_link(tmp_path: Path, capsys) -> None:
    # B links back to A only as x-default: A's 'ar' alternate has no return link.
    status, found = audit_urls(tmp_path, capsys,
                               url(A, ("en", A), ("ar", B), ("x-default", A)),
                               url(B, ("ar", B), ("x-default", A)))
    assert status == 1 and set(found) == {"HL004"}
    (finding,) = found["HL004"]
    assert finding["message"] == (f"alternate 'ar' {B} does not link back to {A} "
                                  "except as x-default")


def test_language_chooser_pattern_is_valid(tmp_path: Path, capsys) -> None:
    cluster = (("en", A), ("ar", B), ("x-default", ROOT))
    status, found = audit_urls(tmp_path, capsys, url(ROOT, *cluster), url(A, *cluster),
                               url(B, *cluster))
    assert (status, found) == (0, {})


def test_chooser_needs_its_return_links(tmp_path: Path, capsys) -> None:
    # B forgot the chooser; the chooser's 'ar' alternate then has no return link.
    status, found = audit_urls(tmp_path, capsys,
                               url(ROOT, ("en", A), ("ar", B), ("x-default", ROOT)),
                               url(A, ("en", A), ("ar", B), ("x-default", ROOT)),
                               url(B, ("en", A), ("ar", B)))
    assert status == 1
    assert [f["message"] for f in found["HL004"]] == [
        f"alternate 'ar' {B} does not link back to {ROOT}"]
    assert len(found["HL007"]) == 1  # and B has no x-default


def test_site_audit_rejects_x_default_as_self_reference(tmp_path: Path) -> None:
    root = write_site(tmp_path)
    site = load(root)
    en = next(a for a in site.articles if a.slug == "laser-skin-resurfacing")
    head = page_metadata(site, en).head_html.replace(
        f'<link rel="alternate" hreflang="en" href="{EN_URL}">\n', "")
    built(root, "en", en.slug).write_text(f"<html><head>\n{head}</head></html>")
    findings = [f for f in audit_site(load(root)).findings if f.code in ("HL003", "HL004")]
    assert [(f.code, f.path) for f in findings] == [
        ("HL003", f"dist/en/{en.slug}/index.html")]
    assert "only as x-default" in findings[0].message
