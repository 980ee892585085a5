"""Fragment targets of an HTML page (``id`` attributes and ``<a name>``), and lookup.

Fragments are compared after percent-decoding (UTF-8) and Unicode NFC on both sides,
so ``#%D9%85%D9%82%D8%AF%D9%85%D8%A9``, ``#مقدمة`` and ``id="مقدمة"`` all match.
"""

from __future__ import annotations

import unicodedata

from pipeline.core.urls import decode_fragment

TOP_OF_PAGE = frozenset({"", "top"})  # HTML: an empty fragment or "top" needs no element


def anchors(html: bytes, encoding: str | None = None) -> frozenset[str]:
    """Every ``id`` and ``<a name>`` value of an HTML document, NFC-normalised."""
    import lxml.etree  # a page is being read: the parser is needed now
    import lxml.html

    if not html.strip():
        return frozenset()
    if encoding is None and _is_utf8(html):
        encoding = "utf-8"  # no declared charset: UTF-8 when it decodes as such
    parser = lxml.html.HTMLParser(encoding=encoding, recover=True)
    try:
        root = lxml.html.document_fromstring(html, parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return frozenset()
    found = {norm_anchor(v) for v in root.xpath("//@id")}
    found.update(norm_anchor(v) for v in root.xpath("//a/@name"))
    return frozenset(found)


def has_fragment(page_anchors: frozenset[str], fragment: str) -> bool:
    """True when ``fragment`` (as written in the link) names an element of the page."""
    if fragment.lower() in TOP_OF_PAGE:
        return True
    return norm_anchor(decode_fragment(fragment)) in page_anchors or norm_anchor(fragment) in page_anchors


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(data) - 3  # a body cut at the byte cap may end mid-character
    return True


def norm_anchor(value: str) -> str:
    """Ids and fragments compare in Unicode NFC."""
    return unicodedata.normalize("NFC", value)
