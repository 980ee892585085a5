"""Old site paths (``aliases``, ``[redirects] rules``): checked, then normalised once.

A path is relative to the site (as ``site.url_pattern`` is: ``base_url``'s own path is
added when it is served). Percent-escapes are decoded (UTF-8) and the text put in NFC,
so ``/en/caf%C3%A9/`` and ``/en/café/`` are one path; a last segment without a dot gets
a trailing slash (``/en/old`` is the folder ``/en/old/``, as the pages here are).
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote

from pipeline.core import urls
from pipeline.core.text import invisible_chars

# Characters a redirect file (``_redirects``, an nginx map) or a URL path cannot carry as is.
FORBIDDEN = set("\\?#<>\"'`|^{}[]*$;")


def alias_problem(value: str) -> str:
    """Why ``value`` is not an old path of this site, or ''."""
    if not isinstance(value, str):
        return ""
    if not value.startswith("/") or value.startswith("//"):
        return "must be a path on this site starting with '/' (no scheme or host)"
    try:
        text = unquote(value, errors="strict")
    except UnicodeDecodeError:
        return "has a percent-escape that is not UTF-8"
    if hidden := invisible_chars(text):
        return f"contains control or invisible characters ({', '.join(hidden)})"
    if any(c.isspace() for c in text):
        return "contains whitespace"
    if bad := set(text) & FORBIDDEN:
        return f"contains characters not allowed in a redirect path: {''.join(sorted(bad))}"
    segments = text.split("/")[1:]
    if any(s in (".", "..") for s in segments):
        return "contains '.' or '..' segments"
    if "" in segments[:-1]:
        return "contains '//'"
    return ""


def normal(value: str) -> str:
    """The one form of a valid old path as written (percent-escapes allowed): decoded,
    NFC, a folder path ending in '/'."""
    return normal_decoded(unquote(value))


def normal_decoded(path: str) -> str:
    """``normal`` of a path already decoded (a '%' in it is a literal)."""
    text = unicodedata.normalize("NFC", path)
    last = text.rsplit("/", 1)[1]
    if last and "." not in last:
        text += "/"
    return text


def output_file(path: str) -> str:
    """The file serving ``path`` in the output folder (``en/old/index.html``)."""
    relative = path.lstrip("/")
    return relative + "index.html" if not relative or relative.endswith("/") else relative


def of_href(base_path: str, href: str) -> str:
    """The site path of a root-relative link made by ``urls`` (decoded, without the
    base URL's own path)."""
    path = unquote(href)
    return path[len(base_path):] if base_path and path.startswith(base_path) else path


def is_file_path(path: str) -> bool:
    """A path naming a file (``/old.html``) rather than a folder."""
    return not path.endswith("/")


def served(base_path: str, path: str) -> str:
    """``path`` as the server sees it: encoded, with the base URL's own path."""
    return base_path + urls.encode_page_path(path)
