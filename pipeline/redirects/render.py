"""What a redirect is served as: a page per old path, a ``_redirects`` file (Netlify,
Cloudflare Pages) and an nginx ``map`` include; the same bytes for the same redirects.

The page (for a folder path or ``.html``) refreshes at once to the target, names it as
canonical, asks not to be indexed, and shows a link to it with the target's title, in
the target's language and direction. Both files list old paths as served (encoded, with
``base_url``'s own path), sorted; the map's keys are decoded, as nginx's ``$uri`` is.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from urllib.parse import unquote

from pipeline.redirects.paths import served

STATUS = 301
MAP_HEADER = """\
# Old paths of this site and where they moved (seo-pipeline; do not edit by hand).
# Use it inside http {}:
#   map $uri $seo_redirect { default ""; include /path/to/this/file; }
# and inside the site's server {}:
#   if ($seo_redirect) { return 301 $seo_redirect; }
"""


@dataclass(frozen=True, slots=True)
class Target:
    """Where an old path now leads: absolute URL, root-relative link, title, language."""

    url: str
    href: str
    title: str
    lang: str
    direction: str


def has_page(source: str) -> bool:
    """Old paths that get a redirect page: folders and ``.html`` files."""
    return source.endswith(("/", ".html", ".htm"))


def page(target: Target) -> bytes:
    """A redirect page: meta refresh 0, canonical, noindex, a visible link."""
    url, href, title = escape(target.url), escape(target.href), escape(target.title)
    return (f'<!DOCTYPE html>\n<html lang="{escape(target.lang)}" '
            f'dir="{escape(target.direction)}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{title}</title>\n"
            f'<meta name="robots" content="noindex">\n'
            f'<meta http-equiv="refresh" content="0; url={href}">\n'
            f'<link rel="canonical" href="{url}">\n'
            f'<link rel="icon" href="data:,">\n'
            f"</head>\n<body>\n<main>\n"
            f'<p><a href="{href}">{title}</a></p>\n'
            f"</main>\n</body>\n</html>\n").encode()


def netlify(base_path: str, rules: list[tuple[str, str]]) -> bytes:
    """``_redirects``: ``OLD NEW 301`` per line (old path as served, target link)."""
    lines = sorted(f"{served(base_path, source)} {href} {STATUS}\n" for source, href in rules)
    return "".join(lines).encode()


def nginx_map(base_path: str, rules: list[tuple[str, str]]) -> bytes:
    """The ``map`` include: a folder path is matched with and without its last '/'."""
    lines = set()
    for source, href in rules:
        key = unquote(base_path) + source
        value = href.replace("$", "%24")
        lines.add(f'"{key}" "{value}";\n')
        if key.endswith("/") and key != "/":
            lines.add(f'"{key[:-1]}" "{value}";\n')
    return (MAP_HEADER + "".join(sorted(lines))).encode()
