"""The only place that builds, encodes, decodes or normalises a URL.

Terms: an *IRI* may hold raw Unicode (``https://o9medical.com/حقن``); a *URI* is its
ASCII form, UTF-8 percent-encoded with uppercase hex (RFC 3987 section 3.1, RFC 3986
section 2.1) and an IDNA 2008 / UTS 46 host (punycode). Existing valid ``%XX`` escapes
are kept as they are, never encoded again: ``%D8`` stays ``%D8``, it never becomes
``%25D8``. A ``%`` that does not start a valid escape is encoded as ``%25``.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, quote, unquote, urljoin, urlsplit, urlunsplit

import idna

from pipeline.core.addresses import PageAddress, feed_address, list_address, page_address
from pipeline.core.settings import Settings

# RFC 3986: characters allowed unescaped in each component (besides unreserved).
_SUB_DELIMS = "!$&'()*+,;="
_PATH_SAFE = _SUB_DELIMS + ":@/"
_QUERY_SAFE = _SUB_DELIMS + ":@/?"
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_UNRESERVED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
DEFAULT_PORTS = {"http": 80, "https": 443}


def quote_component(text: str, safe: str = _PATH_SAFE) -> str:
    """Percent-encode ``text`` as UTF-8, keeping valid ``%XX`` escapes (hex uppercased)."""
    out: list[str] = []
    pos = 0
    for match in _ESCAPE.finditer(text):
        out.append(quote(text[pos : match.start()], safe=safe))
        out.append(match.group(0).upper())
        pos = match.end()
    out.append(quote(text[pos:], safe=safe))
    return "".join(out)


def encode_host(host: str) -> str:
    """Lowercase ASCII host; Unicode labels become punycode via IDNA 2008 (UTS 46)."""
    if not host or host.isascii():
        return host.lower()
    return idna.encode(host, uts46=True).decode("ascii")


def decode_host(host: str) -> str:
    """Human-readable host: punycode labels back to Unicode, when valid."""
    try:
        return idna.decode(host) if "xn--" in host else host
    except idna.IDNAError:
        return host


def iri_to_uri(iri: str) -> str:
    """Convert an IRI (or URI) to a URI without double-encoding anything.

    Raises ``ValueError`` for URLs that cannot be parsed (bad port, bad IDN host).
    """
    parts = urlsplit(iri.strip())
    netloc = parts.netloc
    if netloc:
        netloc = _encode_netloc(parts.scheme.lower(), parts)
    return urlunsplit(
        (
            parts.scheme.lower(),
            netloc,
            quote_component(parts.path, _PATH_SAFE),
            quote_component(parts.query, _QUERY_SAFE),
            quote_component(parts.fragment, _QUERY_SAFE),
        )
    )


def _encode_netloc(scheme: str, parts: SplitResult) -> str:
    try:
        host = encode_host(parts.hostname or "")
    except idna.IDNAError as exc:
        raise ValueError(f"invalid internationalised host name: {exc}") from None
    port = parts.port  # raises ValueError on a bad port
    if ":" in host:
        host = f"[{host}]"
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"{quote_component(userinfo, _SUB_DELIMS + ':')}@{host}" if userinfo else host
    if port is not None and DEFAULT_PORTS.get(scheme) != port:
        netloc += f":{port}"
    return netloc


def _decode_unreserved(text: str) -> str:
    """``%41`` -> ``A``: escapes of unreserved characters are equivalent (RFC 3986 6.2.2.2)."""

    def repl(match: re.Match[str]) -> str:
        char = chr(int(match.group(0)[1:], 16))
        return char if char in _UNRESERVED else match.group(0).upper()

    return _ESCAPE.sub(repl, text)


def normalise(url: str) -> str:
    """The form used for de-duplication and as the cache key (fragment dropped)."""
    parts = urlsplit(iri_to_uri(url))
    path = _decode_unreserved(parts.path) or ("/" if parts.netloc else "")
    return urlunsplit((parts.scheme, parts.netloc, path, _decode_unreserved(parts.query), ""))


def display(uri: str) -> str:
    """Human-readable IRI for reports: escapes decoded where they form valid UTF-8."""
    parts = urlsplit(uri)
    netloc = parts.netloc
    if parts.hostname:
        netloc = netloc.replace(parts.hostname, decode_host(parts.hostname))
    return urlunsplit(
        (parts.scheme, netloc, _unquote_strict(parts.path), _unquote_strict(parts.query),
         _unquote_strict(parts.fragment))
    )


def _unquote_strict(text: str) -> str:
    try:
        return unquote(text, errors="strict")
    except UnicodeDecodeError:
        return text


def decode_fragment(fragment: str) -> str:
    """A fragment as the target document's ``id`` would spell it."""
    return _unquote_strict(fragment)


def encode_segment(text: str) -> str:
    """``text`` (a whole URL, say) as one path segment: every reserved byte and ``%`` escaped.

    Unlike ``quote_component`` this keeps no existing escape: ``%D8`` becomes ``%25D8``,
    so the segment decodes back to exactly ``text``.
    """
    return quote(text, safe="")


def encode_page_path(raw: str) -> str:
    """A page path from ``site.url_pattern``, encoded: a ``%`` in a slug is a literal."""
    return quote_component(raw.replace("%", "%25"), _PATH_SAFE)


