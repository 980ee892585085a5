"""An article body read into located blocks: paragraphs, headings, images and links.

Lines are 1-based lines of the source file (the body's offset added), from markdown-it
block maps, so every finding points at the paragraph, heading or image it is about.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline.analysis import textnorm
from pipeline.core.model import Article

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

# A sentence ends at . ! ? or the Arabic question mark and full stop, then a space or the end.
_SENTENCE_END = re.compile(r"(?<=[.!?؟۔])\s+")


@dataclass(frozen=True)
class Block:
    text: str
    line: int


@dataclass(frozen=True)
class Heading(Block):
    level: int = 2


@dataclass(frozen=True)
class Image:
    src: str
    alt: str
    line: int


@dataclass(frozen=True)
class Link:
    href: str
    text: str
    line: int


@dataclass
class Document:
    paragraphs: list[Block] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.paragraphs)


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph (split after . ! ? ؟)."""
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


def sentence_words(text: str) -> list[list[str]]:
    """The words of each sentence of a paragraph, ``[textnorm.words(s) for s in
    sentences(text)]``, with the text normalised once; joined, they are
    ``textnorm.words(text)`` (sentences split at spaces, which no word holds)."""
    return [textnorm.words_of_nfc(s) for s in sentences(unicodedata.normalize("NFC", text))]


@functools.cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable("table")
    md.normalizeLink = lambda url: url  # type: ignore[method-assign]  # keep URLs as written
    md.normalizeLinkText = lambda link: link  # type: ignore[method-assign]  # keep link text as written
    return md


def read(article: Article) -> Document:
    """The located blocks of ``article``'s body."""
    return parse(article.body, article.body_line)


def parse(body: str, body_line: int = 1) -> Document:
    """The located blocks of ``body`` (its first line is line ``body_line`` of the file).
    The page's FAQ structured data and the analysis both read an article's blocks: the
    last few bodies are kept, so each is parsed once. Callers only read the result."""
    return _parsed(body, body_line)


@functools.lru_cache(maxsize=4)
def _parsed(body: str, body_line: int) -> Document:
    doc = Document()
    tokens = _parser().parse(body)
    heading_level = 0
    for token in tokens:
        if token.type == "heading_open":
            heading_level = int(token.tag[1:])
        elif token.type == "heading_close":
            heading_level = 0
        if token.type != "inline" or token.map is None:
            continue
        line = body_line + token.map[0]
        text = _inline_text(token.children or [], line, doc)
        if heading_level:
            doc.headings.append(Heading(text, line, heading_level))
        elif text.strip():
            doc.paragraphs.append(Block(text, line))
    return doc


def _inline_text(children: list[Token], line: int, doc: Document) -> str:
    parts: list[str] = []
    link: tuple[str, int, int] | None = None  # href, line, where its text starts in parts
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
            parts.append(" ")
        elif child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "image":
            doc.images.append(Image(str(child.attrs.get("src", "")), child.content, line))
        elif child.type == "link_open":
            link = (str(child.attrs.get("href", "")), line, len(parts))
        elif child.type == "link_close" and link is not None:
            doc.links.append(Link(link[0], "".join(parts[link[2]:]).strip(), link[1]))
            link = None
    return "".join(parts).strip()
