"""Markdown -> safe HTML, natively (pyromark: pulldown-cmark, CommonMark + tables), plus located warnings.

The parse runs in Rust; ``html_writer`` walks its events once and writes the HTML
markdown-it used to write, so pages did not change when the renderer did.

Raw HTML policy (``bundles.raw_html``):
- ``"escape"`` (default): every raw HTML block or inline tag is shown as text, so a
  ``<script>`` in content never runs.
- ``"allow"``: tags listed in ``bundles.allowed_tags`` (and those Markdown itself
  produces) are kept; the whole rendered body then goes through the nh3 sanitizer,
  which removes every other tag (a ``<script>`` with its content),
  event-handler attribute and ``javascript:`` URL, and repairs broken markup. Raw HTML
  that leaves more than ``MAX_OPEN_RAW_TAGS`` elements open is shown as text from there
  on (the sanitizer's parser is quadratic in that depth).
Links and images to ``javascript:``, ``vbscript:``, ``file:`` or ``data:`` (but images)
stay text in both modes.

Table column alignment becomes logical (``:--`` start, ``--:`` end), so it follows
the reading direction. Headings get stable ids from their text (Arabic letters kept,
see ``slugify``), repeats ``-1``, ``-2``..., in linear time.
Warnings (codes ``BN1xx``) point at the line and column of the Markdown source.
Cost is linear in the size of the body.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import compress
from operator import not_

import nh3

from pipeline.core.model import Finding, Severity
from pipeline.core.settings import BundlesSection
from pipeline.render.headings import Heading, slugify
from pipeline.render.html_writer import MAX_OPEN_RAW_TAGS, Site, heading_list, write_html

__all__ = ["Heading", "RenderPolicy", "Rendered", "count_words", "heading_ids", "policy_of",
           "problem_with_policy", "render_markdown", "sanitize", "slugify"]

RAW_HTML_POLICIES = ("escape", "allow")
# Tags no allow-list may name: they run code, load other documents or change the page.
FORBIDDEN_TAGS = frozenset({"script", "style", "iframe", "object", "embed", "frame", "frameset",
                            "base", "meta", "link", "form", "input", "button", "textarea",
                            "select", "template", "svg", "math", "noscript"})
# Tags the renderer itself produces, kept by the sanitizer in "allow" mode.
MARKDOWN_TAGS = frozenset({"a", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4",
                           "h5", "h6", "hr", "img", "li", "ol", "p", "pre", "span", "strong",
                           "table", "tbody", "td", "th", "thead", "tr", "ul"})
ATTRIBUTES = {
    "*": {"id", "class", "lang", "dir", "title"},
    "a": {"href"},
    "img": {"src", "alt", "loading", "decoding", "role", "width", "height"},
    "span": {"role", "aria-label"},
    "td": {"style"},
    "th": {"style"},
    "ol": {"start"},
}
WORD = re.compile(r"[^\W_]\S*")  # from the first letter or digit to the end of its run
TAG_NAME = re.compile(r"<\s*/?\s*([A-Za-z][A-Za-z0-9-]*)")


@dataclass(frozen=True)
class RenderPolicy:
    raw_html: str = "escape"
    allowed_tags: tuple[str, ...] = ()
    max_table_cells: int = 10_000
    max_nesting: int = 20


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


def problem_with_policy(policy: RenderPolicy) -> str:
    """Why the raw HTML settings cannot be used, or ''."""
    if policy.raw_html not in RAW_HTML_POLICIES:
        return f"bundles.raw_html must be one of {', '.join(RAW_HTML_POLICIES)}, " \
               f"got {policy.raw_html!r}"
    bad = sorted(FORBIDDEN_TAGS & {t.lower() for t in policy.allowed_tags})
    if bad:
        return f"bundles.allowed_tags may not contain {', '.join(bad)}"
    return ""


class _Lines:
    """Byte offsets in the body -> (0-based line, 1-based character column).

    Offsets are asked for in increasing order, so a column is counted from the previous
    offset on the same line: many warnings on one long line cost linear time.
    """

    def __init__(self, body: str):
        self.data = body.encode()
        self.starts = [0] + [m.end() for m in re.finditer(b"\n", self.data)]
        self.last = (-1, 0, 1)  # line, offset, column of the previous answer

    def at(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset) - 1
        last_line, last_offset, last_col = self.last
        if line == last_line and offset >= last_offset:
            start, col = last_offset, last_col
        else:
            start, col = self.starts[line], 1
        col += len(self.data[start:offset].decode("utf-8", "replace"))
        self.last = (line, offset, col)
        return line, col


class _Warnings:
    """The BN1xx findings of one article, from the sites the HTML writer noted."""

    def __init__(self, body: str, path: str, body_line: int, policy: RenderPolicy):
        self.body, self.path, self.body_line, self.policy = body, path, body_line, policy
        self.findings: list[Finding] = []
        self._lines: _Lines | None = None

    def warn(self, offset: int, code: str, message: str, hint: str, *,
             first_col: bool = False) -> None:
        if self._lines is None:
            self._lines = _Lines(self.body)
        line, col = self._lines.at(offset)
        self.findings.append(Finding(self.path, self.body_line + line, 1 if first_col else col,
                                     code, Severity.WARNING, message, hint))

    def of(self, sites: Iterable[Site]) -> tuple[Finding, ...]:
        # In document order; the nesting warning last, as it concerns the whole body.
        for site in sorted(sites, key=lambda s: (s.kind == "nesting", s.offset)):
            getattr(self, f"check_{site.kind.replace('-', '_')}")(site)
        return tuple(self.findings)

    def check_html(self, site: Site) -> None:
        content = str(site.detail)
        tags = {m.group(1).lower() for m in TAG_NAME.finditer(content)}
        if content.lstrip().startswith("</"):
            return  # the opening tag was reported
        if "script" in tags:
            self.warn(site.offset, "BN102", "<script> in content: it is not executed "
                      f"({'shown as text' if self.policy.raw_html == 'escape' else 'removed'})",
                      "remove the script; pages ship no scripts")
        elif self.policy.raw_html == "escape":
            if tags or content.strip().startswith("<"):
                self.warn(site.offset, "BN101", f"raw HTML is shown as text: "
                          f"{content.strip()[:60]!r}", "write Markdown instead, or allow the "
                          "tag with bundles.raw_html = \"allow\" and bundles.allowed_tags")
        else:
            kept = MARKDOWN_TAGS | {t.lower() for t in self.policy.allowed_tags}
            removed = sorted(tags - kept)
            if removed:
                self.warn(site.offset, "BN103", f"HTML tag(s) not in bundles.allowed_tags are "
                          f"removed: {', '.join(removed)}", "add them to bundles.allowed_tags "
                          "or write Markdown")

    def check_table(self, site: Site) -> None:
        self.warn(site.offset, "BN104", f"table has {site.detail:,} cells, over "
                  f"{self.policy.max_table_cells:,}; it is rendered but heavy to read",
                  "split the table or link to a data file", first_col=True)

    def check_image(self, site: Site) -> None:
        self.warn(site.offset, "BN105", f"image not found: {site.detail}", "add the file under "
                  "public/ or fix the path; its alt text is shown instead")

    def check_raw_depth(self, site: Site) -> None:
        self.warn(site.offset, "BN106", f"raw HTML leaves more than {MAX_OPEN_RAW_TAGS:,} "
                  "elements open; from here on it is shown as text",
                  "close the tags, or write Markdown")

    def check_nesting(self, site: Site) -> None:
        limit = self.policy.max_nesting - 1
        self.warn(site.offset, "BN106", f"content is nested {limit}+ levels deep; what lies "
                  "deeper is cut", "flatten the lists or quotes", first_col=True)


def sanitize(html: str, allowed_tags: tuple[str, ...]) -> str:
    """The nh3 pass of the "allow" policy: markdown tags plus the allow-list only."""
    tags = set(MARKDOWN_TAGS) | ({t.lower() for t in allowed_tags} - FORBIDDEN_TAGS)
    return nh3.clean(html, tags=tags, attributes=ATTRIBUTES, link_rel=None,
                     url_schemes={"http", "https", "mailto"},
                     filter_style_properties={"text-align"})


def count_words(text: str) -> int:
    """Whitespace-separated runs holding a letter or digit (works for Arabic too)."""
    words = text.split()
    plain = list(map(str.isalnum, words))  # all letters and digits: surely a word
    count = sum(plain)
    if count == len(words):
        return count
    others = " ".join(compress(words, map(not_, plain)))  # the rest: any letter or digit?
    return count + len(WORD.findall(others))


def render_markdown(body: str, path: str, body_line: int, policy: RenderPolicy,
                    image_exists: Callable[[str], bool] = lambda src: True,
                    image_size: Callable[[str], str] = lambda src: "") -> Rendered:
    """Render one article body; ``body_line`` is the 1-based file line of the body's start."""
    written = write_html(body, escape_html=policy.raw_html == "escape",
                         image_exists=image_exists, max_nesting=policy.max_nesting,
                         max_table_cells=policy.max_table_cells, image_size=image_size)
    html = written.html
    if policy.raw_html == "allow":
        html = sanitize(html, policy.allowed_tags)
    text = "\n".join(b for b in written.blocks if b.strip())
    findings = _Warnings(body, path, body_line, policy).of(written.sites) if written.sites else ()
    return Rendered(html=html, text=text, headings=tuple(written.headings),
                    words=count_words(text), findings=findings)


def heading_ids(body: str, policy: RenderPolicy) -> list[Heading]:
    """The headings, with the ids ``render_markdown`` gives them, of a body (no HTML kept)."""
    return heading_list(body, policy.max_nesting)


# -- for callers written against the markdown-it API: ``headings(parser(p).parse(body))``
class _HeadingParser:
    """Stands where the markdown-it parser stood; ``parse`` gives the body's headings."""

    def __init__(self, policy: RenderPolicy):
        self.policy = policy

    def parse(self, body: str) -> list[Heading]:
        return heading_ids(body, self.policy)


@cache
def parser(policy: RenderPolicy) -> _HeadingParser:
    """Kept for ``headings(parser(policy).parse(body))``; prefer ``heading_ids``."""
    return _HeadingParser(policy)


def headings(parsed: list[Heading]) -> list[Heading]:
    """The headings ``parser(policy).parse(body)`` found (see ``heading_ids``)."""
    return list(parsed)
