"""``translations export``: one translation file per article missing or stale in a locale.

Which segments need work: a stale translation was made from the source whose hash is
its ``translationOf``; that text comes from git history (``history.text_by_hash``). A
segment whose text (placeholders included) equals a segment of that old source is
unchanged: its target is pre-filled from the translation and marked final. Otherwise it
is *changed* when the old source had a segment with its id (the target is pre-filled
with that segment's translation, for review) and *new* when not. Pre-filling needs the
translation to have the old source's structure (the same segment ids, each with the same
placeholders), as ``translations import`` writes it; a hand-made translation with
another structure gets no pre-fill (TR302). Without the old source (TR301) every
pre-filled segment is marked changed. Untracked translations (no ``translationOf``) are
exported like stale ones without history. ``slug`` is a unit only when the locale has no
translation yet (an existing translation keeps its URL).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.content.translations import source_of
from pipeline.core.model import Article, Finding, Severity, Site
from pipeline.translator import history
from pipeline.translator.article import ArticleText, read
from pipeline.translator.handoff import CHANGED, FINAL, NEW, SCHEMA, Handoff, Unit
from pipeline.translator.segments import Segment, Token, plain_segment

SLUG_HINT = ("the last part of the page's URL: words of the target language joined by '-'; "
             "leave it empty to make it from the translated title")


@dataclass
class Plan:
    """One article to export: its source, the existing translation if any, and why."""

    source: Article
    existing: Article | None
    reason: str  # missing, stale, untracked


@dataclass
class Exported:
    handoff: Handoff
    findings: list[Finding] = field(default_factory=list)


def plans(site: Site, locale: str) -> list[Plan]:
    """The articles of ``site`` missing, stale or untracked in ``locale``."""
    found = []
    for group in site.groups():
        source = source_of(group, site.settings.site.x_default)
        if source is None or source.locale == locale:
            continue
        existing = group.get(locale)
        if existing is None:
            found.append(Plan(source, None, "missing"))
        elif existing.meta.translation_of is None:
            found.append(Plan(source, existing, "untracked"))
        elif existing.meta.translation_of != source.source_hash:
            found.append(Plan(source, existing, "stale"))
    return found


def _key(segment: Segment) -> tuple[str, tuple[tuple[str, str], ...]]:
    return segment.text, segment.shape()


def _aligned(reference: ArticleText, translation: ArticleText) -> bool:
    """The translation has the reference's body structure (ids and placeholders)."""
    ref, got = reference.body_segments, translation.body_segments
    return [s.id for s in ref] == [s.id for s in got] and all(
        a.shape() == b.shape() for a, b in zip(ref, got, strict=True))


def build(site: Site, plan: Plan, locale: str) -> Exported:
    """The handoff of one planned article, with warnings about what could not be known."""
    root = site.settings.root
    source = plan.source
    current = read(root / source.source, str(source.source))
    if current is None:  # the site loaded it, so this only happens if it changed since
        raise OSError(f"{source.source}: front matter no longer readable")
    findings: list[Finding] = []
    segments = [s for s in current.segments if s.translatable]
    if plan.existing is None:  # an existing translation keeps its slug (its URL)
        slug = plain_segment("slug", "slug", source.slug)
        segments.insert(len([s for s in segments if not s.id.startswith("body.")]), slug)
    translation = old = None
    if plan.existing is not None:
        translation = read(root / plan.existing.source, str(plan.existing.source))
        if plan.existing.meta.translation_of:
            text = history.text_by_hash(root, source.source.as_posix(),
                                        plan.existing.meta.translation_of)
            old = None if text is None else _of(text, source)
        if old is None:
            why = ("the source version this translation was made from is not in git history"
                   if plan.existing.meta.translation_of else "the translation records no "
                   "translationOf")
            findings.append(_warn(plan.existing, "TR301", f"{why}: every pre-filled segment "
                                  "is marked changed", "review each segment; commit sources "
                                  "before recording translations"))
        if translation is not None and not _aligned(old or current, translation):
            findings.append(_warn(plan.existing, "TR302", "the translation's structure "
                                  "differs from its source's: nothing is pre-filled",
                                  "translate every segment (the file is complete)"))
            translation = None
    path = source.source.as_posix()
    prefill = _Prefill(old, translation)
    units = tuple(prefill.unit(s, f"{path}:{current.line_of(s)}") for s in segments)
    units = tuple(replace(u, hint=SLUG_HINT) if u.segment.id == "slug" else u for u in units)
    meta = {"schema": SCHEMA, "translationKey": source.translation_key,
            "sourcePath": source.source.as_posix(), "sourceLocale": source.locale,
            "targetLocale": locale, "sourceHash": source.source_hash}
    return Exported(Handoff(meta, site.locale(source.locale).hreflang,
                            site.locale(locale).hreflang, units), findings)


