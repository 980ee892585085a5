"""Per-locale feeds: Atom 1.0 (RFC 4287), RSS 2.0 and JSON Feed 1.1 of the newest
articles, from the same ``pages.index_entry`` values the index pages list.

XML is built with lxml, never from text templates. Every URL is absolute; the feed's
``updated`` is the newest listed article's date, so the bytes change only when the
listed articles do. Text carries the locale's language (``xml:lang``, ``<language>``);
full HTML content is wrapped in an element with the locale's ``dir``, so right-to-left
text reads right to left in feed readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime

import lxml.html
import orjson
from lxml import etree

from pipeline.core.jsontypes import JSONObject

ATOM_NS = "http://www.w3.org/2005/Atom"
MEDIA_NS = "http://search.yahoo.com/mrss/"
DC_NS = "http://purl.org/dc/elements/1.1/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
EPOCH = "1970-01-01T00:00:00Z"  # ``updated`` of a feed listing nothing yet


@dataclass(frozen=True)
class FeedInfo:
    """What a feed says about itself: title, description, language and addresses."""

    title: str
    description: str
    lang: str  # BCP 47
    direction: str  # ltr or rtl
    home: str  # absolute URL of the locale's index page
    self_url: str  # absolute URL of this feed
    publisher: str


def _newest(entries: Sequence[JSONObject]) -> str:
    return max((e["updated"] for e in entries), default=EPOCH)


def _content(entry: JSONObject, info: FeedInfo) -> str | None:
    """The article's HTML with absolute links, inside a ``div`` of the locale's
    language and direction; None for summary feeds."""
    if "html" not in entry:
        return None
    root = lxml.html.fragment_fromstring(entry["html"] or "", create_parent="div")
    root.make_links_absolute(entry["url"], resolve_base_href=False)
    root.set("lang", info.lang)
    root.set("dir", info.direction)
    return etree.tostring(root, encoding="unicode", method="html")


def _sub(parent: etree._Element, tag: str, text: str | None = None,
         **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, tag, {k: v for k, v in attributes.items()})
    if text is not None:
        element.text = text
    return element


def atom(info: FeedInfo, entries: Sequence[JSONObject]) -> bytes:
    """The Atom 1.0 feed of ``entries`` (newest first)."""
    a = f"{{{ATOM_NS}}}"
    feed = etree.Element(a + "feed", nsmap={None: ATOM_NS})
    feed.set(XML_LANG, info.lang)
    _sub(feed, a + "id", info.self_url)
    _sub(feed, a + "title", info.title)
    _sub(feed, a + "subtitle", info.description)
    _sub(feed, a + "updated", _newest(entries))
    _sub(feed, a + "link", rel="self", type="application/atom+xml", href=info.self_url)
    _sub(feed, a + "link", rel="alternate", type="text/html", href=info.home)
    _sub(_sub(feed, a + "author"), a + "name", info.publisher)
    for entry in entries:
        item = _sub(feed, a + "entry")
        _sub(item, a + "id", entry["url"])
        _sub(item, a + "title", entry["title"])
        _sub(item, a + "link", rel="alternate", type="text/html", href=entry["url"])
        cover = entry.get("cover")
        if cover:
            extra = {"length": str(cover["length"])} if cover["length"] else {}
            _sub(item, a + "link", rel="enclosure", href=cover["url"],
                 type=cover["type"] or "application/octet-stream", **extra)
        _sub(item, a + "published", entry["datetime"])
        _sub(item, a + "updated", entry["updated"])
        _sub(_sub(item, a + "author"), a + "name", entry["author"])
        for tag in entry["tags"]:
            _sub(item, a + "category", term=tag)
        _sub(item, a + "summary", entry["excerpt"])
        html = _content(entry, info)
        if html is not None:
            _sub(item, a + "content", html, type="html")
    return etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)


def _rfc822(w3c: str) -> str:
    return format_datetime(datetime.fromisoformat(w3c.replace("Z", "+00:00")))


def rss(info: FeedInfo, entries: Sequence[JSONObject]) -> bytes:
    """The RSS 2.0 feed of ``entries`` (newest first), cover as enclosure and
    ``media:content``."""
    root = etree.Element("rss", nsmap={"atom": ATOM_NS, "media": MEDIA_NS, "dc": DC_NS})
    root.set("version", "2.0")
    channel = _sub(root, "channel")
    _sub(channel, "title", info.title)
    _sub(channel, "link", info.home)
    _sub(channel, "description", info.description)
    _sub(channel, "language", info.lang)
    _sub(channel, "lastBuildDate", _rfc822(_newest(entries)))
    _sub(channel, f"{{{ATOM_NS}}}link", rel="self", type="application/rss+xml",
         href=info.self_url)
    for entry in entries:
        item = _sub(channel, "item")
        _sub(item, "title", entry["title"])
        _sub(item, "link", entry["url"])
        _sub(item, "guid", entry["url"], isPermaLink="true")
        _sub(item, "pubDate", _rfc822(entry["datetime"]))
        _sub(item, f"{{{DC_NS}}}creator", entry["author"])
        for tag in entry["tags"]:
            _sub(item, "category", tag)
        html = _content(entry, info)
        _sub(item, "description", html if html is not None else entry["excerpt"])
        cover = entry.get("cover")
        if cover:
            kind = cover["type"] or "application/octet-stream"
            _sub(item, "enclosure", url=cover["url"], length=str(cover["length"]), type=kind)
            _sub(item, f"{{{MEDIA_NS}}}content", url=cover["url"], medium="image", type=kind)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def json_feed(info: FeedInfo, entries: Sequence[JSONObject]) -> bytes:
    """The JSON Feed 1.1 of ``entries`` (newest first)."""
    items = []
    for entry in entries:
        item: JSONObject = {"id": entry["url"], "url": entry["url"],
                                "title": entry["title"], "summary": entry["excerpt"],
                                "date_published": entry["datetime"],
                                "date_modified": entry["updated"],
                                "authors": [{"name": entry["author"]}],
                                "language": info.lang}
        html = _content(entry, info)
        if html is not None:
            item["content_html"] = html
        else:
            item["content_text"] = entry["excerpt"]
        if entry["tags"]:
            item["tags"] = list(entry["tags"])
        if entry.get("cover"):
            item["image"] = entry["cover"]["url"]
        items.append(item)
    data = {"version": JSON_FEED_VERSION, "title": info.title,
            "home_page_url": info.home, "feed_url": info.self_url,
            "description": info.description, "language": info.lang,
            "authors": [{"name": info.publisher}], "items": items}
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


WRITERS = {"atom": atom, "rss": rss, "json": json_feed}
