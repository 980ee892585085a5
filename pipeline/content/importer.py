"""Import a plain-text export into a Markdown article with blog-starter front matter.

The export format: blocks separated by blank lines; a block of one short line that
reads as a title is a heading (``is_heading``: no end punctuation but a question mark,
no closing quote or bracket, no URL, no trailing number such as a phone number, one
sentence; a Markdown ``## Heading`` line counts too); lines starting with ``•`` are
bullets; everything else is a paragraph. The first heading becomes the title (and
leaves the body), the first paragraph the excerpt, the title the slug.

Image paths the article names (cover, author picture) are checked under ``public/``:
a missing one is written with a warning that says where to put the file.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import frontmatter

from pipeline.content.assets import public_of
from pipeline.content.schema import parse_datetime
from pipeline.core.fsutil import write_text

BULLET = re.compile(r"^\s*[•·▪◦‣]\s*")
# Sentence or clause ends, Latin and Arabic-script (، Arabic comma, ؛ semicolon, ۔ Urdu
# full stop), and closing quotes and brackets: a line ending so is text, not a title.
END_PUNCTUATION = tuple(".!,;:…،؛۔") + tuple(")]}\"'”’»›」』")
MAX_HEADING = 120
MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+(.+?)(?:\s+#+)?$")
LINK_LIKE = re.compile(r"https?://|www\.|\]\(|\S@\S+\.\w", re.IGNORECASE)
TRAILING_NUMBER = re.compile(r"[\d\s+().\-/:]*\d$")  # digits with phone/date separators
INNER_SENTENCE_END = re.compile(r"[.!?؟۔]\s+\S")
MARKDOWN_LEAD = re.compile(r"^(\s*)([#>+*-]|\d+[.)])(\s)")


@dataclass(frozen=True)
class Block:
    """One structural block of the export: ``heading``, ``bullets`` or ``paragraph``."""

    kind: str
    lines: tuple[str, ...]


def parse_blocks(text: str) -> list[Block]:
    """Split export text into headings, bullet lists and paragraphs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        if all(BULLET.match(line) for line in lines):
            items = tuple(BULLET.sub("", line) for line in lines)
            if blocks and blocks[-1].kind == "bullets":
                items = blocks.pop().lines + items
            blocks.append(Block("bullets", items))
        elif len(lines) == 1 and is_heading(heading_text(lines[0])):
            blocks.append(Block("heading", (heading_text(lines[0]),)))
        else:
            blocks.append(Block("paragraph", (" ".join(lines),)))
    return blocks


def heading_text(line: str) -> str:
    """The text of a Markdown heading line (``## Types`` -> ``Types``), else the line."""
    match = MARKDOWN_HEADING.match(line)
    return match.group(1) if match else line


def is_heading(line: str) -> bool:
    """True when one line reads as a title rather than a one-line paragraph."""
    if len(line) > MAX_HEADING or not any(c.isalpha() for c in line):
        return False
    if line.endswith(END_PUNCTUATION) or LINK_LIKE.search(line):
        return False
    number = TRAILING_NUMBER.search(line)
    if number and sum(c.isdigit() for c in number.group()) >= 3:
        return False  # a phone number, a price, a year or a date ends a sentence, not a title
    return INNER_SENTENCE_END.search(line) is None


def slugify(title: str) -> str:
    """Lowercase words joined by '-'; letters of any script are kept (Arabic stays Arabic)."""
    text = unicodedata.normalize("NFKC", title).lower()
    text = text.replace("’", "").replace("'", "")
    words = re.findall(r"[^\W_]+", text)
    return "-".join(words)


