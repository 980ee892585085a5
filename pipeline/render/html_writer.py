"""HTML from pyromark's event stream (pulldown-cmark, in Rust), written as markdown-it wrote it.

Parsing is native; this module only walks the events once, in one loop, and writes the
markup markdown-it's renderer wrote (same tags, attributes, escaping and newlines), with
the project's own rules: heading ids, escaped or kept raw HTML, lazy images or the alt
text of a missing one, logical table alignment, a wrapper around tables, unsafe link
schemes left as text, and markdown-it's nesting limit (what lies deeper is cut). The
same pass collects the plain text (one line per block, as markdown-it's inline tokens
gave it), the headings and the places that need a warning, as UTF-8 byte offsets into
the body.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pyromark
from markdown_it.common.utils import MD_TRIM_RE, mdTrim
from pyromark.event import Range

from pipeline.render.headings import Heading, UniqueIds, slugify
from pipeline.render.linkurl import link_allowed, normalize_link, normalize_link_text

_PARSER = pyromark.Markdown(options=pyromark.Options.ENABLE_TABLES)
_INLINE_TAGS = frozenset({"Emphasis", "Strong", "Link", "Image", "Strikethrough", "Superscript",
                          "Subscript"})
# Parts a list or table opens with itself (markdown-it pushed them whatever the depth).
_PARTS = frozenset({"Item", "TableHead", "TableRow", "TableCell"})
_END_QUOTE = {"End": {"BlockQuote": None}}
# Kept raw HTML ("allow") may leave at most this many elements open: the sanitizer's
# HTML parser takes time quadratic in the depth of open block elements (100,000 nested
# <div>s took 49 s), so the raw HTML past that depth is shown as text.
MAX_OPEN_RAW_TAGS = 1000
_RAW_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^<>]*?(/?)>")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})
# Column alignment in logical terms, so a translated table mirrors with its text.
_ALIGN = {"None": "", "Left": ' style="text-align:start"', "Right": ' style="text-align:end"',
          "Center": ' style="text-align:center"'}


def escape_text(text: str) -> str:
    """markdown-it's ``escapeHtml``: ``& < > "``, not ``'``."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") \
               .replace('"', "&quot;")


@dataclass
class Site:
    """A place that needs a warning: what, where (byte offset in the body), about what."""

    kind: str  # "html", "image" (missing), "table" (too many cells), "nesting"
    offset: int
    detail: int | str | None = None  # raw HTML or image src (str), a count (int)


@dataclass
class Written:
    """What one pass gives: the HTML, the text of each block, headings, warning sites."""

    html: str
    blocks: list[str]
    headings: list[Heading]
    sites: list[Site] = field(default_factory=list)


