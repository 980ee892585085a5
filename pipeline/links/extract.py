"""Every link of an article with its ``path:line:col``.

Markdown inline, reference-style and autolinks and images come from markdown-it-py
tokens (block tokens carry line maps; soft and hard breaks advance the line inside a
paragraph). Raw HTML ``<a href>`` / ``<img src>`` is parsed with lxml. Front-matter URL
fields are located with ``Article.line_of``. Destinations are taken as written:
markdown-it's own link normalisation is switched off so that ``pipeline.core.urls`` alone
encodes URLs and can see suspicious encodings.
"""

from __future__ import annotations

from collections.abc import Iterator

import lxml.etree
import lxml.html
from markdown_it import MarkdownIt
from markdown_it.token import Token

from pipeline.core.model import Article
from pipeline.links.types import Occurrence, Source

FRONT_MATTER_FIELDS = ("coverImage", "ogImage.url", "author.picture")
HTML_ATTRS = {"a": "href", "img": "src"}


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable("table")
    md.normalizeLink = lambda url: url  # type: ignore[method-assign]
    md.normalizeLinkText = lambda url: url  # type: ignore[method-assign]
    return md


_MD = _parser()


def extract(article: Article) -> list[Occurrence]:
    """Links of one article: front matter first, then the body in document order."""
    path = article.source.as_posix()
    found = list(_front_matter(article, path))
    lines = article.body.split("\n")
    for raw, line, kind in _body_links(article.body):
        text = lines[line] if line < len(lines) else ""
        col = text.find(raw) + 1 if raw and raw in text else 1
        found.append(Occurrence(raw, Source(path, article.body_line + line, col, kind)))
    return found


def _front_matter(article: Article, path: str) -> Iterator[Occurrence]:
    meta = article.meta
    values = {"coverImage": meta.cover_image, "ogImage.url": meta.og_image,
              "author.picture": meta.author.picture}
    for key in FRONT_MATTER_FIELDS:
        if values[key]:
            yield Occurrence(values[key], Source(path, article.line_of(key), 1, "frontmatter"))


def _body_links(body: str) -> Iterator[tuple[str, int, str]]:
    """``(destination, 0-based body line, kind)`` for every link in the Markdown body."""
    for token in _MD.parse(body):
        if token.map is None:
            continue
        start = token.map[0]
        if token.type == "inline":
            yield from _inline_links(token.children or [], start)
        elif token.type == "html_block":
            yield from _html_links(token.content, start)


def _inline_links(children: list[Token], start: int) -> Iterator[tuple[str, int, str]]:
    line = start
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "link_open":
            kind = "autolink" if child.markup == "autolink" else "markdown"
            yield str(child.attrs.get("href", "")), line, kind
        elif child.type == "image":
            yield str(child.attrs.get("src", "")), line, "image"
        elif child.type == "html_inline":
            yield from _html_links(child.content, line)


def _html_links(html: str, start: int) -> Iterator[tuple[str, int, str]]:
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return
    for element in root.iter():
        attr = HTML_ATTRS.get(element.tag) if isinstance(element.tag, str) else None
        value = element.get(attr) if attr else None
        if value is not None:
            yield value.strip(), start + (element.sourceline or 1) - 1, "html"
