"""Sitemaps: XSD-valid, read back by an independent parser, split, gzip, deterministic."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from lxml import etree
from seo_site import AR_SLUG, Post, write_site
from usp.objects.sitemap import IndexXMLSitemap, InvalidSitemap, PagesXMLSitemap
from usp.tree import sitemap_from_str

from pipeline.cli import main
from pipeline.sitemaps import schema
from pipeline.sitemaps.model import Limits, UrlEntry
from pipeline.sitemaps.writer import write_sitemaps

SCHEMAS = Path(__file__).resolve().parent.parent / "pipeline" / "schemas"
BASE = "https://example.org"
EN_URL = f"{BASE}/en/laser-skin-resurfacing/"
SOLO_URL = f"{BASE}/en/english-only/"
HOME_URLS = {f"{BASE}/", f"{BASE}/en/", f"{BASE}/ar/"}  # chooser and locale index pages
TAG_URLS = {f"{BASE}/en/tags/laser/", f"{BASE}/en/tags/skin-care/"}  # "skin & care"
HOME_CLUSTER = [("en", f"{BASE}/en/"), ("ar", f"{BASE}/ar/"), ("x-default", f"{BASE}/")]
AR_URL = (f"{BASE}/ar/%D8%AA%D9%82%D8%B4%D9%8A%D8%B1-%D8%A7%D9%84%D8%AC%D9%84"
          "%D8%AF-%D8%A8%D8%A7%D9%84%D9%84%D9%8A%D8%B2%D8%B1/")


def xsd(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / f"{name}.xsd")))


def read(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()


def assert_valid(path: Path) -> etree._Element:
    tree = etree.fromstring(read(path))
    kind = "siteindex" if tree.tag.endswith("sitemapindex") else "sitemap"
    schema = xsd(kind)
    assert schema.validate(tree), (path.name, [e.message for e in schema.error_log])
    return tree


def parse_back(path: Path):
    """The independent consumer: ultimate-sitemap-parser on the local bytes (no fetching)."""
    return sitemap_from_str(read(path).decode("utf-8"))


def build(root: Path) -> int:
    return main(["sitemaps", "--root", str(root)])


def many_posts(count: int) -> list[Post]:
    posts = []
    for i in range(count):
        posts.append(Post("en", f"post-{i:02d}", f"k{i:02d}", f"English post number {i}"))
        posts.append(Post("ar", f"مقال-{i:02d}", f"k{i:02d}", f"المقال رقم {i}"))
    return posts


def all_pages(folder: Path) -> dict[str, object]:
    pages = {}
    for path in sorted(folder.glob("sitemap-*")):
        parsed = parse_back(path)
        assert isinstance(parsed, PagesXMLSitemap)
        for page in parsed.all_pages():
            assert page.url not in pages
            pages[page.url] = page
    return pages


def built_and_valid(root: Path) -> tuple[Path, list[str]]:
    """Run the stage; check every file against the XSDs; the folder and its file names."""
    assert build(root) == 0
    folder = root / "sitemap"
    for path in folder.iterdir():
        assert_valid(path)
    return folder, sorted(p.name for p in folder.iterdir())


def test_sitemaps_valid_and_read_back(tmp_path: Path) -> None:
    root = write_site(tmp_path)
    folder, names = built_and_valid(root)
    assert names == ["sitemap-ar-1.xml", "sitemap-en-1.xml", "sitemap.xml", "sitemap_index.xml"]
    assert (folder / "sitemap.xml").read_bytes() == (folder / "sitemap_index.xml").read_bytes()
    index = parse_back(folder / "sitemap_index.xml")
    assert isinstance(index, IndexXMLSitemap)
    assert all(isinstance(s, InvalidSitemap) for s in index.sub_sitemaps)  # nothing fetched
    assert [s.url for s in index.sub_sitemaps] == [f"{BASE}/sitemap-en-1.xml",
                                                  f"{BASE}/sitemap-ar-1.xml"]
    pages = all_pages(folder)
    assert set(pages) == {EN_URL, SOLO_URL, AR_URL} | HOME_URLS | TAG_URLS
    assert all(pages[url].alternates == HOME_CLUSTER for url in HOME_URLS)
    assert pages[f"{BASE}/ar/"].last_modified == pages[AR_URL].last_modified  # newest listed
    cluster = [("en", EN_URL), ("ar", AR_URL), ("x-default", EN_URL)]
    assert pages[EN_URL].alternates == cluster and pages[AR_URL].alternates == cluster
    assert pages[SOLO_URL].alternates == [("en", SOLO_URL), ("x-default", SOLO_URL)]
    assert pages[EN_URL].last_modified.isoformat() == "2025-08-01T10:00:00+02:00"
    assert pages[AR_URL].last_modified.isoformat() == "2025-07-01T05:35:07.322000+00:00"
    assert [i.loc for i in pages[EN_URL].images] == [
        f"{BASE}/assets/blog/laser/download%20(1).jpeg"]
    assert [i.loc for i in pages[AR_URL].images] == [
        f"{BASE}/assets/blog/ar/%D8%BA%D9%84%D8%A7%D9%81.png"]
    for name in names:  # copied into the site output unchanged
        assert (root / "dist" / name).read_bytes() == (folder / name).read_bytes()
    assert (root / "dist" / "robots.txt").read_text() == (
        f"User-agent: *\nAllow: /\n\nSitemap: {BASE}/sitemap_index.xml\n")
    assert AR_SLUG not in (folder / "sitemap-ar-1.xml").read_text()  # encoded, never raw


def test_index_lastmod_is_newest_of_each_file(tmp_path: Path) -> None:
    root = write_site(tmp_path)
    assert build(root) == 0
    tree = assert_valid(root / "sitemap" / "sitemap_index.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    assert tree.xpath("//s:sitemap/s:lastmod/text()", namespaces=ns) == [
        "2025-08-01T10:00:00+02:00", "2025-07-01T05:35:07.322+00:00"]


def test_split_at_max_urls(tmp_path: Path) -> None:
    folder, _ = built_and_valid(write_site(tmp_path, many_posts(7), max_urls=3))
    counts = {p.name: len(list(parse_back(p).all_pages()))
              for p in sorted(folder.glob("sitemap-*"))}
    # en: the chooser, /en/ and 7 articles; ar: /ar/ and 7 articles.
    assert counts == {"sitemap-ar-1.xml": 3, "sitemap-ar-2.xml": 3, "sitemap-ar-3.xml": 2,
                      "sitemap-en-1.xml": 3, "sitemap-en-2.xml": 3, "sitemap-en-3.xml": 3}
    assert len(all_pages(folder)) == 17
    assert len(parse_back(folder / "sitemap_index.xml").sub_sitemaps) == 6


def test_split_at_max_bytes(tmp_path: Path) -> None:
    root = write_site(tmp_path, many_posts(6), max_bytes=2048)
    assert build(root) == 0
    folder = root / "sitemap"
    parts = sorted(folder.glob("sitemap-*"))
    assert len(parts) > 2
    for path in parts:
        assert path.stat().st_size <= 2048
        assert_valid(path)
    assert len(all_pages(folder)) == 15  # 12 articles, the chooser and two index pages
    # Each file is full: the next file's first <url> would not have fitted.
    en = sorted(folder.glob("sitemap-en-*"))
    first_next = etree.tostring(etree.fromstring(en[1].read_bytes())[0])
    assert en[0].stat().st_size + len(first_next) > 2048


def test_gzip_valid_and_reproducible(tmp_path: Path) -> None:
    folder, names = built_and_valid(write_site(tmp_path, gzip=True))
    assert names == ["sitemap-ar-1.xml.gz", "sitemap-en-1.xml.gz", "sitemap.xml",
                     "sitemap_index.xml"]
    assert set(all_pages(folder)) == {EN_URL, SOLO_URL, AR_URL} | HOME_URLS | TAG_URLS
    raw = (folder / "sitemap-en-1.xml.gz").read_bytes()
    assert raw[4:8] == b"\0\0\0\0"  # gzip MTIME zero
    assert "sitemap-en-1.xml.gz</loc>" in (folder / "sitemap_index.xml").read_text()


def test_two_runs_and_two_roots_give_identical_bytes(tmp_path: Path) -> None:
    roots = [write_site(tmp_path / "a", many_posts(3)), write_site(tmp_path / "b", many_posts(3))]
    outputs = []
    for root in (*roots, roots[0]):
        assert build(root) == 0
        outputs.append({p.name: p.read_bytes() for p in (root / "sitemap").iterdir()})
    assert outputs[0] == outputs[1] == outputs[2]


def test_stale_sitemaps_removed_other_output_kept(tmp_path: Path) -> None:
    root = write_site(tmp_path, many_posts(3), max_urls=1)
    page = root / "dist" / "en" / "post-00" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text("<html>kept</html>")
    (root / "dist" / "sitemap-notes.txt").write_text("kept too")
    assert build(root) == 0
    assert (root / "dist" / "sitemap-en-3.xml").is_file()
    write_site(tmp_path, many_posts(3), max_urls=10)
    assert build(root) == 0
    assert sorted(p.name for p in (root / "sitemap").iterdir()) == [
        "sitemap-ar-1.xml", "sitemap-en-1.xml", "sitemap.xml", "sitemap_index.xml"]
    assert not (root / "dist" / "sitemap-en-3.xml").exists()
    assert page.read_text() == "<html>kept</html>"
    assert (root / "dist" / "sitemap-notes.txt").read_text() == "kept too"
    assert not [p for p in root.iterdir() if p.name.startswith(".sitemap")]
    assert (root / "sitemap").stat().st_mode & 0o777 == 0o755


def test_entry_too_large_and_bad_limits_are_findings(tmp_path: Path, capsys) -> None:
    long_slug = Post("en", "x" * 400, "k", "A Very Long Slug Article", file="long")
    root = write_site(tmp_path, [long_slug], max_bytes=1024)
    assert build(root) == 1
    assert "SM003" in capsys.readouterr().out
    root = write_site(tmp_path / "b", max_urls=60000)
    assert build(root) == 1
    assert "SM001" in capsys.readouterr().out


def test_writer_streams_any_iterable(tmp_path: Path) -> None:
    entries = (UrlEntry(f"{BASE}/p/{i}/") for i in range(25))
    files = write_sitemaps(entries, tmp_path, "s", Limits(max_urls=10))
    assert [(f.path.name, f.urls) for f in files] == [("s-1.xml", 10), ("s-2.xml", 10),
                                                      ("s-3.xml", 5)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s-1.xml", "s-2.xml", "s-3.xml"]
    assert [f.size for f in files] == [p.stat().st_size for p in sorted(tmp_path.iterdir())]
    for path in tmp_path.iterdir():
        assert_valid(path)


VALID = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:xhtml="http://www.w3.org/1999/xhtml"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
<url><loc>{EN_URL}</loc><lastmod>LASTMOD</lastmod>
<xhtml:link rel="alternate" hreflang="ar" href="{AR_URL}"/>
<image:image><image:loc>{BASE}/a.jpg</image:loc></image:image></url>
</urlset>"""


