"""``seo-pipeline new LOCALE SLUG`` and ``seo-pipeline new --translate PATH LOCALE [SLUG]``.

``new`` writes ``content/LOCALE/SLUG.md`` with front matter that validates: a title made
from the slug, an excerpt placeholder within the site's length limits, today's date
(ISO 8601, UTC), the author of the site's newest article (or a placeholder author), and
a cover image (a placeholder copied under ``public/assets/blog/SLUG/`` when none exists).

``--translate`` writes a stub translation of an article into another locale: the same
``translationKey``, ``translationOf`` set to the source's hash (the rule of
``pipeline.content.translations``), the source's front matter with its texts marked, and
its body with every heading, list item, quote, paragraph and image alt text kept in
place and prefixed with ``TRANSLATE:`` (``MARK``); code blocks, link targets and image
paths stay as they are. When PATH is itself a translation, the group's source is used.

Codes (exit 2): FM205 locale not configured, FM105 bad slug (the validate codes), SC003
the file exists, SC004 PATH is not a loaded article, SC005 the translation group already
has an article in that locale.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

import yaml

from pipeline.core.fsutil import write_text
from pipeline.core.jsontypes import JSONObject
from pipeline.core.model import Article, Finding, Severity, TranslationGroup
from pipeline.core.settings import Settings, load_settings

MARK = "TRANSLATE: "
EXIT_OK, EXIT_USAGE = 0, 2
KEY_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
PLACEHOLDER_EXCERPT = ("One or two sentences that sum up this article for search results and "
                       "shares: replace this text.")
COVER = "assets/blog/welcome/cover.jpg"  # the scaffold's, copied as a placeholder
PLACEHOLDER_AUTHOR = {"name": "Author Name", "picture": "/assets/authors/editorial-team.png"}
BODY = ("Write the article here, in Markdown.\n\n## A first section\n\n"
        "Headings like the one above make the table of contents.\n")


class Refused(Exception):
    """A request ``new`` cannot carry out; holds the located finding."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("first", metavar="LOCALE", help="the locale of the new article")
    parser.add_argument("second", metavar="SLUG", nargs="?",
                        help="its slug (the file name); with --translate: default the source's")
    parser.add_argument("--translate", type=Path, metavar="PATH",
                        help="write a translation stub of this article into LOCALE")


def _refuse(path: str, code: str, message: str, hint: str) -> Refused:
    return Refused(Finding(path, 1, 1, code, Severity.ERROR, message, hint))


def check_locale(settings: Settings, locale: str) -> None:
    if locale not in settings.locale_codes:
        raise _refuse("site.toml", "FM205", f"'{locale}' is not a configured locale",
                      f"use one of: {', '.join(settings.locale_codes)}, or add a [[locales]] "
                      "entry to site.toml")


def check_slug(settings: Settings, locale: str, slug: str) -> None:
    """FM105 at the would-be file when ``slug`` cannot be a slug (the validate rule)."""
    from pipeline.content.schema import slug_problem

    if why := slug_problem(slug):
        where = settings.path("content") / locale / f"{slug}.md"
        raise _refuse(shown(where, settings), "FM105", f"slug {slug!r} {why}",
                      "use lowercase words joined by '-', e.g. my-first-article")


def free_target(settings: Settings, locale: str, slug: str) -> Path:
    """``content/LOCALE/SLUG.md``, which must not exist yet (SC003)."""
    target = settings.path("content") / locale / f"{slug}.md"
    if target.exists() or target.is_symlink():
        raise _refuse(shown(target, settings), "SC003", "the file already exists",
                      "choose another slug, or edit the existing file")
    return target


def shown(path: Path, settings: Settings) -> str:
    from pipeline.content.tree import shown as tree_shown

    return tree_shown(path.resolve(), settings.root.resolve())


def excerpt_for(settings: Settings, locale: str) -> str:
    """The placeholder excerpt, fitted to the locale's description length limits
    (``[metadata]``, with ``locale_limits``; ASCII: one character per user-perceived
    character)."""
    from pipeline.seo.lint import locale_limits_of

    limits = locale_limits_of(settings)[locale]
    low, high = limits["description_min"], limits["description_max"]
    text = PLACEHOLDER_EXCERPT
    while len(text) < low:
        text += " More text."
    if len(text) <= high:
        return text
    cut = text[:high]
    return cut.rstrip().ljust(len(cut), ".")  # a space cut at the end would fall short of low


def title_for(slug: str) -> str:
    """``my-first-article`` -> ``My first article`` (the slug itself when no word is left)."""
    title = " ".join(w for w in slug.replace("_", "-").split("-") if w) or slug
    return title[:1].upper() + title[1:]


def today() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def dump(data: JSONObject, body: str) -> str:
    """An article: front matter as YAML (text quoted where YAML needs it), then the body."""
    front = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{front}---\n\n{body}"


def newest_author(settings: Settings, locale: str) -> dict[str, str] | None:
    """The author of the site's newest article (in ``locale`` if it has any)."""
    from pipeline.content.load import load_site

    site, _ = load_site(settings)
    articles = sorted(site.articles, key=lambda a: (a.locale == locale, a.meta.date))
    if not articles:
        return None
    author = articles[-1].meta.author
    return {"name": author.name, "picture": author.picture}


def placeholder_file(settings: Settings, scaffold: str, relative: str) -> str:
    """Copy the scaffold's ``public/SCAFFOLD`` to the site's ``public/RELATIVE`` unless a
    file is there already; the URL path of ``RELATIVE``."""
    from pipeline.content.init_site import SCAFFOLD

    target = settings.path("public") / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SCAFFOLD / "public" / scaffold, target)
    return "/" + relative


