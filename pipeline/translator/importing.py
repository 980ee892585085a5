"""``translations import FILE``: a translated file back into ``content/<locale>/``.

Checks, in order (every problem of a step is reported before stopping):

1. the file reads as XLIFF 2.0 (``.xlf``/``.xliff``) or PO (``.po``) and carries this
   tool's metadata (TR101, TR102); its locale is configured and its source article
   exists (TR103); the source is unchanged since the export (TR104, exit 2: export again);
2. every translatable segment of the source has a unit, no unit is unknown (TR201,
   TR202), each has a target (TR203) that is reviewed (TR204: XLIFF ``initial``, PO
   ``fuzzy``; ``--accept-fuzzy`` takes them as they are) and holds the source's
   placeholders, each once, in the source's order (TR205 missing or extra, TR206 order);
3. the re-assembled body has the source's structure: same segments, same markup in each
   (TR207: a translated text that reads as Markdown, e.g. a stray ``*`` or a line
   starting with ``- ``); the slug is usable (TR208).

The article is written from the source's Markdown with each segment replaced by its
target (codes restored), and front matter from the existing translation (or the source
for a new one) with ``title``, ``excerpt``, ``coverAlt``, ``slug`` (new translations),
``locale``, ``translationKey`` and ``translationOf`` set. Slug rule: the slug unit's target
when it is a valid slug as written, else that text (or, when empty, the translated
title) made a slug as ``import`` makes one (lowercase words of any script joined by
``-``, no transliteration). An existing file is replaced only with ``--force`` (TR105).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipeline.content.frontmatter_edit import set_field
from pipeline.content.importer import slugify
from pipeline.content.schema import slug_problem
from pipeline.content.translations import source_of
from pipeline.core.model import Article, Finding, Severity, Site
from pipeline.translator.article import ArticleText, read
from pipeline.translator.handoff import META_KEYS, HandoffError, Returned, ReturnedUnit, locate
from pipeline.translator.history import normalized
from pipeline.translator.segments import (
    CLOSE,
    OPEN,
    TEXT,
    Segment,
    Token,
    assemble,
    render,
    segments_of,
    text_form,
)

MAX_FILE_BYTES = 20_000_000
EXIT_FINDINGS, EXIT_USAGE = 1, 2


@dataclass
class Outcome:
    """What an import did: the written path, or the findings and the exit code."""

    findings: list[Finding]
    exit_code: int = 0
    written: Path | None = None


def read_file(path: Path) -> Returned:
    """Parse an exported file by its suffix; ``HandoffError`` when unusable."""
    from pipeline.translator import po, xliff

    suffix = path.suffix.lower()
    if suffix not in (".xlf", ".xliff", ".po"):
        raise HandoffError("TR101", f"unknown file type {suffix or '(none)'!r}",
                           "import a .xlf, .xliff or .po file written by 'translations export'")
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise HandoffError("TR101", f"cannot read file: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise HandoffError("TR101", f"file is over {MAX_FILE_BYTES:,} bytes")
    returned = (po.read if suffix == ".po" else xliff.read)(data)
    missing = [k for k in META_KEYS if not returned.meta.get(k)]
    if missing:
        raise HandoffError("TR102", f"not a file of 'translations export': no "
                           f"{', '.join(missing)} recorded", "export the article with "
                           "'seo-pipeline translations export' and translate that file")
    return returned


@dataclass(frozen=True)
class _Context:
    """The imported file and the articles it concerns, once the file is known to fit."""

    site: Site
    shown: str  # the file as given on the command line
    returned: Returned
    source: Article
    current: ArticleText  # the source's text and segments
    existing: Article | None  # the translation the file replaces, if any

    @property
    def locale(self) -> str:
        return self.returned.meta["targetLocale"]

    def unit_line(self, unit_id: str) -> int:
        return next((u.line for u in self.returned.units if u.id == unit_id), 1)

    def error(self, code: str, unit_id: str, message: str, hint: str) -> Outcome:
        return Outcome([Finding(self.shown, self.unit_line(unit_id), 1, code, Severity.ERROR,
                                message, hint)], EXIT_FINDINGS)


def import_file(site: Site, path: Path, force: bool = False,
                accept_fuzzy: bool = False) -> Outcome:
    """Check the file against the current source and write the translated article."""
    found = _context(site, path)
    if isinstance(found, Outcome):
        return found
    findings, targets = check_units(found.current, found.returned, found.shown, accept_fuzzy)
    if findings:
        return Outcome(findings, EXIT_FINDINGS)
    composed = _compose(found, targets)
    if isinstance(composed, Outcome):
        return composed
    return _write(site.settings.root, *composed, force)


def _context(site: Site, path: Path) -> _Context | Outcome:
    """The file read and matched to its source (TR101-TR104), or why not (exit 2)."""
    shown = str(path)
    try:
        returned = read_file(path)
        text = path.read_bytes().decode("utf-8", "replace")
    except HandoffError as exc:  # a unit's bad inline element is a unit problem (exit 1)
        return Outcome([exc.finding(shown)], EXIT_FINDINGS if exc.code >= "TR2" else EXIT_USAGE)
    meta = returned.meta

    def refuse(code: str, needle: str, message: str, hint: str) -> Outcome:
        line, col = locate(text, needle)
        return Outcome([Finding(shown, line, col, code, Severity.ERROR, message, hint)],
                       EXIT_USAGE)

    locale, key = meta["targetLocale"], meta["translationKey"]
    if locale not in site.settings.locale_codes:
        return refuse("TR103", locale, f"locale {locale!r} is not configured in site.toml",
                      "add it to [[locales]] first")
    group = next((g for g in site.groups() if g.key == key), None)
    source = source_of(group, site.settings.site.x_default) if group else None
    if group is None or source is None or source.locale == locale:
        return refuse("TR103", key, f"no source article with translationKey {key!r}",
                      "was it renamed or removed? export again")
    if source.source_hash != meta["sourceHash"]:
        return refuse("TR104", meta["sourceHash"], f"{source.source} changed since this file "
                      f"was exported (recorded source hash {meta['sourceHash'][:12]}…, now "
                      f"{source.source_hash[:12]}…)", "export again (seo-pipeline "
                      f"translations export --to {locale}) and fill the new file from this one "
                      "with the translation tool's memory")
    current = read(site.settings.root / source.source, str(source.source))
    if current is None:
        return refuse("TR103", meta["sourcePath"], "the source's front matter cannot be read",
                      "run 'seo-pipeline validate'")
    return _Context(site, shown, returned, source, current, group.get(locale))


def _compose(ctx: _Context, targets: dict[str, list[Token]]) -> tuple[Path, str] | Outcome:
    """The target path and the translated article's text (TR207, TR208 when unusable)."""
    current, existing, root = ctx.current, ctx.existing, ctx.site.settings.root
    body = assemble(current.body, current.body_segments, targets)
    problem = structure_problem(current.body_segments, segments_of(body))
    if problem:
        seg_id, message = problem
        return ctx.error("TR207", seg_id, f"segment {seg_id}: {message}", "escape Markdown "
                         "characters the text needs (\\*, \\_, \\[) and start no line with "
                         "'#', '-', '>' or a number and '.'")
    slug = existing.slug if existing else _slug(targets, current)
    taken = ctx.site.find(ctx.locale, slug)
    why = slug_problem(slug) if slug else "it is empty"
    if not why and taken is not None and taken is not existing:
        why = f"{taken.source} has it"
    if why:
        return ctx.error("TR208", "slug", f"slug {slug!r} cannot be used: {why}",
                         "write another slug: letters, digits and '-'")
    base = normalized((root / existing.source).read_bytes()) if existing else current.text
    front = _front_matter(base, targets, current, ctx.locale, slug, ctx.source.source_hash,
                          ctx.source.translation_key)
    path = root / existing.source if existing else _new_path(ctx.site, ctx.source, ctx.locale)
    return path, front + body


