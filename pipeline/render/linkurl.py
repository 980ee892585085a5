"""Link and image destinations as markdown-it wrote them: percent-encoded, unsafe schemes refused.

``normalize_link`` gives the string markdown-it's ``normalizeLink`` gives (mdurl parse,
punycode host, format, encode). The common destinations take a fast path: a URL with
a plain ASCII host (or none) is already normal, or only needs mdurl's percent-encoding,
done here with one regex; anything else (an IDN host, IPv6, user info, whitespace)
goes through markdown-it's own function. ``tests/test_render_native.py`` checks with
generated URLs that both paths agree with it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it.common.normalize_url import normalizeLink, normalizeLinkText

# A scheme (or none) and "//" with a plain host name and port (no user info or IPv6), or
# a path without a scheme: mdurl's parse/format round trip gives such a URL back as it is.
_AUTHORITY = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.\-]*:)?//(?P<host>[A-Za-z0-9\-]{1,63}"
                        r"(?:\.[A-Za-z0-9\-]{1,63})*)(?::[0-9]+)?(?=[/?#]|$)"
                        r"|(?![A-Za-z0-9.+\-]*:)(?!//)")
# What mdurl.encode leaves alone: letters, digits, ";/?:@&=+$,-_.!~*'()#" and valid %XX.
_KEPT = re.compile(r"[A-Za-z0-9;/?:@&=+$,\-_.!~*'()#%]*")
_ESCAPED = re.compile(r"[^A-Za-z0-9;/?:@&=+$,\-_.!~*'()#%]+")
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_NOT_PLAIN = re.compile(r"[\s\\]")  # mdurl strips whitespace; a backslash is not a path
_BAD_PROTO = re.compile(r"(vbscript|javascript|file|data):")
_GOOD_DATA = re.compile(r"data:image/(gif|png|jpeg|webp);")


def _encode_run(match: re.Match[str]) -> str:
    """Every byte of a run of characters mdurl.encode escapes, as %XX."""
    return "%" + match.group().encode().hex("%").upper()


def normalize_link(url: str) -> str:
    """``markdown_it.common.normalize_url.normalizeLink(url)``, fast for ordinary URLs."""
    head = _AUTHORITY.match(url)
    if head is None or len(head.group("host") or "") > 255 \
            or ("%" in url and _LONE_PERCENT.search(url) is not None):
        return _normalize_slow(url)
    rest = head.end()
    if _KEPT.fullmatch(url, rest) is not None:
        return url
    if _NOT_PLAIN.search(url, rest) is None:
        return url[:rest] + _ESCAPED.sub(_encode_run, url[rest:])
    return _normalize_slow(url)


@lru_cache(maxsize=4096)
def _normalize_slow(url: str) -> str:
    return normalizeLink(url)


def normalize_link_text(url: str) -> str:
    """The text markdown-it shows for an autolink: ``normalizeLinkText(url)``."""
    head = _AUTHORITY.match(url)
    if head is not None and "%" not in url and "xn--" not in url.lower() \
            and _NOT_PLAIN.search(url, head.end()) is None:
        return url  # nothing to decode, no punycode host to show in Unicode
    return _link_text_slow(url)


@lru_cache(maxsize=1024)
def _link_text_slow(url: str) -> str:
    return normalizeLinkText(url)


def link_allowed(url: str) -> bool:
    """markdown-it's ``validateLink``: no javascript:, vbscript:, file: or data: (but images)."""
    lowered = url.strip().lower()
    if _BAD_PROTO.match(lowered):
        return _GOOD_DATA.match(lowered) is not None
    return True