def new_article(settings: Settings, locale: str, slug: str) -> Path:
    check_locale(settings, locale)
    check_slug(settings, locale, slug)
    target = free_target(settings, locale, slug)
    author = newest_author(settings, locale)
    if author is None:
        picture = PLACEHOLDER_AUTHOR["picture"].lstrip("/")
        author = {**PLACEHOLDER_AUTHOR, "picture": placeholder_file(settings, picture, picture)}
    folder = slug if slug.isascii() else "new-article"  # image paths stay plain ASCII
    cover = placeholder_file(settings, COVER, f"assets/blog/{folder}/cover.jpg")
    data: JSONObject = {
        "title": title_for(slug), "excerpt": excerpt_for(settings, locale), "coverImage": cover,
        "date": today(), "author": author, "ogImage": {"url": cover}, "locale": locale,
        "slug": slug}
    if KEY_PATTERN.fullmatch(slug):
        data["translationKey"] = slug
    target.parent.mkdir(parents=True, exist_ok=True)
    write_text(target, dump(data, BODY))
    return target


# -- translation stubs -------------------------------------------------------------------

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_BLOCK = re.compile(r"^( {0,3}(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d{1,9}[.)][ \t]+)+)(.*)$")
_IMAGE_ALT = re.compile(r"!\[([^\]]*)\]")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s")
_LONE_IMAGE = re.compile(r"^\s*!\[[^\]]*\]\([^)]*\)\s*$")


def mark_alts(line: str) -> str:
    return _IMAGE_ALT.sub(lambda m: f"![{MARK}{m.group(1)}]" if m.group(1) else m.group(0),
                          line)


def stub_body(body: str) -> str:
    """The body with each text block's first line marked and image alt texts marked; code
    blocks, reference definitions, tables, HTML and blank lines kept as they are."""
    out: list[str] = []
    fence: str | None = None
    in_paragraph = False
    for line in body.split("\n"):
        if fence is not None:
            out.append(line)
            if line.strip().startswith(fence):
                fence = None
            continue
        if match := _FENCE.match(line):
            fence, in_paragraph = match.group(1)[0] * 3, False
            out.append(line)
            continue
        if not line.strip() or _REFERENCE.match(line) or line.lstrip().startswith(("|", "<")):
            in_paragraph = False
            out.append(line)
            continue
        if _LONE_IMAGE.match(line):
            out.append(mark_alts(line))
            in_paragraph = False
            continue
        if (block := _BLOCK.match(line)) and block.group(2).strip():
            out.append(block.group(1) + MARK + mark_alts(block.group(2)))
            in_paragraph = True
            continue
        out.append(mark_alts(line) if in_paragraph else MARK + mark_alts(line.lstrip()))
        in_paragraph = True
    return "\n".join(out)


def source_article(settings: Settings, path: Path) -> tuple[Article, TranslationGroup]:
    """The source of the translation group of the article at ``path`` (the article itself
    when it is one), and the group."""
    from pipeline.content.load import load_site
    from pipeline.content.translations import source_of

    site, _ = load_site(settings)
    wanted = path.resolve()
    for article in site.articles:
        if (settings.root / article.source).resolve() == wanted:
            group = site.group_of(article)
            return source_of(group, settings.site.x_default) or article, group
    raise _refuse(path.as_posix(), "SC004", "not an article of this site, or it has errors",
                  "name a file under the content folder; 'seo-pipeline validate' shows its "
                  "errors")


def translated_front(data: JSONObject, source: Article, locale: str,
                     slug: str) -> JSONObject:
    """The source's front matter for a translation: texts marked, key and hash set."""
    front = {k: v for k, v in data.items() if k not in {"translationOf", "locale", "slug",
                                                         "translationKey"}}
    for key in ("title", "excerpt", "coverAlt"):
        if isinstance(front.get(key), str):
            front[key] = MARK + front[key]
    front.update(locale=locale, slug=slug, translationKey=source.translation_key,
                 translationOf=source.source_hash)
    return front


def translation_stub(settings: Settings, path: Path, locale: str, slug: str | None) -> Path:
    from pipeline.content.parsing import split

    check_locale(settings, locale)
    source, group = source_article(settings, path)
    if (existing := group.get(locale)) is not None:
        raise _refuse(existing.source.as_posix(), "SC005",
                      f"translation key '{source.translation_key}' already has a '{locale}' "
                      "article", "edit it, or run 'seo-pipeline translations' to see if it is "
                      "stale")
    slug = slug or source.slug
    check_slug(settings, locale, slug)
    stem = source.source.stem if slug == source.slug else slug
    target = free_target(settings, locale, stem)
    text = (settings.root / source.source).read_bytes().decode("utf-8-sig")
    parsed, _ = split(text.replace("\r\n", "\n"), source.source.as_posix())
    if parsed is None:  # loaded articles always parse
        raise _refuse(source.source.as_posix(), "SC004", "cannot read the source", "")
    front = translated_front(parsed.data, source, locale, slug)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_text(target, dump(front, stub_body(parsed.body.lstrip("\n"))))
    return target


def main(args: argparse.Namespace) -> int:
    from pipeline.report import human_line

    settings = load_settings(Path(args.root), args.config)
    try:
        if args.translate is not None:
            target = translation_stub(settings, args.translate, args.first, args.second)
            note = f"translate every line marked '{MARK.strip()}', then remove the marks"
        elif args.second is None:
            print("seo-pipeline new: error: give LOCALE and SLUG, or --translate PATH LOCALE",
                  file=sys.stderr)
            return EXIT_USAGE
        else:
            target = new_article(settings, args.first, args.second)
            note = "write the title, excerpt and body; replace the cover image"
    except Refused as refused:
        print(human_line(refused.finding), file=sys.stderr)
        return EXIT_USAGE
    print(f"new article: {shown(target, settings)} ({note})")
    return EXIT_OK
