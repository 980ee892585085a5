"""Per-locale feeds: Atom 1.0 valid against the RELAX NG schema of RFC 4287, RSS 2.0 and
JSON Feed 1.1 that feedparser reads without complaint, absolute URLs, the locale's
language and direction, the cover as enclosure, linked from every page of the locale,
and bytes that depend on the articles only (never on the time of the build)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import feedparser
import pytest
import rnc2rng
from listing_site import BASE, make
from lxml import etree
from lxml import html as lxml_html

from pipeline.cli import main

SCHEMA = Path(__file__).parent / "data" / "atom.rnc"
ATOM = "{http://www.w3.org/2005/Atom}"


@cache
def atom_schema() -> etree.RelaxNG:
    """RFC 4287 Appendix B as RELAX NG XML (rnc2rng declares the empty ``local``
    namespace as a prefix, which XML forbids; its patterns name ``ns=""`` themselves)."""
    rng = rnc2rng.dumps(rnc2rng.load(str(SCHEMA))).replace(' xmlns:local=""', "")
    return etree.RelaxNG(etree.fromstring(rng.encode()))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make(tmp_path_factory.mktemp("feeds") / "site")
    assert main(["build", "--root", str(root)]) == 0
    return root


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make(tmp_path_factory.mktemp("full") / "site", content="full")
    assert main(["build", "--root", str(root)]) == 0
    return root


def check_atom(data: bytes) -> etree._Element:
    root = etree.fromstring(data)
    schema = atom_schema()
    assert schema.validate(root), schema.error_log
    entries = root.findall(ATOM + "entry")
    # The schema's Schematron rules: an author on the feed, an alternate link per entry.
    assert root.find(ATOM + "author") is not None
    assert all(e.find(ATOM + "link[@rel='alternate']") is not None for e in entries)
    return root


def test_atom_schema_rejects_a_feed_without_id_or_updated() -> None:
    bad = b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>'
    assert not atom_schema().validate(etree.fromstring(bad))


@pytest.mark.parametrize("code", ["en", "ar"])
def test_feeds_parse_cleanly_and_agree(site: Path, code: str) -> None:
    dist = site / "dist" / code
    atom = check_atom((dist / "atom.xml").read_bytes())
    assert atom.get("{http://www.w3.org/XML/1998/namespace}lang") == code
    parsed = {kind: feedparser.parse((dist / name).read_bytes())
              for kind, name in (("atom", "atom.xml"), ("rss", "rss.xml"))}
    for kind, feed in parsed.items():
        assert not feed.bozo, (kind, feed.get("bozo_exception"))
        assert feed.feed.language == code
        links = [e.link for e in feed.entries]
        assert len(links) == 4  # [feeds] entries
        assert links[0] == f"{BASE}/{code}/a6/" and links[-1] == f"{BASE}/{code}/a3/"
        for entry in feed.entries:
            (enclosure,) = entry.enclosures
            assert enclosure.href == f"{BASE}/assets/cover.jpeg"
            assert enclosure.type == "image/jpeg"
            assert int(enclosure.length) == (site / "public/assets/cover.jpeg").stat().st_size
    assert parsed["atom"].feed.updated == "2025-07-07T09:00:00+00:00"  # the newest article
    assert parsed["rss"].feed.updated == "Mon, 07 Jul 2025 09:00:00 +0000"
    assert [t.term for t in parsed["atom"].entries[0].tags] == \
        [t.term for t in parsed["rss"].entries[0].tags] == (
            ["laser"] if code == "en" else ["ليزر"])
    data = json.loads((dist / "feed.json").read_text(encoding="utf-8"))
    assert data["version"] == "https://jsonfeed.org/version/1.1" and data["language"] == code
    assert data["feed_url"] == f"{BASE}/{code}/feed.json"
    assert [i["url"] for i in data["items"]] == links


def test_every_page_of_a_locale_links_its_feeds(site: Path) -> None:
    for rel in ("ar/index.html", "ar/page/2/index.html", "ar/a0/index.html",
                "ar/tags/ليزر/index.html"):
        page = lxml_html.fromstring((site / "dist" / rel).read_bytes())
        feeds = [(link.get("type"), link.get("href"))
                 for link in page.xpath("//head/link[@rel='alternate'][not(@hreflang)]")]
        assert feeds == [("application/atom+xml", "/ar/atom.xml"),
                         ("application/rss+xml", "/ar/rss.xml"),
                         ("application/feed+json", "/ar/feed.json")], rel
    index = lxml_html.fromstring((site / "dist/en/index.html").read_bytes())
    assert index.xpath("//p[@class='feeds']/a/@href") == ["/en/atom.xml", "/en/rss.xml",
                                                          "/en/feed.json"]


def test_full_content_is_absolute_and_right_to_left(full: Path) -> None:
    atom = check_atom((full / "dist/ar/atom.xml").read_bytes())
    content = atom.find(f"{ATOM}entry/{ATOM}content")
    assert content.get("type") == "html"
    body = lxml_html.fragment_fromstring(content.text)
    assert (body.get("dir"), body.get("lang")) == ("rtl", "ar")
    assert body.xpath("//a/@href") == [f"{BASE}/ar/"]  # root-relative made absolute
    rss = feedparser.parse((full / "dist/ar/rss.xml").read_bytes())
    assert not rss.bozo and 'dir="rtl"' in rss.entries[0].description
    data = json.loads((full / "dist/ar/feed.json").read_text(encoding="utf-8"))
    assert 'dir="rtl"' in data["items"][0]["content_html"]


def test_feed_bytes_do_not_depend_on_the_build_time(tmp_path: Path, monkeypatch) -> None:
    found = []
    for n, now in enumerate(("2026-01-01T00:00:00Z", "2027-06-01T12:00:00Z")):
        root = make(tmp_path / f"site{n}", count=3)
        monkeypatch.setenv("SEO_PIPELINE_NOW", now)
        assert main(["build", "--root", str(root)]) == 0
        found.append({name: (root / "dist/en" / name).read_bytes()
                      for name in ("atom.xml", "rss.xml", "feed.json")})
    assert found[0] == found[1]


def test_feed_settings_are_validated(tmp_path: Path, capsys) -> None:
    root = make(tmp_path / "site", count=1)
    config = root / "site.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        'content = "summary"', 'content = "everything"\nformats = ["atom", "atom", "opml"]'),
        encoding="utf-8")
    assert main(["build", "--root", str(root)]) == 2
    out = capsys.readouterr()
    text = out.out + out.err
    assert "error CF112 feeds.content must be one of summary, full" in text
    assert "feeds.formats lists unknown format 'opml'" in text
    assert "feeds.formats lists a format twice" in text