def _write(root: Path, path: Path, text: str, force: bool) -> Outcome:
    """Write the article unless it exists and ``force`` is off (TR105)."""
    from pipeline.core.fsutil import write_text

    if path.exists() and not force:
        shown = path.relative_to(root) if path.is_relative_to(root) else path
        return Outcome([Finding(str(shown), 1, 1, "TR105", Severity.ERROR,
                                "file exists; not replaced",
                                "pass --force to replace it with the imported translation")],
                       EXIT_USAGE)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text(path, text)
    return Outcome([], 0, path)


def _new_path(site: Site, source: Article, locale: str) -> Path:
    """``content/<locale>/`` plus the source's path inside its own locale's tree."""
    content = site.settings.path("content")
    inside = (site.settings.root / source.source).resolve().relative_to(
        (content / source.locale).resolve())
    return content / locale / inside


def check_units(current: ArticleText, returned: Returned, shown: str,
                accept_fuzzy: bool) -> tuple[list[Finding], dict[str, list[Token]]]:
    """Every unit's problems (TR201-TR206), and the targets of the good ones by id."""
    expected = {s.id: s for s in current.segments if s.translatable}
    findings: list[Finding] = []
    targets: dict[str, list[Token]] = {}
    seen: set[str] = set()

    def fail(unit: ReturnedUnit, code: str, message: str, hint: str) -> None:
        findings.append(Finding(shown, unit.line, 1, code, Severity.ERROR,
                                f"segment {unit.id}: {message}", hint))

    for unit in returned.units:
        segment = expected.get(unit.id)
        if unit.id == "slug":
            targets["slug"] = list(unit.target or ())
            continue
        if segment is None or unit.id in seen:
            fail(unit, "TR202", "not a segment of the source" if segment is None else
                 "appears twice", "remove the unit; export again if the file is mixed up")
            continue
        seen.add(unit.id)
        if not unit.target or not text_form(unit.target).strip():
            fail(unit, "TR203", "has no translation", "translate it (copy the source text "
                 "if it stays as is)")
            continue
        if unit.unreviewed and not accept_fuzzy:
            fail(unit, "TR204", "is still marked new or changed (XLIFF state 'initial', PO "
                 "'fuzzy')", "review it and mark it translated, or pass --accept-fuzzy")
            continue
        target = trimmed_like(segment, unit.target)
        problem = placeholder_problem(segment, target)
        if problem is not None:
            fail(unit, *problem)
            continue
        targets[unit.id] = list(target)
    for seg_id in expected:
        if seg_id not in seen:
            findings.append(Finding(shown, 1, 1, "TR201", Severity.ERROR,
                                    f"segment {seg_id} of the source is missing from the file",
                                    "export again; keep every unit when translating"))
    return findings, targets


