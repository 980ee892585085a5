"""Import a plain-text export into a Markdown article with blog-starter front matter.

The export format: blocks separated by blank lines; a block of one short line without
end punctuation (a question mark is allowed) is a heading; lines starting with ``•``
are bullets; everything else is a paragraph. The first heading becomes the title (and
leaves the body), the first paragraph the excerpt, the title the slug.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import frontmatter

from pipeline.content.schema import parse_datetime
from pipeline.core.fsutil import write_text

BULLET = re.compile(r"^\s*[•·▪◦‣]\s*")
END_PUNCTUATION = tuple(".!,;:…")
MAX_HEADING = 120
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
        elif len(lines) == 1 and is_heading(lines[0]):
            blocks.append(Block("heading", (lines[0],)))
        else:
            blocks.append(Block("paragraph", (" ".join(lines),)))
    return blocks


def is_heading(line: str) -> bool:
    return len(line) <= MAX_HEADING and not line.endswith(END_PUNCTUATION)


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
    author_picture: str = "/assets/blog/authors/editorial.jpeg"


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
        "author": {"name": options.author, "picture": options.author_picture},
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
    parser.add_argument("--author-picture", default=ImportOptions.author_picture)
    parser.add_argument("--output", type=Path, help="write here (default: content/<locale>/"
                        "<slug>.md; '-' for standard output)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing article")


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
