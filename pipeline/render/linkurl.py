"""Link and image destinations as markdown-it wrote them: percent-encoded, unsafe schemes refused.

``normalize_link`` gives the bytes markdown-it's ``normalizeLink`` gives (mdurl parse,
punycode host, format, encode). The common destinations take a fast path: a URL with
an ASCII host only needs mdurl's percent-encoding, done here with one regex; anything
else (an IDN host, brackets, a port, user info, whitespace) goes through markdown-it's
own function. ``tests/test_render_native.py`` checks both paths agree with it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote

from markdown_it.common.normalize_url import normalizeLink, normalizeLinkText

# What mdurl.encode leaves alone: letters, digits, ";/?:@&=+$,-_.!~*'()#" and valid %XX.
_UNSAFE = re.compile(r"[^A-Za-z0-9;/?:@&=+$,\-_.!~*'()#%]+|%(?![0-9A-Fa-f]{2})")
# Destinations whose mdurl parse/format round trip is the identity: a scheme (or none)
# and "//" with a plain host name and port (no user info or IPv6), or a path without a
# scheme; then no whitespace or backslash.
_PLAIN = re.compile(r"(?:(?:[A-Za-z][A-Za-z0-9+.\-]*:)?//(?P<host>[A-Za-z0-9\-]{1,63}"
                    r"(?:\.[A-Za-z0-9\-]{1,63})*)(?::[0-9]+)?(?=[/?#]|$)|(?![A-Za-z0-9.+\-]*:)(?!//))"
                    r"[^\s\\]*")
_BAD_PROTO = re.compile(r"(vbscript|javascript|file|data):")
_GOOD_DATA = re.compile(r"data:image/(gif|png|jpeg|webp);")


def _encode_run(match: re.Match[str]) -> str:
    return quote(match.group(), safe="")


def normalize_link(url: str) -> str:
    """``markdown_it.common.normalize_url.normalizeLink(url)``, fast for ordinary URLs."""
    plain = _PLAIN.fullmatch(url)
    if plain is not None and len(plain.group("host") or "") <= 255:
        return _UNSAFE.sub(_encode_run, url)
    return _normalize_slow(url)


@lru_cache(maxsize=4096)
def _normalize_slow(url: str) -> str:
    return normalizeLink(url)


@lru_cache(maxsize=1024)
def normalize_link_text(url: str) -> str:
    """The text markdown-it shows for an autolink (percent-escapes decoded)."""
    return normalizeLinkText(url)


def link_allowed(url: str) -> bool:
    """markdown-it's ``validateLink``: no javascript:, vbscript:, file: or data: (but images)."""
    lowered = url.strip().lower()
    if _BAD_PROTO.match(lowered):
        return _GOOD_DATA.match(lowered) is not None
    return True
