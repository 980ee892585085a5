"""The built site as input: every ``href``/``src`` of the HTML in the output folder.

Links are read from ``<a>``, ``<link>``, ``<img>``, ``<script>``, ``<source>``,
``<iframe>`` with their line (lxml's ``sourceline``) and column in the file. ``--remap
PATTERN REPLACEMENT`` rewrites each link first (RE2 pattern, ``\\g<N>`` group references
in the replacement; in the order given), to
map production URLs onto the output folder (``'^https://example\\.org/' '/'``) or onto
a staging host. Site-relative and relative links, and absolute ones on the site's own
host, are then looked up in the output folder: a file, or a folder's ``index.html``;
a ``#fragment`` must be an ``id`` (or ``<a name>``) of that file, Arabic ids compared
after percent-decoding. Everything else is checked over HTTP like any external link.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pipeline.core.model import Finding, Severity
from pipeline.core.settings import ConfigError
from pipeline.core.settings_rules import PATTERN_HINT
from pipeline.core.urls import host_of, iri_to_uri, quote_component
from pipeline.links import fragments
from pipeline.links.patterns import (
    TEMPLATE_HINT,
    Pattern,
    Template,
    compile_patterns,
    parse_template,
)
from pipeline.links.types import Occurrence, Source, State, Target, Verdict

LINK_ATTRS = {"a": "href", "link": "href", "area": "href", "img": "src", "script": "src",
              "source": "src", "iframe": "src", "video": "src", "audio": "src"}


@dataclass(frozen=True)
class Remap:
    """One ``--remap PATTERN REPLACEMENT`` rule."""

    pattern: Pattern
    replacement: Template

    def apply(self, url: str) -> str:
        return self.pattern.sub(self.replacement.expand, url)


def remaps(pairs: list[list[str]] | None) -> tuple[Remap, ...]:
    """Compile ``--remap`` pairs (RE2 patterns, checked templates); any bad pattern or
    template is a usage error naming the option and its position."""
    pairs = pairs or []
    compiled = compile_patterns(
        [(pattern, n) for n, (pattern, _) in enumerate(pairs, 1)],
        lambda pattern, n, reason: Finding(
            "--remap", 1, 1, "CF100", Severity.ERROR,
            f"--remap #{n} pattern {pattern!r} is not a regular expression RE2 accepts: "
            f"{reason}", PATTERN_HINT))
    rules, problems = [], []
    for n, (regex, (_, replacement)) in enumerate(zip(compiled, pairs, strict=True), 1):
        template, problem = parse_template(replacement, regex)
        if template is None:
            problems.append(Finding("--remap", 1, 1, "CF100", Severity.ERROR,
                                    f"--remap #{n} replacement {replacement!r} {problem}",
                                    TEMPLATE_HINT))
        else:
            rules.append(Remap(regex, template))
    if problems:
        raise ConfigError(problems)
    return tuple(rules)


def pages(output: Path) -> list[Path]:
    """Every HTML file under the output folder, sorted."""
    return sorted(p for p in output.rglob("*.html") if p.is_file())


def extract_page(output: Path, page: Path, root: Path) -> list[Occurrence]:
    """The links of one built page with ``path:line:col``."""
    import lxml.etree
    import lxml.html

    data = page.read_bytes()
    try:
        shown = page.relative_to(root).as_posix()
    except ValueError:
        shown = page.as_posix()
    if not data.strip():
        return []
    try:
        doc = lxml.html.document_fromstring(data, parser=lxml.html.HTMLParser(
            encoding="utf-8", recover=True))
    except (lxml.etree.ParserError, ValueError):
        return []
    lines = data.split(b"\n")
    found = []
    for element in doc.iter(*LINK_ATTRS):
        value = element.get(LINK_ATTRS[element.tag])
        if value is None or not value.strip():
            continue
        line = element.sourceline or 1
        found.append(Occurrence(value.strip(), Source(shown, line, _column(lines, line,
                                                                           element.tag),
                                                      "html")))
    return found


def _column(lines: list[bytes], line: int, tag: str) -> int:
    text = lines[line - 1] if 0 < line <= len(lines) else b""
    match = re.search(rb"<" + tag.encode() + rb"\b", text, re.I)
    return len(text[: match.start()].decode("utf-8", "replace")) + 1 if match else 1


class BuiltSite:
    """Classify links of built pages and check the internal ones against the folder."""

    def __init__(self, output: Path, base_url: str, rules: tuple[Remap, ...]):
        self.output = output
        self.own_host = host_of(base_url)
        self.base_path = urlsplit(base_url).path.rstrip("/")
        self.rules = rules

    def page_url(self, page: Path) -> str:
        """The site path a built file is served at (``index.html`` as its folder)."""
        relative = page.relative_to(self.output).as_posix()
        path = "/" + relative
        if path.endswith("/index.html"):
            path = path[: -len("index.html")]
        return quote_component(path)

    def target_of(self, page: Path, raw: str) -> tuple[str, str, bool, str] | Verdict:
        """``(key, uri, internal, fragment)`` of one link, or a verdict known already."""
        url = raw
        for rule in self.rules:
            url = rule.apply(url)
        base, _, fragment = url.partition("#")
        parts = urlsplit(base)
        scheme = parts.scheme.lower()
        if scheme in ("http", "https") or base.startswith("//"):
            uri = iri_to_uri("https:" + base if base.startswith("//") else base)
            if host_of(uri) != self.own_host:
                return uri.partition("#")[0], uri.partition("#")[0], False, fragment
            path = urlsplit(uri).path
            if self.base_path and path.startswith(self.base_path):
                path = path[len(self.base_path):] or "/"
            return f"built:{path}", path, True, fragment
        if scheme:
            return Verdict(State.SKIPPED, detail=f"{scheme}:")
        here = self.page_url(page)
        if not base:
            path = here
        elif base.startswith("/"):
            path = quote_component(base)
        else:
            path = posixpath.normpath(posixpath.join(posixpath.dirname(here), quote_component(base)))
            path += "/" if base.endswith("/") and not path.endswith("/") else ""
        return f"built:{path}", path, True, fragment

    def check(self, target: Target) -> Verdict:
        """Whether an internal target exists in the output folder; its ids when HTML."""
        file = self._file(unquote(target.uri))
        if file is None:
            return Verdict(State.BROKEN, detail="missing-file")
        anchors = None
        if file.suffix in (".html", ".htm"):
            anchors = fragments.anchors(file.read_bytes())
        return Verdict(State.OK, detail="built file", anchors=anchors)

    def _file(self, path: str) -> Path | None:
        relative = posixpath.normpath(path.split("?")[0].lstrip("/")) if path.strip("/") else ""
        if relative.startswith(".."):
            return None
        candidate = (self.output / relative) if relative and relative != "." else self.output
        if candidate.is_file():
            return candidate
        index = candidate / "index.html"
        return index if index.is_file() else None