def excerpt_of(paragraph: str, limit: int = 160) -> str:
    """Whole sentences up to ``limit`` characters; else words, ending with '…'."""
    sentences = re.split(r"(?<=[.!?؟])\s+", paragraph.strip())
    out = ""
    for sentence in sentences:
        candidate = f"{out} {sentence}".strip()
        if len(candidate) > limit:
            break
        out = candidate
    if out:
        return out
    cut = paragraph[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def _escape(text: str) -> str:
    """Keep a paragraph from being read as a heading, quote or list by Markdown."""
    return MARKDOWN_LEAD.sub(lambda m: f"{m.group(1)}\\{m.group(2)}{m.group(3)}", text)


def to_markdown(blocks: list[Block]) -> str:
    parts: list[str] = []
    for block in blocks:
        if block.kind == "heading":
            parts.append(f"## {block.lines[0]}")
        elif block.kind == "bullets":
            parts.append("\n".join(f"- {_escape(item)}" for item in block.lines))
        else:
            parts.append(_escape(block.lines[0]))
    return "\n\n".join(parts) + "\n"


@dataclass(frozen=True)
class ImportOptions:
    locale: str
    date: str
    title: str | None = None
    slug: str | None = None
    translation_key: str | None = None
    cover: str | None = None
    author: str = "Editorial Team"
    author_picture: str | None = None  # optional in the front matter


def convert(text: str, options: ImportOptions) -> tuple[str, str]:
    """Export text -> (slug, Markdown document with front matter)."""
    blocks = parse_blocks(text)
    title = options.title
    if title is None:
        heading = next((b for b in blocks if b.kind == "heading"), None)
        if heading is not None:
            title = heading.lines[0]
            blocks.remove(heading)
    paragraph = next((b.lines[0] for b in blocks if b.kind == "paragraph"), "")
    if title is None:
        title = excerpt_of(paragraph, 60).rstrip("…").rstrip(".")
    slug = options.slug or slugify(title)
    cover = options.cover or f"/assets/blog/{slug}/cover.jpg"
    front: dict[str, object] = {
        "title": title,
        "excerpt": excerpt_of(paragraph) if paragraph else title,
        "coverImage": cover,
        "date": options.date,
        "author": ({"name": options.author, "picture": options.author_picture}
                   if options.author_picture else {"name": options.author}),
        "ogImage": {"url": cover},
        "locale": options.locale,
        "slug": slug,
        "translationKey": options.translation_key or slug,
    }
    post = frontmatter.Post(to_markdown(blocks), None, **front)  # None: the default handler
    document = frontmatter.dumps(post, sort_keys=False, allow_unicode=True, width=1000)
    return slug, document + "\n"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="plain-text export to import")
    parser.add_argument("--locale", required=True, help="locale of the text, e.g. en")
    parser.add_argument("--date", required=True, help="publication date, ISO 8601")
    parser.add_argument("--title", help="override the title (default: first heading)")
    parser.add_argument("--slug", help="override the slug (default: from the title)")
    parser.add_argument("--translation-key", help="shared key across locales (default: slug)")
    parser.add_argument("--cover", help="cover image path under public/")
    parser.add_argument("--author", default=ImportOptions.author, help="author name")
    parser.add_argument("--author-picture", default=None,
                        help="author picture path under public/ (optional)")
    parser.add_argument("--output", type=Path, help="write here (default: content/<locale>/"
                        "<slug>.md; '-' for standard output)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing article")


IMAGE_FIELDS = (("coverImage", "--cover"), ("author.picture", "--author-picture"))


def missing_images(front: dict[str, object], public: Path) -> list[str]:
    """A warning per image path of the front matter that is not a file under ``public``."""
    lookup = public_of(public)
    warnings = []
    for key, option in IMAGE_FIELDS:
        head, _, sub = key.partition(".")
        value = front.get(head)
        value = value.get(sub) if sub and isinstance(value, dict) else value
        if isinstance(value, str) and not lookup.image_exists(value):
            place = lookup.relative(value) or value
            warnings.append(f"{key} {value!r} does not exist: put the image at "
                            f"{public.name}/{place} or pass {option} with an existing one "
                            "(the build reports it as FM204 until then)")
    return warnings


def _public(args: argparse.Namespace) -> Path:
    """The project's ``public/`` (``[paths] public`` when site.toml can be read)."""
    from pipeline.core.settings import ConfigError, load_settings

    try:
        return load_settings(Path(args.root), args.config).path("public")
    except ConfigError:
        return Path(args.root) / "public"


def main(args: argparse.Namespace) -> int:
    if parse_datetime(args.date) is None:
        print(f"import: --date {args.date!r} is not an ISO 8601 date", file=sys.stderr)
        return 2
    try:
        text = args.file.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"import: cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    options = ImportOptions(locale=args.locale, date=args.date, title=args.title, slug=args.slug,
                            translation_key=args.translation_key, cover=args.cover,
                            author=args.author, author_picture=args.author_picture)
    slug, document = convert(text, options)
    for warning in missing_images(frontmatter.loads(document).metadata, _public(args)):
        print(f"import: warning: {warning}", file=sys.stderr)
    if str(args.output) == "-":
        sys.stdout.write(document)
        return 0
    target = args.output or args.root / "content" / args.locale / f"{slug}.md"
    if target.exists() and not args.force:
        print(f"import: {target} exists; use --force to overwrite", file=sys.stderr)
        return 2
    write_text(target, document)
    print(f"import: wrote {target}")
    return 0
