"""An article body as translatable segments, and the body again from translated segments.

pyromark (the renderer's parser) gives every event with its byte span in the body. A
*segment* is the inline content of one leaf block: a heading, a paragraph, the text of a
tight list item, a table cell. Inline markup becomes numbered *codes* the translator
cannot edit: paired ones (emphasis, strong, strikethrough, an inline or full-reference
link, an image: the text or alt inside stays translatable) and standalone ones (code
span, inline HTML, autolink, hard break, a shortcut reference link, and literal text
that looks like a placeholder). Each code keeps the exact Markdown it stands for, so

    assemble(body, segments, {s.id: s.tokens for s in segments}) == body

byte for byte. A soft line break is a newline in the segment text; the container prefix
after it (``> ``, list indentation) is kept per break and reused.

A segment id is its structural path: ``body.h2`` (second heading of the body),
``body.p3``, ``body.l1.i2`` (list 1, item 2), ``body.l1.i2.l1.i1``, ``body.q1.p1``
(a paragraph in a block quote), ``body.t1.r0.c2`` (table 1, header row, cell 2).
Counters are per kind, so inserting a paragraph renumbers only the paragraphs after it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import pyromark

from pipeline.core.jsontypes import JSONValue

_PARSER = pyromark.Markdown(options=pyromark.Options.ENABLE_TABLES)

# Token kinds of a segment's content.
TEXT, OPEN, CLOSE, PH = "text", "open", "close", "ph"
# Any: (TEXT, str) | (OPEN, id) | (CLOSE, id) | (PH, id) with int ids; the kind tells which,
# and a union of tuples would need a narrowing at every use of the value.
Token = tuple[str, Any]

# A placeholder in PO text.
PLACEHOLDER_LIKE = re.compile(r"</?\d+/?>")
# Source text protected as a ``literal`` code: what reads as a placeholder, and a leading
# "_:" (gettext tools read it as a KDE-style context).
_PROTECTED = re.compile(r"</?\d+/?>|\A_:")
_PAIRED = {"Emphasis": "em", "Strong": "strong", "Strikethrough": "strike", "Link": "link",
           "Image": "image"}
_BLOCK_LETTER = {"Paragraph": "p", "Heading": "h", "List": "l", "Item": "i",
                 "BlockQuote": "q", "Table": "t", "TableCell": "c", "CodeBlock": "code",
                 "HtmlBlock": "html"}
_LEAVES = frozenset({"Paragraph", "Heading", "TableCell"})
# Markup nested deeper than this is one standalone code (its text is not offered for
# translation): bounds the recursion on hostile input; real articles nest 2 or 3 deep.
MAX_INLINE_DEPTH = 32


@dataclass(frozen=True)
class Code:
    """One placeholder: the Markdown before (and, paired, after) the content it wraps."""

    id: int
    kind: str  # em, strong, strike, link, image, code, html, autolink, br, ref, literal
    start: str
    end: str | None = None  # None: a standalone code

    @property
    def paired(self) -> bool:
        return self.end is not None


@dataclass(frozen=True)
class Segment:
    """One translatable unit of an article and where it sits in its Markdown."""

    id: str
    kind: str  # heading, paragraph, item, cell (body); title, excerpt, coverAlt, slug
    tokens: tuple[Token, ...]
    codes: dict[int, Code] = field(default_factory=dict)
    start: int = 0  # byte span in the body (body segments)
    end: int = 0
    line: int = 1  # 1-based line in the body
    breaks: tuple[str, ...] = ()  # each soft break's Markdown: "\n" plus the prefix after it
    continuation: str | None = None  # prefix of an added line; None: newlines become spaces

    @property
    def text(self) -> str:
        """The content as a translator sees it in PO: ``<1>``, ``</1>``, ``<2/>``."""
        return text_form(self.tokens)

    @property
    def translatable(self) -> bool:
        """Whether there is any text to translate (not only codes and spaces)."""
        return any(kind == TEXT and value.strip() for kind, value in self.tokens)

    def shape(self) -> tuple[tuple[str, str], ...]:
        """The sequence of codes (kind, open/close/ph): what a translation must keep."""
        return tuple((kind, self.codes[value].kind) for kind, value in self.tokens
                     if kind != TEXT)


def text_form(tokens: Iterable[Token]) -> str:
    parts = []
    for kind, value in tokens:
        if kind == TEXT:
            parts.append(value)
        elif kind == OPEN:
            parts.append(f"<{value}>")
        elif kind == CLOSE:
            parts.append(f"</{value}>")
        else:
            parts.append(f"<{value}/>")
    return "".join(parts)


def parse_text_form(text: str) -> list[Token]:
    """The tokens of a PO string (``<1>``, ``</1>``, ``<2/>``); no check of ids here."""
    tokens: list[Token] = []
    at = 0
    for match in PLACEHOLDER_LIKE.finditer(text):
        if match.start() > at:
            tokens.append((TEXT, text[at:match.start()]))
        raw = match.group()
        number = int(raw.strip("</>"))
        kind = CLOSE if raw.startswith("</") else PH if raw.endswith("/>") else OPEN
        tokens.append((kind, number))
        at = match.end()
    if at < len(text):
        tokens.append((TEXT, text[at:]))
    return tokens


def plain_segment(seg_id: str, kind: str, value: str) -> Segment:
    """A front-matter segment: plain text, with placeholder-like runs protected."""
    codes: dict[int, Code] = {}
    tokens = _protect(value, codes)
    return Segment(seg_id, kind, tuple(tokens), codes)


def _protect(text: str, codes: dict[int, Code]) -> list[Token]:
    """Text tokens, with every placeholder-like run made a standalone ``literal`` code."""
    tokens: list[Token] = []
    at = 0
    for match in _PROTECTED.finditer(text):
        if match.start() > at:
            tokens.append((TEXT, text[at:match.start()]))
        number = len(codes) + 1
        codes[number] = Code(number, "literal", match.group())
        tokens.append((PH, number))
        at = match.end()
    if at < len(text):
        tokens.append((TEXT, text[at:]))
    return tokens


@dataclass
class _Node:
    """An inline event with its children (paired markup) or none."""

    kind: str  # "Text", "SoftBreak", "HardBreak", "Code", "InlineHtml", a _PAIRED tag...
    start: int
    end: int
    data: Any = None  # Any: a Start event's payload, whose shape depends on the tag
    children: list[_Node] = field(default_factory=list)


@dataclass
class _Frame:
    """An open block: its id, per-kind child counters, and the inline run it collects."""

    tag: str
    id: str
    start: int
    counters: dict[str, int] = field(default_factory=dict)
    run: list[_Node] = field(default_factory=list)
    runs: int = 0

    def child_id(self, letter: str) -> str:
        number = self.counters.get(letter, 0) + 1
        self.counters[letter] = number
        return f"{self.id}.{letter}{number}"


class _Segmenter:
    """One pass over the body's events, collecting the segments in document order."""

    def __init__(self, body: str):
        self.body = body
        self.data = body.encode()
        self.segments: list[Segment] = []
        self.line_starts = [0] + [m.end() for m in re.finditer(b"\n", self.data)]

    def src(self, start: int, end: int) -> str:
        return self.data[start:end].decode()

    def run(self) -> list[Segment]:
        frames = [_Frame("Document", "body", 0)]
        inline: list[_Node] = []  # open paired inline nodes
        for event, span in _PARSER.events_with_range(self.body, merge_text=True):
            start, end = span["start"], span["end"]
            if isinstance(event, str):  # SoftBreak, HardBreak, Rule
                if event != "Rule":
                    self._add(frames, inline, _Node(event, start, end))
                continue
            # pyromark types each event as one of many one-key TypedDicts: read it as a dict
            ((what, value),) = cast("dict[str, JSONValue]", event).items()
            if what == "Start":
                tag = value if value.__class__ is str else next(iter(value))
                data = None if value.__class__ is str else value[tag]
                if tag in _PAIRED:
                    node = _Node(tag, start, end, data)
                    self._add(frames, inline, node)
                    inline.append(node)
                    continue
                self._flush(frames[-1])
                letter = _BLOCK_LETTER.get(tag)
                if tag == "TableHead":
                    frame = _Frame(tag, f"{frames[-1].id}.r0", start)
                elif tag == "TableRow":
                    frame = _Frame(tag, frames[-1].child_id("r"), start)
                else:
                    frame = _Frame(tag, frames[-1].child_id(letter) if letter else
                                   frames[-1].id, start)
                frames.append(frame)
            elif what == "End":
                tag = value if value.__class__ is str else next(iter(value))
                if tag in _PAIRED:
                    inline.pop()
                    continue
                frame = frames.pop()
                self._flush(frame)
            elif frames[-1].tag not in ("CodeBlock", "HtmlBlock"):
                self._add(frames, inline, _Node(what, start, end, value))
        return self.segments

    def _add(self, frames: list[_Frame], inline: list[_Node], node: _Node) -> None:
        if inline:
            inline[-1].children.append(node)
        elif frames[-1].tag in _LEAVES or frames[-1].tag == "Item":
            frames[-1].run.append(node)

    def _flush(self, frame: _Frame) -> None:
        """Turn the frame's collected inline run (if any) into a segment."""
        if not frame.run:
            return
        nodes, frame.run = frame.run, []
        frame.runs += 1
        seg_id = frame.id if frame.runs == 1 else f"{frame.id}.x{frame.runs}"
        kind = {"Paragraph": "paragraph", "Heading": "heading", "TableCell": "cell",
                "Item": "item"}[frame.tag]
        codes: dict[int, Code] = {}
        breaks: list[str] = []
        tokens = self._tokens(nodes, codes, breaks)
        start, end = nodes[0].start, nodes[-1].end
        line = self._line(start)
        continuation = None
        if kind in ("paragraph", "item") or breaks:
            prefix = self.src(self.line_starts[line], start)
            continuation = "".join(c if c in "> \t" else " " for c in prefix)
        self.segments.append(Segment(seg_id, kind, tuple(_merge(tokens)), codes, start, end,
                                     line + 1, tuple(breaks), continuation))

    def _line(self, offset: int) -> int:
        """0-based line of a byte offset."""
        return bisect_right(self.line_starts, offset) - 1

    def _tokens(self, nodes: Sequence[_Node], codes: dict[int, Code],
                breaks: list[str], until: int | None = None, depth: int = 0) -> list[Token]:
        """Tokens of sibling nodes; the gaps between them go with the break before them."""
        tokens: list[Token] = []
        for index, node in enumerate(nodes):
            after = nodes[index + 1].start if index + 1 < len(nodes) else until
            if index and nodes[index - 1].end < node.start and nodes[index - 1].kind not in (
                    "SoftBreak", "HardBreak"):
                tokens.append(self._standalone(codes, "gap", nodes[index - 1].end, node.start))
            tail = after if after is not None and node.kind in ("SoftBreak", "HardBreak") \
                else node.end
            if node.kind == "Text":
                tokens.extend(_protect(self.src(node.start, node.end), codes))
            elif node.kind == "SoftBreak":
                breaks.append(self.src(node.start, tail))
                tokens.append((TEXT, "\n"))
            elif node.kind == "HardBreak":
                tokens.append(self._standalone(codes, "br", node.start, tail))
            elif node.kind in _PAIRED and self._is_pair(node) and depth < MAX_INLINE_DEPTH:
                number = len(codes) + 1
                first, last = node.children[0], node.children[-1]
                codes[number] = Code(number, _PAIRED[node.kind],
                                     self.src(node.start, first.start),
                                     self.src(last.end, node.end))
                tokens.append((OPEN, number))
                tokens.extend(self._tokens(node.children, codes, breaks, last.end, depth + 1))
                tokens.append((CLOSE, number))
            else:
                kind = {"Code": "code", "InlineHtml": "html", "Html": "html"}.get(node.kind)
                if node.kind == "Link":
                    kind = "autolink" if node.data["link_type"] in ("Autolink", "Email") \
                        else "ref"
                tokens.append(self._standalone(codes, kind or "other", node.start, node.end))
        return tokens

    def _is_pair(self, node: _Node) -> bool:
        """Paired markup whose content is translatable text, not a label or a URL."""
        if not node.children:
            return False
        if node.kind in ("Link", "Image"):
            return node.data["link_type"] in ("Inline", "Reference")
        return True

    def _standalone(self, codes: dict[int, Code], kind: str, start: int, end: int) -> Token:
        number = len(codes) + 1
        codes[number] = Code(number, kind, self.src(start, end))
        return (PH, number)