def _of(text: str, source: Article) -> ArticleText | None:
    from pipeline.translator.article import of_text

    return of_text(text, str(source.source))


def _warn(article: Article, code: str, message: str, hint: str) -> Finding:
    return Finding(str(article.source), article.line_of("translationOf"), 1, code,
                   Severity.WARNING, message, hint)


class _Prefill:
    """What the existing translation and its old source say about each current segment."""

    def __init__(self, old: ArticleText | None, translation: ArticleText | None):
        self.old, self.translation = old, translation
        self.done = translation.by_id() if translation else {}
        self.before = old.by_id() if old else {}
        self.by_key: dict[tuple[str, tuple[tuple[str, str], ...]], Segment] = {}
        for segment in old.segments if old else ():
            self.by_key.setdefault(_key(segment), segment)

    def unit(self, segment: Segment, location: str) -> Unit:
        """New, changed (pre-filled for review) or final (pre-filled)."""
        if self.translation is None:
            return Unit(segment, NEW, location=location)
        if self.old is None:  # no history: pre-fill what lines up, all of it to review
            target = _target(self.done.get(segment.id), segment)
            return Unit(segment, CHANGED if target is not None else NEW, target,
                        location=location)
        match = self.before.get(segment.id)
        if match is None or _key(match) != _key(segment):
            match = self.by_key.get(_key(segment))
        if match is not None:
            target = _target(self.done.get(match.id), segment)
            if target is not None:
                return Unit(segment, FINAL, target, location=location)
        previous = self.before.get(segment.id)
        if previous is not None:
            target = _target(self.done.get(segment.id), segment)
            return Unit(segment, CHANGED if target is not None else NEW, target,
                        previous.text, location)
        return Unit(segment, NEW, location=location)


def _target(translated: Segment | None, segment: Segment) -> tuple[Token, ...] | None:
    """The translated segment's tokens, usable when its placeholders match ``segment``'s."""
    if translated is None or translated.shape() != segment.shape():
        return None
    return translated.tokens


def write_all(site: Site, locale: str, fmt: str, out: Path) -> tuple[list[Path], list[Finding]]:
    """Export every planned article of ``locale`` into ``out``; the files and warnings."""
    from pipeline.core.fsutil import write_bytes
    from pipeline.translator import po, xliff

    writer, suffix = (xliff.write, ".xlf") if fmt == "xliff" else (po.write, ".po")
    written, findings = [], []
    for plan in plans(site, locale):
        exported = build(site, plan, locale)
        findings.extend(exported.findings)
        try:
            data = writer(exported.handoff)
        except ValueError as exc:  # lxml: a character XML cannot hold (a C0 control)
            findings.append(Finding(str(plan.source.source), 1, 1, "TR303", Severity.ERROR,
                                    f"cannot be written as {fmt}: {exc}", "remove control "
                                    "characters from the article"))
            continue
        path = out / (exported.handoff.file_stem + suffix)
        write_bytes(path, data)
        written.append(path)
    return written, findings