def address(settings: Settings, locale: str, slug: str) -> PageAddress:
    """Every address of an article page (``core.addresses``)."""
    return page_address(settings.base_url, settings.site.url_pattern, locale, slug)


def page_path(settings: Settings, locale: str, slug: str) -> str:
    """Site-relative, encoded path of an article page, from ``site.url_pattern``."""
    return encode_page_path(settings.site.url_pattern.format(locale=locale, slug=slug))


def page_url(settings: Settings, locale: str, slug: str) -> str:
    """Absolute, encoded URL of an article page."""
    return address(settings, locale, slug).url


def list_page(settings: Settings, locale: str, tag: str = "", page: int = 1) -> PageAddress:
    """Every address of a list page: the locale's index or a tag's, page ``page``
    (``core.addresses.list_address``)."""
    return list_address(settings.base_url, locale, tag, page)


def feed(settings: Settings, locale: str, kind: str) -> PageAddress:
    """Every address of the locale's feed of ``kind`` (atom, rss, json)."""
    return feed_address(settings.base_url, locale, kind)


def locale_index_url(settings: Settings, locale: str) -> str:
    return f"{settings.base_url}/{quote_component(locale)}/"


def asset_url(settings: Settings, ref: str) -> str:
    """Absolute, encoded URL of a front-matter asset (``/assets/x (1).jpeg``) or URL."""
    if urlsplit(ref).scheme:
        return iri_to_uri(ref)
    path = ref if ref.startswith("/") else "/" + ref
    return settings.base_url + quote_component(path, _PATH_SAFE)


def is_remote(ref: str) -> bool:
    """True when ``ref`` has a scheme or a host: it names no file of the site."""
    parts = urlsplit(ref)
    return bool(parts.scheme or parts.netloc)


def is_absolute(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme and parts.netloc)


def site_url(settings: Settings, path: str) -> str:
    """Absolute, encoded URL of a file at the site root, e.g. ``/sitemap_index.xml``."""
    return settings.base_url + quote_component(path if path.startswith("/") else "/" + path)


def asset_path(ref: str) -> str | None:
    """Decoded path of a local asset below the public folder (``assets/x (1).jpeg``).

    ``None`` for an absolute URL, which names no local file.
    """
    parts = urlsplit(ref)
    if parts.scheme or parts.netloc:
        return None
    return _unquote_strict(parts.path).lstrip("/")


def resolve(base: str, ref: str) -> str:
    """``ref`` (absolute or relative, IRI or URI) resolved against ``base``, as a URI."""
    return iri_to_uri(urljoin(base, ref.strip()))


# Suspicious encodings (links stage): each kind is a finding of its own.
ENCODING_KINDS = {
    "double-encoded": "percent sign encoded again ('%25' before hex digits): "
                      "the server will see a literal '%XX'",
    "invalid-utf8": "percent escapes that do not decode to valid UTF-8",
    "bare-percent": "'%' not followed by two hex digits",
    "space": "raw whitespace in the URL",
}
_DOUBLE = re.compile(r"%25[0-9A-Fa-f]{2}")
_BARE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_ESCAPE_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def encoding_issues(url: str) -> list[str]:
    """Kinds of suspicious encoding in ``url`` as written (keys of ``ENCODING_KINDS``)."""
    kinds = []
    if _DOUBLE.search(url):
        kinds.append("double-encoded")
    if any(not _utf8(run.group(0)) for run in _ESCAPE_RUN.finditer(url)):
        kinds.append("invalid-utf8")
    if _BARE_PERCENT.search(url):
        kinds.append("bare-percent")
    if any(ch.isspace() for ch in url.strip()):
        kinds.append("space")
    return kinds


def _utf8(escapes: str) -> bool:
    try:
        unquote(escapes, errors="strict")
    except UnicodeDecodeError:
        return False
    return True


def host_of(uri: str) -> str:
    """Lowercase host of an absolute URI ('' when there is none)."""
    return (urlsplit(uri).hostname or "").lower()
def site_href(settings: Settings, path: str) -> str:
    """Root-relative, encoded link to a site path (``/en/x/``), keeping ``base_url``'s path.

    Pages link to each other and to assets this way, so they work on any host that
    serves the output folder (the preview server included).
    """
    prefix = urlsplit(settings.base_url).path.rstrip("/")
    return prefix + quote_component(path if path.startswith("/") else "/" + path, _PATH_SAFE)


def page_href(settings: Settings, locale: str, slug: str) -> str:
    """Root-relative, encoded link to an article page."""
    return address(settings, locale, slug).href


def locale_index_href(settings: Settings, locale: str) -> str:
    return urlsplit(locale_index_url(settings, locale)).path


def asset_href(settings: Settings, ref: str) -> str:
    """Link to a front-matter asset: root-relative for site paths, encoded URI otherwise."""
    if urlsplit(ref).scheme:
        return iri_to_uri(ref)
    return urlsplit(asset_url(settings, ref)).path


def page_file(settings: Settings, locale: str, slug: str) -> str:
    """Output file of an article page, relative to the output folder, not encoded.

    A pattern ending in '/' is served from ``index.html`` in that folder.
    """
    return address(settings, locale, slug).file


def locale_index_file(locale: str) -> str:
    return f"{locale}/index.html"


def file_href(settings: Settings, relpath: str) -> str:
    """Root-relative link to a file written into the output folder (``index.html`` dropped)."""
    path = "/" + relpath
    if path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return site_href(settings, path)
