"""URL builder: every public URL is a valid RFC 3986 URI, built one way."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from seo_site import AR_SLUG, EN_COVER, write_site

from pipeline.core import urls
from pipeline.core.settings import load_settings

# RFC 3986 section 3.3: path-abempty = *( "/" segment ); segment = *pchar
_PCHAR = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-F]{2})"
RFC3986_HTTP = re.compile(rf"https?://[a-z0-9.\-]+(?::\d+)?(?:/{_PCHAR}*)*")


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory):
    return load_settings(write_site(Path(tmp_path_factory.mktemp("site"))))


def test_seed_cover_with_space_and_parentheses(settings) -> None:
    # Decision: '(' and ')' are sub-delims, allowed unescaped in a path segment (RFC 3986
    # 3.3), so they stay as they are; the space becomes %20.
    url = urls.asset_url(settings, EN_COVER)
    assert url == "https://example.org/assets/blog/laser/download%20(1).jpeg"
    assert RFC3986_HTTP.fullmatch(url)


def test_parentheses_already_encoded_are_kept_not_decoded(settings) -> None:
    url = urls.asset_url(settings, "/assets/blog/laser/download%20%281%29.jpeg")
    assert url.endswith("download%20%281%29.jpeg")
    assert urls.asset_path("/assets/blog/laser/download%20%281%29.jpeg") == \
        urls.asset_path(EN_COVER) == "assets/blog/laser/download (1).jpeg"


def test_arabic_slug_utf8_uppercase_hex_and_display(settings) -> None:
    url = urls.page_url(settings, "ar", AR_SLUG)
    assert url.startswith("https://example.org/ar/%D8%AA%D9%82%D8%B4")
    assert RFC3986_HTTP.fullmatch(url)
    assert not re.search(r"%[0-9A-F]?[a-f]", url)
    assert url.encode("ascii")
    assert urls.display(url) == f"https://example.org/ar/{AR_SLUG}/"
    assert urls.page_url(settings, "ar", AR_SLUG) == urls.iri_to_uri(urls.display(url))


def test_site_url_and_resolve(settings) -> None:
    assert urls.site_url(settings, "sitemap_index.xml") == "https://example.org/sitemap_index.xml"
    assert urls.resolve("https://example.org/en/a/", "../b/") == "https://example.org/en/b/"
    assert urls.resolve("https://example.org/en/a/", f"/ar/{AR_SLUG}/") == \
        urls.page_url(settings, "ar", AR_SLUG)


def test_asset_path_of_external_url_is_none() -> None:
    assert urls.asset_path("https://cdn.example.net/x.jpg") is None