def trimmed_like(segment: Segment, target: tuple[Token, ...]) -> tuple[Token, ...]:
    """``target`` without the leading or trailing spaces its source does not have.

    A tool's stray space at the start of a paragraph could make it indented code, or a
    line end with two spaces a hard break.
    """
    tokens = list(target)
    source = segment.tokens
    if tokens and tokens[0][0] == TEXT and not (source[0][0] == TEXT and
                                               source[0][1][:1].isspace()):
        tokens[0] = (TEXT, tokens[0][1].lstrip())
    if tokens and tokens[-1][0] == TEXT and not (source[-1][0] == TEXT and
                                                source[-1][1][-1:].isspace()):
        tokens[-1] = (TEXT, tokens[-1][1].rstrip())
    return tuple(t for t in tokens if t != (TEXT, ""))


def placeholder_problem(segment: Segment, target: tuple[Token, ...],
                        ) -> tuple[str, str, str] | None:
    """(code, message, hint) when ``target`` does not hold the source's codes in order."""
    want = [t for t in segment.tokens if t[0] != TEXT]
    got = [t for t in target if t[0] != TEXT]
    if want == got:
        return None
    hint = "copy the placeholders of the source into the target, each once, in its order"
    wanted, found = Counter(want), Counter(got)
    missing = [t for t in want if t not in found]
    extra = list((found - wanted).keys())
    if missing or extra:
        parts = []
        if missing:
            parts.append("missing " + ", ".join(_shown(t) for t in missing))
        if extra:
            parts.append("extra or unknown " + ", ".join(dict.fromkeys(_shown(t) for t in extra)))
        return "TR205", "placeholders " + "; ".join(parts), hint
    return "TR206", (f"placeholders reordered: {' '.join(map(_shown, got))} instead of "
                     f"{' '.join(map(_shown, want))}"), hint


def _shown(token: Token) -> str:
    kind, value = token
    return f"<{value}>" if kind == OPEN else f"</{value}>" if kind == CLOSE else f"<{value}/>"


def structure_problem(want: tuple[Segment, ...], got: list[Segment]) -> tuple[str, str] | None:
    """(segment id, what differs) when the re-assembled body lost the source's structure."""
    for before, after in zip(want, got, strict=False):
        if before.id != after.id:
            return before.id, f"the translation changes the article's structure here " \
                              f"(found {after.id})"
        if before.shape() != after.shape():
            return before.id, "the translation adds or removes Markdown markup"
    if len(want) != len(got):
        extra = got[len(want)] if len(got) > len(want) else want[len(got)]
        return extra.id, "the translation changes the number of blocks"
    return None


def _slug(targets: dict[str, list[Token]], current: ArticleText) -> str:
    wanted = text_form(targets.get("slug", ())).strip()
    if wanted and not slug_problem(wanted):
        return wanted
    title = current.by_id().get("title")
    return slugify(wanted or (render(title, targets["title"]) if title and "title" in targets
                              else ""))


def _scalar(value: str) -> str:
    """``value`` as a one-line double-quoted YAML scalar."""
    return yaml.safe_dump(value, default_style='"', allow_unicode=True, width=10**9).strip()


def _front_matter(base: str, targets: dict[str, list[Token]], current: ArticleText,
                  locale: str, slug: str, source_hash: str, key: str) -> str:
    """The target's front matter block (fences included) from ``base``'s."""
    text = base[:len(base) - len(_body_of(base))]
    segments = current.by_id()
    for name in ("title", "excerpt", "coverAlt"):
        if name in targets:
            value = " ".join(render(segments[name], targets[name]).split())
            text = set_field(text, name, _scalar(value))
    text = set_field(text, "slug", _scalar(slug))
    text = set_field(text, "locale", locale)
    text = set_field(text, "translationKey", key)
    return set_field(text, "translationOf", source_hash)


def _body_of(text: str) -> str:
    from pipeline.content.parsing import FENCE

    match = FENCE.match(text)
    return text[match.end():] if match else text