@pytest.mark.parametrize(("lastmod", "ok"), [
    ("2025", True), ("2025-07", True), ("2025-07-01", True), ("2025-07-01T05:35Z", True),
    ("2025-07-01T05:35:07+02:00", True), ("2025-07-01T05:35:07.322Z", True),
    ("2025-13-01", False), ("2025-07-01T05:35:07", False), ("01/07/2025", False),
    ("2025-07-01 05:35:07Z", False),
])
def test_xsd_lastmod(lastmod: str, ok: bool) -> None:
    tree = etree.fromstring(VALID.replace("LASTMOD", lastmod).encode())
    assert xsd("sitemap").validate(tree) is ok


@pytest.mark.parametrize(("old", "new"), [
    (f"<loc>{EN_URL}</loc>", "<loc>/en/laser/</loc>"),  # relative
    (f"<loc>{EN_URL}</loc>", "<loc>http://a.b</loc>"),  # 10 characters
    (f"<loc>{EN_URL}</loc>", f"<loc>{BASE}/ar/تقشير/</loc>"),  # IRI, not encoded
    (f"<loc>{EN_URL}</loc>", f"<loc>{BASE}/%zz/</loc>"),  # broken escape
    (f"<loc>{EN_URL}</loc>", f"<loc>{BASE}/{'a' * 2040}</loc>"),  # over 2,048
    (f' href="{AR_URL}"', ""),  # xhtml:link without href
    ('hreflang="ar"', 'hreflang="ar_SA"'),
    ("<image:loc>", "<image:title>t</image:title><image:loc>"),  # wrong order
    ("<lastmod>", "<priority>0.5</priority><lastmod>"),  # core order
    ("</url>", "</url><url><loc>" + EN_URL + "</loc></url>"),  # duplicate loc
])
def test_xsd_rejects(old: str, new: str) -> None:
    text = VALID.replace("LASTMOD", "2025-07-01")
    assert xsd("sitemap").validate(etree.fromstring(text.encode()))
    broken = text.replace(old, new, 1)
    assert broken != text
    assert not xsd("sitemap").validate(etree.fromstring(broken.encode()))


