"""URL handling for links: suspicious encodings, IDN, equivalence (RFC 3986/3987 examples)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipeline.core.urls import display, encoding_issues, iri_to_uri, normalise
from pipeline.net.retry import retry_after


@pytest.mark.parametrize(("url", "kinds"), [
    ("https://o9medical.com/%D8%AD%D9%82%D9%86", []),
    ("https://o9medical.com/حقن", []),
    ("https://o9medical.com/%25D8%25AD%25D9%2582", ["double-encoded"]),
    ("https://x.example/a%2520b", ["double-encoded"]),
    ("https://x.example/%D8", ["invalid-utf8"]),  # a lone lead byte
    ("https://x.example/%FF%FE", ["invalid-utf8"]),
    ("https://x.example/%C3%A9%D8", ["invalid-utf8"]),
    ("https://x.example/50%off", ["bare-percent"]),
    ("https://x.example/100%", ["bare-percent"]),
    ("https://x.example/a b", ["space"]),
    ("https://x.example/a%20b", []),
    ("https://x.example/%25", []),  # an encoded percent sign is fine on its own
])
def test_encoding_issues(url: str, kinds: list[str]) -> None:
    assert encoding_issues(url) == kinds


def test_raw_iri_equals_its_encoded_form() -> None:
    raw = "https://o9medical.com/حقن-البوتوكس?q=ليزر#مقدمة"
    encoded = "https://o9medical.com/%d8%ad%d9%82%d9%86-%D8%A7%D9%84%D8%A8%D9%88%D8%AA%D9%88%D9%83%D8%B3?q=%D9%84%D9%8A%D8%B2%D8%B1"
    assert normalise(raw) == normalise(encoded)
    assert normalise(raw).isascii()


def test_already_encoded_is_never_encoded_again() -> None:
    uri = "https://o9medical.com/%D8%AD%D9%82%D9%86"
    assert iri_to_uri(uri) == uri
    assert iri_to_uri(iri_to_uri(uri)) == uri
    assert "%25" not in normalise(uri)


def test_double_encoding_is_kept_as_written() -> None:
    uri = "https://o9medical.com/%25D8%25AD"
    assert normalise(uri) == uri  # checked as written: the server decides


@pytest.mark.parametrize(("a", "b"), [
    ("HTTP://Example.COM:80/a", "http://example.com/a"),
    ("https://example.com:443", "https://example.com/"),
    ("https://example.com/%7Euser", "https://example.com/~user"),  # RFC 3986 6.2.2.2
    ("https://example.com/%c3%a9", "https://example.com/%C3%A9"),  # RFC 3986 6.2.2.1
    ("https://example.com/é", "https://example.com/%C3%A9"),  # RFC 3987 3.1
])
def test_equivalent_forms_share_one_key(a: str, b: str) -> None:
    assert normalise(a) == normalise(b)


def test_idn_host_becomes_punycode_and_back() -> None:
    uri = normalise("https://Bücher.example/straße")
    assert uri == "https://xn--bcher-kva.example/stra%C3%9Fe"
    assert display(uri) == "https://bücher.example/straße"
    assert normalise("https://موقع.example/") == "https://xn--4gbrim.example/"


def test_invalid_idn_host_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        iri_to_uri("https://a\u200d.example/")


def test_display_keeps_undecodable_escapes() -> None:
    assert display("https://x.example/%D8") == "https://x.example/%D8"


@pytest.mark.parametrize(("value", "seconds"), [
    ("120", 120.0),
    ("0", 0.0),
    ("Mon, 23 Nov 2026 12:00:30 GMT", 30.0),
    ("Mon, 23 Nov 2026 11:00:00 GMT", 0.0),  # in the past: retry now
    ("soon", None),
])
def test_retry_after_seconds_or_http_date(value: str, seconds: float | None) -> None:
    now = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)
    assert retry_after(value, now) == seconds