def _merge(tokens: list[Token]) -> list[Token]:
    """Adjacent text tokens joined."""
    merged: list[Token] = []
    for token in tokens:
        if token[0] == TEXT and merged and merged[-1][0] == TEXT:
            merged[-1] = (TEXT, merged[-1][1] + token[1])
        elif token != (TEXT, ""):
            merged.append(token)
    return merged


def segments_of(body: str) -> list[Segment]:
    """The body's segments in document order (each leaf block once)."""
    return _Segmenter(body).run()


def render(segment: Segment, tokens: Sequence[Token]) -> str:
    """The Markdown of ``tokens`` placed where ``segment`` stood (codes restored)."""
    out: list[str] = []
    breaks = iter(segment.breaks)
    for kind, value in tokens:
        if kind == TEXT:
            lines = value.split("\n")
            out.append(lines[0])
            for line in lines[1:]:
                if segment.continuation is None:
                    out.append(" ")
                else:
                    out.append(next(breaks, "\n" + segment.continuation))
                out.append(line)
        elif kind == OPEN:
            out.append(segment.codes[value].start)
        elif kind == CLOSE:
            out.append(segment.codes[value].end or "")
        else:
            out.append(segment.codes[value].start)
    return "".join(out)


def assemble(body: str, segments: Sequence[Segment],
             targets: Mapping[str, Sequence[Token]]) -> str:
    """``body`` with each segment in ``targets`` replaced by its translation."""
    data = body.encode()
    out: list[bytes] = []
    at = 0
    for segment in segments:
        if segment.id not in targets:
            continue
        out.append(data[at:segment.start])
        out.append(render(segment, targets[segment.id]).encode())
        at = segment.end
    out.append(data[at:])
    return b"".join(out).decode()