def test_streaming_schema_check_locates_the_error(tmp_path: Path) -> None:
    good = VALID.replace("LASTMOD", "2025-07-01")
    lines = good.splitlines()
    bad = "\n".join(lines[:-1] + ["<url><loc>/relative</loc></url>", lines[-1]])
    (tmp_path / "good.xml").write_text(good)
    (tmp_path / "bad.xml.gz").write_bytes(gzip.compress(bad.encode()))
    assert schema.check(tmp_path / "good.xml") == []
    (error,) = schema.check(tmp_path / "bad.xml.gz")
    assert error.startswith(f"{len(lines)}: ") and "minLength" in error


def test_overlong_url_left_out_with_a_warning(tmp_path: Path, capsys) -> None:
    slug = "ب" * 380  # 380 letters, 2,280 characters once percent-encoded
    posts = [Post("en", "short", "k", "A Short English Article"),
             Post("ar", slug, "k", "مقال بعنوان قصير", file="long")]
    folder, names = built_and_valid(write_site(tmp_path, posts))
    out = capsys.readouterr().out
    assert "content/ar/long.md" in out and "warning SM002" in out
    assert names == ["sitemap-ar-1.xml", "sitemap-en-1.xml", "sitemap.xml", "sitemap_index.xml"]
    assert set(all_pages(folder)) == {f"{BASE}/en/short/"} | HOME_URLS
