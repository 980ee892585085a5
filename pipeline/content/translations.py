"""Translation status: per translation key, which locales are present, missing or stale.

The source hash (``source_hash``) is the SHA-256 of a source file's UTF-8 text as the
load stage reads it: byte order mark removed, line endings normalised to LF. For a
file saved with LF endings and no BOM it equals ``sha256sum content/en/x.md``. Any edit
of the source, front matter included, gives a new hash.

A translation records the hash of the source it was made from in its front matter
(``translationOf: <64 hex>``). The source of a group is its one article without
``translationOf``; when there is none or several, the ``site.x_default`` locale's.
A translation is *stale* when its ``translationOf`` differs from the source's current
hash, and *untracked* when it has no ``translationOf``.

``seo-pipeline translations`` prints the status as Markdown, or JSON with
``--format json``; with ``--strict`` it exits 1 when anything is missing, stale or
untracked. ``--mark-current FILE...`` records in translations that they match their
source as it is now (after a translator has brought them up to date).
``translations export`` / ``translations import`` hand the text to translators and back
as XLIFF 2.0 or PO (``pipeline/translator/``).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipeline.content.frontmatter_edit import set_field
from pipeline.core.fsutil import dumps_json, write_text
from pipeline.core.model import Article, Site, TranslationGroup

STATES = ("source", "current", "stale", "untracked")


def source_hash(article: Article) -> str:
    """The hash a translation's ``translationOf`` must equal to be current."""
    return article.source_hash


@dataclass(frozen=True)
class KeyStatus:
    key: str
    source: str | None  # locale of the source article
    source_hash: str | None
    present: tuple[str, ...]
    missing: tuple[str, ...]
    stale: tuple[str, ...]
    untracked: tuple[str, ...]
    # locales whose article exists but is not published: "draft", "scheduled", "expired"
    unpublished: dict[str, str] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not (self.missing or self.stale or self.untracked)


def source_of(group: TranslationGroup, default_locale: str) -> Article | None:
    """The article the others in the group are translated from."""
    originals = [a for a in group.articles.values() if a.meta.translation_of is None]
    if len(originals) == 1:
        return originals[0]
    return group.get(default_locale) or (originals[0] if originals else None)


def state_of(article: Article, source: Article | None) -> str:
    """One of ``STATES`` for an article of a group whose source is ``source``."""
    if source is None or article is source:
        return "source"
    if article.meta.translation_of is None:
        return "untracked"
    return "current" if article.meta.translation_of == source_hash(source) else "stale"


def group_status(group: TranslationGroup, site: Site,
                 unpublished: dict[str, str] | None = None) -> KeyStatus:
    """``unpublished``: the key's locales whose article is a draft, scheduled or expired."""
    unpublished = unpublished or {}
    source = source_of(group, site.settings.site.x_default)
    order = site.settings.locale_codes
    present = tuple(c for c in order if c in group.articles)
    states = {c: state_of(group.articles[c], source) for c in present}
    return KeyStatus(
        key=group.key,
        source=source.locale if source else None,
        source_hash=source_hash(source) if source else None,
        present=present,
        missing=tuple(c for c in order if c not in group.articles and c not in unpublished),
        stale=tuple(c for c in present if states[c] == "stale"),
        untracked=tuple(c for c in present if states[c] == "untracked"),
        unpublished={c: unpublished[c] for c in order if c in unpublished},
    )


def site_status(site: Site) -> list[KeyStatus]:
    """Every translation key, published or not; a locale whose article is held back is
    reported as "draft", "scheduled" or "expired", never as missing."""
    held: dict[str, dict[str, str]] = {}
    for article in site.articles:
        status = site.status(article)
        if status != "published":
            held.setdefault(article.translation_key, {}).setdefault(article.locale, status)
    groups = {g.key: g for g in site.groups()}
    keys = sorted(set(groups) | set(held))
    return [group_status(groups.get(k) or TranslationGroup(k, {}), site, held.get(k))
            for k in keys]


def to_json(statuses: list[KeyStatus]) -> str:
    return dumps_json({"schema": "seo-pipeline/translations/1",
                       "keys": [asdict(s) for s in statuses]})


def to_markdown(statuses: list[KeyStatus]) -> str:
    lines = ["| key | source | present | missing | stale | untracked | not published |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for s in statuses:
        held = ", ".join(f"{c} ({why})" for c, why in s.unpublished.items())
        cells = [s.key, s.source or "", *(", ".join(v) or "-" for v in
                                          (s.present, s.missing, s.stale, s.untracked)),
                 held or "-"]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    complete = sum(s.complete for s in statuses)
    lines.append("")
    lines.append(f"{complete} of {len(statuses)} translation key(s) complete.")
    return "\n".join(lines) + "\n"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--format json`` gives JSON, any other format Markdown."""
    parser.add_argument("--mark-current", nargs="+", type=Path, metavar="FILE", default=[],
                        help="record in these translations (translationOf) that they match "
                        "their source as it is now")
    from pipeline.translator.cli import add_subcommands

    add_subcommands(parser)


def mark_current(site: Site, paths: list[Path]) -> list[str]:
    """Write the source's current hash into each translation; return problems."""
    by_path = {(site.settings.root / a.source).resolve(): a for a in site.articles}
    problems = []
    for path in paths:
        article = by_path.get(path.resolve())
        if article is None:
            problems.append(f"{path}: not a loaded article (run 'seo-pipeline validate')")
            continue
        source = source_of(site.group_of(article), site.settings.site.x_default)
        if source is None or source is article:
            problems.append(f"{path}: is the source of its translation group, not a translation")
            continue
        target = site.settings.root / article.source
        text = target.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
        write_text(target, set_field(text, "translationOf", source_hash(source)))
        print(f"{article.source}: translationOf {source.source} as it is now")
    return problems


def main(args: argparse.Namespace) -> int:
    if getattr(args, "action", None):
        from pipeline.translator.cli import run

        return run(args)
    from pipeline.content.site import open_site

    _, site = open_site(args.root, args.config)
    if args.mark_current:
        problems = mark_current(site, args.mark_current)
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    statuses = site_status(site)
    text = to_json(statuses) if args.format == "json" else to_markdown(statuses)
    print(text, end="")
    return 1 if args.strict and not all(s.complete for s in statuses) else 0
