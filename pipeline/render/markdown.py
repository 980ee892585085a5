"""Markdown -> safe HTML with markdown-it-py (CommonMark + tables), plus located warnings.

Raw HTML policy (``bundles.raw_html``):
- ``"escape"`` (default): every raw HTML block or inline tag is shown as text, so a
  ``<script>`` in content never runs.
- ``"allow"``: tags listed in ``bundles.allowed_tags`` (and those Markdown itself
  produces) are kept; the whole rendered body then goes through the nh3 sanitizer,
  which removes every other tag (a ``<script>`` with its content),
  event-handler attribute and ``javascript:`` URL, and repairs broken markup.

Table column alignment becomes logical (``:--`` start, ``--:`` end), so it follows
the reading direction. Headings get stable ids from their text (Arabic letters kept,
see ``slugify``).
Warnings (codes ``BN1xx``) point at the line and column of the Markdown source.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from html import escape

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin

from pipeline.core.model import Finding, Severity
from pipeline.core.settings import BundlesSection

RAW_HTML_POLICIES = ("escape", "allow")
# Tags no allow-list may name: they run code, load other documents or change the page.
FORBIDDEN_TAGS = frozenset({"script", "style", "iframe", "object", "embed", "frame", "frameset",
                            "base", "meta", "link", "form", "input", "button", "textarea",
                            "select", "template", "svg", "math", "noscript"})
# Tags markdown-it itself produces, kept by the sanitizer in "allow" mode.
MARKDOWN_TAGS = frozenset({"a", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4",
                           "h5", "h6", "hr", "img", "li", "ol", "p", "pre", "span", "strong",
                           "table", "tbody", "td", "th", "thead", "tr", "ul"})
ATTRIBUTES = {
    "*": {"id", "class", "lang", "dir", "title"},
    "a": {"href"},
    "img": {"src", "alt", "loading", "decoding", "role"},
    "span": {"role", "aria-label"},
    "td": {"style"},
    "th": {"style"},
    "ol": {"start"},
}
# Column alignment in logical terms, so a translated table mirrors with its text.
LOGICAL_ALIGN = {"text-align:left": "text-align:start", "text-align:right": "text-align:end"}
WORD = re.compile(r"\S*?[^\W_]\S*")  # a whitespace-separated run with a letter or digit
TAG_NAME = re.compile(r"<\s*/?\s*([A-Za-z][A-Za-z0-9-]*)")


@dataclass(frozen=True)
class RenderPolicy:
    raw_html: str = "escape"
    allowed_tags: tuple[str, ...] = ()
    max_table_cells: int = 10_000
    max_nesting: int = 20


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    text: str


@dataclass(frozen=True)
class Rendered:
    html: str
    text: str
    headings: tuple[Heading, ...]
    words: int
    findings: tuple[Finding, ...] = field(default=())


def policy_of(section: BundlesSection) -> RenderPolicy:
    """The render policy ``[bundles]`` configures (the bundles and links stages share it)."""
    return RenderPolicy(raw_html=section.raw_html, allowed_tags=section.allowed_tags)


def slugify(text: str) -> str:
    """A heading id: NFKC, lowercase, letters/marks/digits kept, other runs become '-'.

    Arabic text keeps its letters (and diacritics), so ``## ما هو الليزر؟`` has the id
    ``ما-هو-الليزر``; the same text always gives the same id.
    """
    text = unicodedata.normalize("NFKC", text).casefold().replace("\u0640", "")
    kept = "".join(c if unicodedata.category(c)[0] in "LMN" else " " for c in text)
    return "-".join(kept.split()) or "section"


def problem_with_policy(policy: RenderPolicy) -> str:
    """Why the raw HTML settings cannot be used, or ''."""
    if policy.raw_html not in RAW_HTML_POLICIES:
        return f"bundles.raw_html must be one of {', '.join(RAW_HTML_POLICIES)}, " \
               f"got {policy.raw_html!r}"
    bad = sorted(FORBIDDEN_TAGS & {t.lower() for t in policy.allowed_tags})
    if bad:
        return f"bundles.allowed_tags may not contain {', '.join(bad)}"
    return ""


@cache
def parser(policy: RenderPolicy) -> MarkdownIt:
    """The markdown-it parser and renderer of a policy, built once and reused."""
    md = MarkdownIt("commonmark", {"html": True, "maxNesting": policy.max_nesting})
    md.enable("table")
    md.use(anchors_plugin, min_level=1, max_level=6, slug_func=slugify)
    escaping = policy.raw_html == "escape"

    # markdown-it binds each rule to its renderer, which comes first.
    def html_block(renderer, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
        content = tokens[idx].content
        return f'<p class="raw-html">{escape(content.rstrip())}</p>\n' if escaping else content

    def html_inline(renderer, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
        content = tokens[idx].content
        return escape(content) if escaping else content

    def image(renderer, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
        token = tokens[idx]
        alt = escape(renderer.renderInlineAsText(token.children or [], options, env))
        if token.meta.get("missing"):
            return f'<span class="missing-image" role="img" aria-label="{alt}">{alt}</span>'
        src = escape(str(token.attrs.get("src", "")))
        title = token.attrs.get("title")
        extra = f' title="{escape(str(title))}"' if title else ""
        return f'<img src="{src}" alt="{alt}"{extra} loading="lazy" decoding="async">'

    def table_open(renderer, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
        return '<div class="table-wrap"><table>\n'

    def table_close(renderer, tokens, idx, options, env) -> str:  # type: ignore[no-untyped-def]
        return "</table></div>\n"

    for rule in (html_block, html_inline, image, table_open, table_close):
        md.add_render_rule(rule.__name__, rule)
    return md


class _Renderer:
    """One article's rendering: parse, inspect tokens for warnings, produce HTML."""

    def __init__(self, body: str, path: str, body_line: int, policy: RenderPolicy,
                 image_exists: Callable[[str], bool]):
        self.lines = body.split("\n")
        self.path, self.body_line, self.policy = path, body_line, policy
        self.image_exists = image_exists
        self.findings: list[Finding] = []
        self.md = parser(policy)

    # -- warnings -------------------------------------------------------------------
    def warn(self, line: int, col: int, code: str, message: str, hint: str) -> None:
        self.findings.append(Finding(self.path, self.body_line + line, col, code,
                                     Severity.WARNING, message, hint))

    def locate(self, token_line: int, needle: str) -> tuple[int, int]:
        """(0-based body line, 1-based column) of ``needle`` at or after ``token_line``."""
        probe = needle.strip().split("\n")[0]
        for index in range(token_line, len(self.lines)):
            col = self.lines[index].find(probe)
            if col >= 0:
                return index, col + 1
        return token_line, 1

    def inspect(self, tokens: list[Token]) -> None:
        line = 0
        for token in tokens:
            line = token.map[0] if token.map else line
            if token.type == "html_block":
                self.check_html(token.content, *self.locate(line, token.content))
            elif token.type == "table_open":
                self.check_table(tokens, token, line)
            elif token.type in ("th_open", "td_open") and "style" in token.attrs:
                token.attrs["style"] = LOGICAL_ALIGN.get(str(token.attrs["style"]),
                                                         token.attrs["style"])
            for child in token.children or ():
                if child.type == "html_inline":
                    self.check_html(child.content, *self.locate(line, child.content))
                elif child.type == "image":
                    self.check_image(child, line)
        self.check_nesting(tokens)

    def check_html(self, content: str, line: int, col: int) -> None:
        tags = {m.group(1).lower() for m in TAG_NAME.finditer(content)}
        if content.lstrip().startswith("</"):
            return  # the opening tag was reported
        if "script" in tags:
            self.warn(line, col, "BN102", "<script> in content: it is not executed "
                      f"({'shown as text' if self.policy.raw_html == 'escape' else 'removed'})",
                      "remove the script; pages ship no scripts")
        elif self.policy.raw_html == "escape":
            if tags or content.strip().startswith("<"):
                self.warn(line, col, "BN101", f"raw HTML is shown as text: "
                          f"{content.strip()[:60]!r}", "write Markdown instead, or allow the "
                          "tag with bundles.raw_html = \"allow\" and bundles.allowed_tags")
        else:
            kept = MARKDOWN_TAGS | {t.lower() for t in self.policy.allowed_tags}
            removed = sorted(tags - kept)
            if removed:
                self.warn(line, col, "BN103", f"HTML tag(s) not in bundles.allowed_tags are "
                          f"removed: {', '.join(removed)}", "add them to bundles.allowed_tags "
                          "or write Markdown")

    def check_table(self, tokens: list[Token], opening: Token, line: int) -> None:
        start = tokens.index(opening)
        cells = 0
        for token in tokens[start:]:
            if token.type in ("td_open", "th_open"):
                cells += 1
            if token.type == "table_close":
                break
        if cells > self.policy.max_table_cells:
            self.warn(line, 1, "BN104", f"table has {cells:,} cells, over "
                      f"{self.policy.max_table_cells:,}; it is rendered but heavy to read",
                      "split the table or link to a data file")

    def check_image(self, image: Token, line: int) -> None:
        src = str(image.attrs.get("src", ""))
        if not self.image_exists(src):
            image.meta["missing"] = True
            index, col = self.locate(line, "![")
            self.warn(index, col, "BN105", f"image not found: {src}", "add the file under "
                      "public/ or fix the path; its alt text is shown instead")

    def check_nesting(self, tokens: list[Token]) -> None:
        limit = self.policy.max_nesting - 1
        deepest = next((t for t in tokens if t.level >= limit), None)
        if deepest is not None:
            line = deepest.map[0] if deepest.map else 0
            self.warn(line, 1, "BN106", f"content is nested {limit}+ levels deep; what lies "
                      "deeper is cut", "flatten the lists or quotes")

    # -- output ------------------------------------------------------------------------
    def render(self) -> Rendered:
        env: dict[str, object] = {}
        tokens = self.md.parse("\n".join(self.lines), env)
        self.inspect(tokens)
        html = self.md.renderer.render(tokens, self.md.options, env)
        if self.policy.raw_html == "allow":
            html = sanitize(html, self.policy.allowed_tags)
        text = plain_text(tokens)
        return Rendered(html=html, text=text, headings=tuple(headings(tokens)),
                        words=count_words(text), findings=tuple(self.findings))


