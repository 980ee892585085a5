"""One page's addresses, all from ``site.url_pattern`` in one place: the absolute URL,
the root-relative link, the output file and the JSON file beside it.

``urls.page_url``, ``urls.page_href``, ``urls.page_file`` and ``json_file`` are views of a
``PageAddress``; nothing else formats a page's address. List pages (a locale's index and
its tag pages, each paginated: ``/en/``, ``/en/page/2/``, ``/en/tags/laser/``,
``/en/tags/laser/page/2/``) come from ``list_address`` and feeds (``/en/atom.xml``...) from
``feed_address``; they have no JSON file (``json_file`` is '').
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

TAGS_FOLDER = "tags"
PAGE_FOLDER = "page"
FEED_FILES = {"atom": "atom.xml", "rss": "rss.xml", "json": "feed.json"}


@dataclass(frozen=True, slots=True)
class PageAddress:
    """Where an article page lives: ``url`` and ``href`` encoded, ``file`` and
    ``json_file`` relative to the output folder and not encoded."""

    url: str
    href: str
    file: str
    json_file: str


def json_file(page_file: str) -> str:
    """``en/x/index.html`` -> ``en/x/article.json``; ``en/x.html`` -> ``en/x.json``."""
    folder, _, name = page_file.rpartition("/")
    stem = "article" if name == "index.html" else name.rsplit(".", 1)[0]
    return f"{folder}/{stem}.json" if folder else f"{stem}.json"


@lru_cache(maxsize=1 << 17)  # pages ask for their translations' addresses again and again
def page_address(base_url: str, pattern: str, locale: str, slug: str) -> PageAddress:
    """The addresses of the page of ``slug`` in ``locale`` (``base_url`` without a
    trailing slash)."""
    from pipeline.core.urls import encode_page_path

    raw = pattern.format(locale=locale, slug=slug)
    path = encode_page_path(raw)
    url = base_url + path
    relative = raw.lstrip("/")
    file = relative + "index.html" if relative.endswith("/") or not relative else relative
    return PageAddress(url=url, href=urlsplit(url).path, file=file, json_file=json_file(file))


@lru_cache(maxsize=1 << 14)
def list_address(base_url: str, locale: str, tag: str = "", page: int = 1) -> PageAddress:
    """Page ``page`` (from 1) of the locale's index, or of tag ``tag`` (its slug) when
    given; page 1 has no ``page/1/`` folder (one address per list page)."""
    from pipeline.core.urls import encode_page_path

    raw = f"/{locale}/" + (f"{TAGS_FOLDER}/{tag}/" if tag else "")
    if page > 1:
        raw += f"{PAGE_FOLDER}/{page}/"
    url = base_url + encode_page_path(raw)
    return PageAddress(url=url, href=urlsplit(url).path, file=raw.lstrip("/") + "index.html",
                       json_file="")


@lru_cache(maxsize=256)
def feed_address(base_url: str, locale: str, kind: str) -> PageAddress:
    """The locale's feed of ``kind`` (a key of ``FEED_FILES``)."""
    from pipeline.core.urls import encode_page_path

    raw = f"/{locale}/{FEED_FILES[kind]}"
    url = base_url + encode_page_path(raw)
    return PageAddress(url=url, href=urlsplit(url).path, file=raw.lstrip("/"), json_file="")
