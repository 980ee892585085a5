"""``seo-pipeline mv OLD NEW``: rename an article and keep its old URL alive.

``OLD`` is the article's source file (``content/en/old-slug.md``); ``NEW`` is the new
slug (``new-slug``) or the new file in the same locale folder
(``content/en/new-slug.md``). The file is renamed, its ``slug`` field (when it has one)
set to the new slug, and the old page's path added to ``aliases``; a ``translationKey``
taken from the old file name is written out, so the article stays in its translation
group. Every other byte of the file is kept. Translations keep their own URLs: the
command names them and how to rename each the same way. Refuses (exit 2): MV001 the
target file exists, MV002 OLD is not an article of the site, MV003 NEW is not a usable
slug or leaves the locale folder, MV004 another article of the locale has that slug.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import unicodedata
from pathlib import Path

from pipeline.content import frontmatter_edit
from pipeline.content.parsing import split
from pipeline.core.fsutil import write_bytes
from pipeline.core.model import Article, Finding, Severity, Site
from pipeline.core.settings import Settings, load_settings
from pipeline.redirects.paths import normal, normal_decoded

EXIT_OK, EXIT_USAGE = 0, 2


class Refused(Exception):
    """A rename ``mv`` will not do; holds the located finding."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", metavar="OLD", type=Path, help="the article's source file")
    parser.add_argument("new", metavar="NEW",
                        help="the new slug, or the new file in the same locale folder")


def _refuse(path: str, code: str, message: str, hint: str = "") -> Refused:
    return Refused(Finding(path, 1, 1, code, Severity.ERROR, message, hint))


def _shown(settings: Settings, path: Path) -> str:
    from pipeline.content.tree import shown

    return shown(path.resolve(), settings.root.resolve())


def _article(site: Site, settings: Settings, old: Path) -> Article:
    wanted = old.resolve()
    for article in site.articles:
        if (settings.root / article.source).resolve() == wanted:
            return article
    raise _refuse(_shown(settings, old), "MV002", "not an article of this site",
                  "give a Markdown file under the content folder, e.g. content/en/x.md")


def new_slug(settings: Settings, article: Article, new: str) -> str:
    """The slug NEW names (a bare slug, or a file beside the article)."""
    from pipeline.content.schema import slug_problem

    shown = article.source.as_posix()
    if "/" in new or new.endswith(".md"):
        target = Path(new)
        folder = (settings.root / article.source).resolve().parent
        if target.suffix != ".md" or (Path.cwd() / target).resolve().parent != folder:
            raise _refuse(shown, "MV003", f"{new} is not a Markdown file in the article's "
                          "locale folder", "a translation moves by its own command; give a "
                          "new slug or content/<locale>/<slug>.md")
        new = target.stem
    slug = unicodedata.normalize("NFC", new)
    if why := slug_problem(slug):
        raise _refuse(shown, "MV003", f"slug {slug!r} {why}",
                      "use letters (Arabic allowed), digits and '-'")
    return slug


def edited(text: str, article: Article, slug: str, old_path: str, fixed_key: bool) -> str:
    """``text`` with the new slug, the old path in ``aliases`` and, when the key came
    from the file name, ``translationKey`` written out; nothing else changed."""
    crlf = "\r\n" in text
    text = text.replace("\r\n", "\n") if crlf else text
    parsed, _ = split(text, article.source.as_posix())
    data = parsed.data if parsed else {}
    if "slug" in data:
        text = frontmatter_edit.set_field(text, "slug", json.dumps(slug, ensure_ascii=False))
    if not fixed_key:
        text = frontmatter_edit.set_field(text, "translationKey",
                                          json.dumps(article.translation_key))
    aliases = [a for a in data.get("aliases", []) if isinstance(a, str)]
    if old_path not in {normal(a) for a in aliases}:
        aliases.append(old_path)
    text = frontmatter_edit.set_field(text, "aliases",
                                      json.dumps(aliases, ensure_ascii=False))
    return text.replace("\n", "\r\n") if crlf else text


def move(settings: Settings, site: Site, old: Path, new: str) -> tuple[Path, list[str]]:
    """Rename the article; the new file and what to tell about its translations."""
    article = _article(site, settings, old)
    slug = new_slug(settings, article, new)
    source = (settings.root / article.source).resolve()
    target = source.with_name(f"{slug}.md")
    shown = _shown(settings, target)
    if target.exists():
        raise _refuse(shown, "MV001", "the file exists; nothing was changed",
                      "pick another slug, or remove that file first")
    for other in site.in_locale(article.locale):
        if other.slug == slug and other is not article:
            raise _refuse(other.source.as_posix(), "MV004", f"slug {slug!r} is taken by "
                          "this article in the same locale", "pick another slug")
    old_path = normal_decoded(settings.site.url_pattern.format(locale=article.locale,
                                                      slug=article.slug))
    raw = source.read_bytes().decode("utf-8")
    bom = "\ufeff" if raw.startswith("\ufeff") else ""
    text = raw.removeprefix(bom)
    parsed, _ = split(text.replace("\r\n", "\n"), article.source.as_posix())
    if parsed is None:  # changed since it was loaded
        raise _refuse(article.source.as_posix(), "MV002", "the file has no readable front "
                      "matter any more; nothing was changed", "run seo-pipeline validate")
    fixed_key = "translationKey" in parsed.data
    write_bytes(target, (bom + edited(text, article, slug, old_path, fixed_key)).encode())
    os.unlink(source)
    notes = []
    for other in site.articles:
        if other.translation_key == article.translation_key and other is not article:
            notes.append(f"{other.source.as_posix()} ({other.locale}) is its translation: "
                         "its URL is unchanged; to rename it too: seo-pipeline mv "
                         f"{other.source.as_posix()} NEW-SLUG")
    if notes and not article.meta.translation_of:
        notes.append("this is the source of its translations and its text changed: after "
                     "checking them, run seo-pipeline translations --mark-current FILE...")
    return target, notes


def main(args: argparse.Namespace) -> int:
    from pipeline.content.load import load_site
    from pipeline.report import human_line

    settings = load_settings(Path(args.root), args.config)
    site, _ = load_site(settings)
    try:
        target, notes = move(settings, site, args.old, args.new)
    except Refused as refused:
        print(human_line(refused.finding), file=sys.stderr)
        return EXIT_USAGE
    print(f"moved: {_shown(settings, args.old)} -> {_shown(settings, target)} (old URL "
          "kept in aliases)")
    for note in notes:
        print(f"note: {note}")
    return EXIT_OK