def sanitize(html: str, allowed_tags: tuple[str, ...]) -> str:
    """The nh3 pass of the "allow" policy: markdown tags plus the allow-list only."""
    tags = set(MARKDOWN_TAGS) | ({t.lower() for t in allowed_tags} - FORBIDDEN_TAGS)
    return nh3.clean(html, tags=tags, attributes=ATTRIBUTES, link_rel=None,
                     url_schemes={"http", "https", "mailto"},
                     filter_style_properties={"text-align"})


def headings(tokens: list[Token]) -> list[Heading]:
    found = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            inline = tokens[index + 1]
            found.append(Heading(int(token.tag[1]), str(token.attrs.get("id", "")),
                                 _inline_text(inline)))
    return found


def _inline_text(inline: Token) -> str:
    return "".join(c.content for c in inline.children or () if c.type in ("text", "code_inline"))


def plain_text(tokens: list[Token]) -> str:
    """The readable text of a document: one line per block, markup dropped."""
    blocks = []
    for token in tokens:
        if token.type == "inline":
            blocks.append(_inline_text(token))
        elif token.type in ("fence", "code_block"):
            blocks.append(token.content.rstrip("\n"))
    return "\n".join(b for b in blocks if b.strip())


def count_words(text: str) -> int:
    """Whitespace-separated runs holding a letter or digit (works for Arabic too)."""
    return len(WORD.findall(text))


def render_markdown(body: str, path: str, body_line: int, policy: RenderPolicy,
                    image_exists: Callable[[str], bool] = lambda src: True) -> Rendered:
    """Render one article body; ``body_line`` is the 1-based file line of the body's start."""
    return _Renderer(body, path, body_line, policy, image_exists).render()