class _Walk:
    """One document's pass over the events; ``run`` is the hot loop."""

    def __init__(self, body: str, escape_html: bool, image_exists: Callable[[str], bool],
                 image_size: Callable[[str], str],
                 max_nesting: int, max_table_cells: int):
        self.body = body
        self.escape_html = escape_html
        self.image_exists = image_exists
        self.image_size = image_size
        self.limit = max_nesting
        self.nested = False  # the nesting warning was noted
        self.open_raw = 0  # elements kept raw HTML opened and did not close
        self.raw_cut = False  # raw HTML past MAX_OPEN_RAW_TAGS is shown as text
        self.max_table_cells = max_table_cells
        self.out: list[str] = []
        self.blocks: list[str] = []
        self.headings: list[Heading] = []
        self.sites: list[Site] = []
        self.ids = UniqueIds()
        self._source: bytes | None = None

    def nesting(self, offset: int) -> None:
        """Note the nesting warning, once per document."""
        if not self.nested:
            self.nested = True
            self.sites.append(Site("nesting", offset))

    def keep_raw(self, content: str, offset: int) -> bool:
        """Whether raw HTML can be kept ("allow"): not once it opens too many elements."""
        if not self.raw_cut:
            opened = self.open_raw
            for closing, name, self_closing in _RAW_TAG.findall(content):
                if closing:
                    opened = max(0, opened - 1)
                elif not self_closing and name.lower() not in _VOID:
                    opened += 1
            if opened <= MAX_OPEN_RAW_TAGS:
                self.open_raw = opened
                return True
            self.raw_cut = True
            self.sites.append(Site("raw-depth", offset, opened))
        return False

    def source(self, start: int, end: int) -> str:
        """The body text between two byte offsets."""
        if self._source is None:
            self._source = self.body.encode()
        return self._source[start:end].decode()

    def run(self) -> Written:  # one long loop on purpose: it is the hot path
        out, blocks, sites = self.out, self.blocks, self.sites
        append = out.append
        esc = escape_text
        raw_escape = self.escape_html
        buf: list[str] | None = None  # the text of the open inline run (paragraph, cell...)
        code: list[str] | None = None  # the text of the open code block
        alt: list[str] = []  # the alt text of the open image
        image_depth = 0
        image: tuple[str, str, int] = ("", "", 0)  # the open image: dest, title, offset
        raw: list[str] | None = None  # the lines of the open HTML block
        heading_at = heading_level = 0
        align: tuple[str, ...] = ()
        cell = cells = table_at = block_at = 0
        in_head = tbody = False
        nl = True  # the output ends with a newline
        quote_open = False  # "<blockquote>" written, its newline not yet
        # Nesting as markdown-it counted it: block containers (``stack``) and, apart, inline
        # markup. A block opened at depth ``limit`` is cut with all it holds (a list item
        # or table row is kept, empty), so is the text of a list item at that depth
        # (markdown-it's hidden paragraph); the warning comes where markdown-it gave it.
        # Unlike markdown-it, what follows the cut block is kept.
        stack: list[str] = []
        inline_depth = skip = 0
        limit = self.limit
        deep_from = max(limit - 2, 1)
        deep = False  # len(stack) >= deep_from: the nesting rules apply
        # Any: an event is a str or a one-key dict whose value's shape depends on the key; the
        # loop dispatches on the key by hand (the hot path), which mypy cannot follow through
        # pyromark's union of TypedDicts.
        events: Iterator[tuple[Any, Range]] = _PARSER.events_with_range(self.body, merge_text=True)
        data: Any = None  # Any: a Start event's payload, whose shape depends on the tag
        for event, span in events:
            if skip:
                if event.__class__ is dict:
                    if "Start" in event:
                        skip += 1
                    elif "End" in event:
                        skip -= 1
                continue
            if quote_open:
                quote_open = False
                if event == _END_QUOTE:
                    pass  # an empty quote: markdown-it wrote <blockquote></blockquote>
                elif len(stack) >= limit and event.__class__ is dict and "Start" in event:
                    quote_open = True  # its content is cut: the quote stays empty
                else:
                    append("\n")
            if event.__class__ is str:
                if deep and stack[-1] == "Item" and len(stack) >= limit:
                    continue  # a break in the cut text of a list item
                if image_depth:
                    if event != "Rule":
                        alt.append("\n")
                elif event == "SoftBreak":
                    append("\n")
                    nl = True
                elif event == "HardBreak":
                    append("<br />\n")
                    nl = True
                else:  # Rule
                    if buf is not None:
                        blocks.append("".join(buf))
                        buf = None
                    append("<hr />\n" if nl else "\n<hr />\n")
                    nl = True
                continue
            ((kind, value),) = event.items()
            if kind == "Text":
                if image_depth:
                    alt.append(value)
                elif code is not None:
                    code.append(value)
                    append(esc(value))
                elif raw is not None:  # the indentation of an HTML block's first line
                    raw.append(value)
                else:
                    if deep and stack[-1] == "Item":
                        self.nesting(span["start"])
                        if len(stack) >= limit:
                            continue
                    append(esc(value))
                    if buf is None:
                        buf = [value]
                    else:
                        buf.append(value)
                    nl = False
                continue
            if kind == "Start":
                if value.__class__ is str:
                    tag = value
                    data = None
                else:
                    ((tag, data),) = value.items()
                if tag in _INLINE_TAGS:
                    if inline_depth >= limit or (deep and stack[-1] == "Item"
                                                 and len(stack) >= limit):
                        self.nesting(span["start"])
                        skip = 1
                        continue
                    inline_depth += 1
                elif len(stack) >= limit and tag not in _PARTS:
                    self.nesting(span["start"])
                    skip = 1
                    continue
                else:
                    stack.append(tag)
                    if len(stack) >= deep_from:
                        deep = True
                        if len(stack) >= limit or (len(stack) >= limit - 1 and tag in (
                                "Paragraph", "Heading")) or tag == "TableCell":
                            # a cell's text sat 2 levels deeper in markdown-it (tr, tbody)
                            self.nesting(span["start"])
                if image_depth:
                    if tag == "Image":
                        image_depth += 1
                    continue
                if tag == "Emphasis":
                    append("<em>")
                    if buf is None:
                        buf = []
                    nl = False
                elif tag == "Strong":
                    append("<strong>")
                    if buf is None:
                        buf = []
                    nl = False
                elif tag == "Link":
                    if buf is None:
                        buf = []
                    nl = False
                    link_type = data["link_type"]
                    dest = data["dest_url"]
                    if link_type == "Email":
                        dest = "mailto:" + dest
                    href = normalize_link(dest)
                    if not link_allowed(href):
                        text = self.source(span["start"], span["end"])
                        append(esc(text))
                        buf.append(text)
                        skip = 1
                        inline_depth -= 1
                    elif link_type in ("Autolink", "Email"):
                        text = normalize_link_text(data["dest_url"])
                        append(f'<a href="{esc(href)}">{esc(text)}</a>')
                        buf.append(text)
                        skip = 1
                        inline_depth -= 1
                    else:
                        title = data["title"]
                        extra = f' title="{esc(title)}"' if title else ""
                        append(f'<a href="{esc(href)}"{extra}>')
                elif tag == "Paragraph":
                    if buf is not None:
                        blocks.append("".join(buf))
                    buf = []
                    append("<p>" if nl else "\n<p>")
                    nl = False
                elif tag == "Item":
                    if buf is not None:
                        blocks.append("".join(buf))
                        buf = None
                    append("<li>" if nl else "\n<li>")
                    nl = False
                elif tag == "List":
                    if buf is not None:
                        blocks.append("".join(buf))
                        buf = None
                    if data is None:
                        opening = "<ul>\n"
                    elif data == 1:
                        opening = "<ol>\n"
                    else:
                        opening = f'<ol start="{data}">\n'
                    append(opening if nl else "\n" + opening)
                    nl = True
                elif tag == "Heading":
                    if buf is not None:
                        blocks.append("".join(buf))
                    buf = []
                    heading_level = int(data["level"][1])
                    heading_at = len(out)
                    append("" if nl else "\n")  # the opening tag, once the id is known
                    nl = False
                elif tag == "Image":
                    if buf is None:
                        buf = []
                    nl = False
                    image_depth = 1
                    alt = []
                    image = (data["dest_url"], data["title"], span["start"])
                    src = normalize_link(image[0])
                    if not link_allowed(src):
                        text = self.source(span["start"], span["end"])
                        append(esc(text))
                        buf.append(text)
                        image_depth = 0
                        skip = 1
                        inline_depth -= 1
                elif tag == "CodeBlock":
                    if buf is not None:
                        blocks.append("".join(buf))
                        buf = None
                    if not nl:
                        append("\n")
                    code = []
                    lang = ""
                    if data != "Indented":
                        info = mdTrim(data["Fenced"])
                        lang = MD_TRIM_RE.split(info, maxsplit=1)[0] if info else ""
                    append(f'<pre><code class="language-{esc(lang)}">' if lang
                           else "<pre><code>")
                elif tag == "BlockQuote":
                    if buf is not None:
                        blocks.append("".join(buf))
                        buf = None
                    append("<blockquote>" if nl else "\n<blockquote>")
                    quote_open = True
                    nl = True
                elif tag == "HtmlBlock":
                    if buf is not None:
                        blocks.append("".join(buf))
                        buf = None
                    if out and out[-1].endswith("<li>"):
                        append("\n")  # markdown-it breaks the line after <li> before a block
                    raw = []
                    block_at = span["start"]
                elif tag == "Table":
                    if buf is not None:
                        blocks.append("".join(buf))
                        buf = None
                    if out and out[-1].endswith("<li>"):
                        append("\n")
                    align = data
                    cells = 0
                    tbody = False
                    table_at = span["start"]
                    append('<div class="table-wrap"><table>\n')
                elif tag == "TableHead":
                    in_head = True
                    cell = 0
                    append("<thead>\n<tr>\n")
                elif tag == "TableRow":
                    if not tbody:
                        tbody = True
                        append("<tbody>\n")
                    cell = 0
                    append("<tr>\n")
                elif tag == "TableCell":
                    style = _ALIGN[align[cell]] if cell < len(align) else ""
                    append(f"<th{style}>" if in_head else f"<td{style}>")
                    cell += 1
                    cells += 1
                    buf = []
                else:  # extensions this parser does not enable
                    if buf is None:
                        buf = []
                continue
            if kind == "End":
                tag = value if value.__class__ is str else next(iter(value))
                if tag in _INLINE_TAGS:
                    inline_depth -= 1
                else:
                    stack.pop()
                    deep = len(stack) >= deep_from
                if image_depth:
                    if tag == "Image":
                        image_depth -= 1
                        if not image_depth:
                            self.image(image, alt)
                            alt = []
                    continue
                if tag == "Emphasis":
                    append("</em>")
                elif tag == "Strong":
                    append("</strong>")
                elif tag == "Link":
                    append("</a>")
                elif tag == "Paragraph":
                    blocks.append("".join(buf))  # type: ignore[arg-type]  # set by its Start
                    buf = None
                    append("</p>\n")
                    nl = True
                elif tag == "Item":
                    if buf is not None:
                        blocks.append("".join(buf))
                        buf = None
                    append("</li>\n")
                    nl = True
                elif tag == "List":
                    if buf is not None:
                        blocks.append("".join(buf))
                        buf = None
                    append("</ol>\n" if value["List"] else "</ul>\n")
                    nl = True
                elif tag == "Heading":
                    text = "".join(buf)  # type: ignore[arg-type]  # set by its Start
                    blocks.append(text)
                    buf = None
                    uid = self.ids.add(slugify(text))
                    self.headings.append(Heading(heading_level, uid, text))
                    out[heading_at] += f'<h{heading_level} id="{esc(uid)}">'
                    append(f"</h{heading_level}>\n")
                    nl = True
                elif tag == "CodeBlock":
                    blocks.append("".join(code).rstrip("\n"))  # type: ignore[arg-type]  # set by its Start
                    code = None
                    append("</code></pre>\n")
                    nl = True
                elif tag == "BlockQuote":
                    if buf is not None:
                        blocks.append("".join(buf))
                        buf = None
                    append("</blockquote>\n")
                    nl = True
                elif tag == "HtmlBlock":
                    content = "".join(raw)  # type: ignore[arg-type]  # set by its Start
                    raw = None
                    sites.append(Site("html", block_at, content))
                    append(content if not raw_escape and self.keep_raw(content, block_at)
                           else f'<p class="raw-html">{html.escape(content.rstrip())}</p>\n')
                    nl = True
                elif tag == "TableCell":
                    blocks.append("".join(buf))  # type: ignore[arg-type]  # set by its Start
                    buf = None
                    append("</th>\n" if in_head else "</td>\n")
                elif tag == "TableHead":
                    in_head = False
                    append("</tr>\n</thead>\n")
                elif tag == "TableRow":
                    append("</tr>\n")
                elif tag == "Table":
                    append("</tbody>\n</table></div>\n" if tbody else "</table></div>\n")
                    nl = True
                    if cells > self.max_table_cells:
                        sites.append(Site("table", table_at, cells))
                continue
            if kind == "Code":
                if image_depth:
                    alt.append(value)
                    continue
                if deep and stack[-1] == "Item":
                    self.nesting(span["start"])
                    if len(stack) >= limit:
                        continue
                append(f"<code>{esc(value)}</code>")
                if buf is None:
                    buf = [value]
                else:
                    buf.append(value)
                nl = False
            elif kind == "InlineHtml" or (kind == "Html" and raw is None):
                if image_depth:
                    alt.append(value)
                    continue
                if deep and stack[-1] == "Item":
                    self.nesting(span["start"])
                    if len(stack) >= limit:
                        continue
                sites.append(Site("html", span["start"], value))
                append(value if not raw_escape and self.keep_raw(value, span["start"])
                       else html.escape(value))
                if buf is None:
                    buf = []
                nl = False
            elif kind == "Html" and raw is not None:  # raw is None was the branch above
                raw.append(value)
            else:  # extensions this parser does not enable
                append(esc(str(value)))
        if buf is not None:
            blocks.append("".join(buf))
        return Written("".join(out), blocks, self.headings, sites)

    def image(self, image: tuple[str, str, int], alt_parts: list[str]) -> None:
        """Write an image, or its alt text when the file is missing (noted as a site)."""
        dest, title, offset = image
        src = normalize_link(dest)
        alt = html.escape("".join(alt_parts))
        if not self.image_exists(src):
            self.sites.append(Site("image", offset, src))
            self.out.append(f'<span class="missing-image" role="img" aria-label="{alt}">'
                            f"{alt}</span>")
            return
        extra = f' title="{html.escape(title)}"' if title else ""
        size = self.image_size(src)
        self.out.append(f'<img src="{html.escape(src)}" alt="{alt}"{extra}{size} '
                        'loading="lazy" decoding="async">')


def write_html(body: str, *, escape_html: bool, image_exists: Callable[[str], bool],
               max_nesting: int, max_table_cells: int,
               image_size: Callable[[str], str] = lambda src: "") -> Written:
    """Parse ``body`` natively and write its HTML, text blocks, headings and warning sites;
    ``image_size`` gives an image's `` width=".." height=".."`` (or '')."""
    return _Walk(body, escape_html, image_exists, image_size, max_nesting,
                 max_table_cells).run()


def heading_list(body: str, max_nesting: int = 20) -> list[Heading]:
    """The headings (with their ids) ``write_html`` gives the body, without the HTML."""
    return _Walk(body, True, lambda src: True, lambda src: "", max_nesting,
                 1 << 62).run().headings
