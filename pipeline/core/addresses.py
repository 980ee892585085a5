"""One page's addresses, all from ``site.url_pattern`` in one place: the absolute URL,
the root-relative link, the output file and the JSON file beside it.

``urls.page_url``, ``urls.page_href``, ``urls.page_file`` and ``json_file`` are views of a
``PageAddress``; nothing else formats a page's address.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit


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
