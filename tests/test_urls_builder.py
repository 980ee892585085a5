"""pipeline.core.urls: IRI -> URI without double encoding, normalisation, public URL builder."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.core import urls
from pipeline.core.settings import load_settings

REPO = Path(__file__).resolve().parent.parent
BOTOX = "https://o9medical.com/%D8%AD%D9%82%D9%86-%D8%A7%D9%84%D8%A8%D9%88%D8%AA%D9%88%D9%83%D8%B3-%D9%81%D9%8A-%D8%AA%D8%B1%D9%83%D9%8A%D8%A7"


# RFC 3987 section 3.1 examples and the project's real cases: IRI -> URI.
@pytest.mark.parametrize(("iri", "uri"), [
    ("http://www.example.org/red%09ros\u00e9#red", "http://www.example.org/red%09ros%C3%A9#red"),
    ("http://www.example.org/D\u00fcrst", "http://www.example.org/D%C3%BCrst"),
    ("https://o9medical.com/حقن-البوتوكس-في-تركيا", BOTOX),
    (BOTOX, BOTOX),
    (BOTOX.lower().replace("https://o9medical.com", "https://o9medical.com"), BOTOX),
    ("https://example.org/a b", "https://example.org/a%20b"),
    ("https://example.org/100%", "https://example.org/100%25"),
    ("https://example.org/?q=ليزر&x=1", "https://example.org/?q=%D9%84%D9%8A%D8%B2%D8%B1&x=1"),
    ("https://bücher.example/", "https://xn--bcher-kva.example/"),
    ("HTTPS://Example.ORG:443/x", "https://example.org/x"),
    ("http://example.org:8080/x", "http://example.org:8080/x"),
])
def test_iri_to_uri(iri: str, uri: str) -> None:
    assert urls.iri_to_uri(iri) == uri


def test_never_double_encodes() -> None:
    once = urls.iri_to_uri("https://o9medical.com/حقن")
    assert urls.iri_to_uri(once) == once
    assert "%25" not in once


# RFC 3986 section 6.2.2 equivalences.
@pytest.mark.parametrize(("a", "b"), [
    ("HTTP://www.Example.com/", "http://www.example.com/"),
    ("http://example.com/%7Efoo", "http://example.com/~foo"),
    ("http://example.com", "http://example.com/"),
    ("http://example.com:80/a", "http://example.com/a"),
    ("https://o9medical.com/%d8%ad", "https://o9medical.com/%D8%AD"),
    ("https://o9medical.com/ح#frag", "https://o9medical.com/%D8%AD"),
])
def test_normalise_equivalences(a: str, b: str) -> None:
    assert urls.normalise(a) == urls.normalise(b)


def test_display_decodes_for_humans() -> None:
    assert urls.display(BOTOX) == "https://o9medical.com/حقن-البوتوكس-في-تركيا"
    assert urls.display("https://xn--bcher-kva.example/%FF") == "https://bücher.example/%FF"


def test_bad_port_and_bad_idn_raise_value_error() -> None:
    with pytest.raises(ValueError):
        urls.iri_to_uri("https://example.org:99999/")
    with pytest.raises(ValueError):
        urls.iri_to_uri("https://ex\u200bample..org/")


def test_public_url_builder() -> None:
    settings = load_settings(REPO)
    assert urls.page_url(settings, "en", "laser-skin-resurfacing") == (
        "https://o9medical.com/en/laser-skin-resurfacing/")
    assert urls.page_url(settings, "ar", "تقشير-البشرة") == (
        "https://o9medical.com/ar/%D8%AA%D9%82%D8%B4%D9%8A%D8%B1-%D8%A7%D9%84%D8%A8%D8%B4%D8%B1%D8%A9/")
    cover = urls.asset_url(settings, "/assets/blog/laser-skin-resurfacing/download (1).jpeg")
    assert cover == "https://o9medical.com/assets/blog/laser-skin-resurfacing/download%20(1).jpeg"
    assert urls.display(cover).endswith("download (1).jpeg")
