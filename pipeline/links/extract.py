"""Every link of an article with its ``path:line:col``.

Markdown inline, reference-style and autolinks and images come from markdown-it-py
tokens (block tokens carry line maps; soft and hard breaks advance the line inside a
paragraph). Raw HTML ``<a href>`` / ``<img src>`` is parsed with lxml. Front-matter URL
fields are located with ``Article.line_of``. Destinations are taken as written:
markdown-it's own link normalisation is switched off so that ``pipeline.core.urls`` alone
encodes URLs and can see suspicious encodings.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

from pipeline.core.jsontypes import JSONValue
from pipeline.core.model import Article
from pipeline.links.types import Occurrence, Source

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

    from pipeline.links.cache import LinkCache

FRONT_MATTER_FIELDS = ("coverImage", "ogImage.url", "author.picture")
HTML_ATTRS = {"a": "href", "img": "src"}
VERSION = 1  # bump when what ``extract`` returns changes: stored extractions are then redone


@functools.cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt  # imported on first use: warm runs never parse

    md = MarkdownIt("commonmark").enable("table")
    md.normalizeLink = lambda url: url  # type: ignore[method-assign]  # links checked as written
    md.normalizeLinkText = lambda link: link  # type: ignore[method-assign]  # text as written
    return md


def extract_all(articles: tuple[Article, ...] | list[Article],
                cache: LinkCache | None) -> list[tuple[Article, Occurrence]]:
    """Every link of every article; extractions stored in ``cache`` by source hash are
    reused and new ones stored."""
    stored = cache.extracted({a.source.as_posix() for a in articles}) if cache is not None else {}
    found: list[tuple[Article, Occurrence]] = []
    new_rows = []
    for article in articles:
        path = article.source.as_posix()
        row = stored.get(path)
        occurrences = None
        if row is not None and article.source_hash and row[:2] == (article.source_hash, VERSION):
            occurrences = _decode(row[2], path)
        if occurrences is None:
            occurrences = extract(article)
            if article.source_hash:
                new_rows.append((path, article.source_hash, VERSION, _encode(occurrences)))
        found += [(article, occ) for occ in occurrences]
    if cache is not None:
        cache.save_extracted(new_rows)
    return found


def _encode(occurrences: list[Occurrence]) -> str:
    return json.dumps([[o.raw, o.source.line, o.source.col, o.source.kind]
                       for o in occurrences], ensure_ascii=False)


def _decode(text: str, path: str) -> list[Occurrence] | None:
    try:
        rows: list[JSONValue] = json.loads(text)
        return [Occurrence(str(raw), Source(path, int(line), int(col), str(kind)))
                for raw, line, col, kind in rows]
    except (ValueError, TypeError):
        return None


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
    for token in _parser().parse(body):
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
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return
    for element in root.iter():
        attr = HTML_ATTRS.get(element.tag) if isinstance(element.tag, str) else None
        value = element.get(attr) if attr else None
        if value is not None:
            yield value.strip(), start + (element.sourceline or 1) - 1, "html"
