"""Importing the plain-text exports (seeds 001-004) into Markdown articles."""

from __future__ import annotations

from pathlib import Path

import frontmatter
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from pipeline.cli import main
from pipeline.content.importer import (
    END_PUNCTUATION,
    ImportOptions,
    convert,
    excerpt_of,
    is_heading,
    parse_blocks,
    slugify,
)

SEEDS = Path(__file__).parent / "seeds"


def seed(number: str) -> str:
    return next(SEEDS.glob(f"{number}_*.txt")).read_text(encoding="utf-8")


def structure(markdown: str) -> list[tuple[str, str]]:
    """(kind, first words) for every top-level block, read by a real CommonMark parser."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    blocks = []
    for i, token in enumerate(tokens):
        if token.level != 0 or not token.type.endswith("_open"):
            continue
        kind = token.type.removesuffix("_open")
        if kind == "heading":
            kind = token.tag
        text = tokens[i + 1].content if kind != "bullet_list" else tokens[i + 3].content
        text = " ".join(text.split()[:4])
        blocks.append((kind, text))
    return blocks


def _convert(number: str, **kwargs: str) -> tuple[str, frontmatter.Post]:
    slug, document = convert(seed(number), ImportOptions(locale="en", date="2025-07-01", **kwargs))
    return slug, frontmatter.loads(document)


def test_seed_001_headings_paragraphs_and_front_matter() -> None:
    slug, post = _convert("001")
    assert post["title"] == "What Is A Laser Skin Resurfacing Treatment?"
    assert slug == post["slug"] == "what-is-a-laser-skin-resurfacing-treatment"
    assert post["excerpt"].startswith("Laser skin resurfacing treatment is a popular")
    assert 50 <= len(post["excerpt"]) <= 160
    blocks = structure(post.content)
    assert [k for k, _ in blocks].count("h2") == 7
    assert blocks[0] == ("paragraph", "Laser skin resurfacing treatment")
    assert blocks[1] == ("h2", "What Is a Laser")
    assert blocks[-1][0] == "paragraph" and "title" not in post.content[:5]


def test_seed_002_starts_with_paragraphs_and_takes_first_heading_as_title() -> None:
    _, post = _convert("002")
    assert post["title"] == "The Benefits of Laser Skin Resurfacing"
    kinds = [k for k, _ in structure(post.content)]
    assert kinds[:2] == ["paragraph", "paragraph"]
    assert kinds.count("h2") == 10 and "bullet_list" not in kinds


def test_seed_003_headings() -> None:
    _, post = _convert("003")
    blocks = structure(post.content)
    assert post["title"] == "What is Laser Skin Resurfacing?"
    assert [t for k, t in blocks if k == "h2"] == [
        "Fast and Uncomplicated", "Reduce pore size", "Improve collagen production"]


def test_seed_004_bullets_become_list_items_and_title_falls_back() -> None:
    _, post = _convert("004")
    blocks = structure(post.content)
    lists = [t for k, t in blocks if k == "bullet_list"]
    assert lists == ["You May Require Several", "No Downtime is Required",
                     "Lasers Encourage Collagen Production", "Both the Laser Being"]
    assert "•" not in post.content
    assert post["title"] and len(post["title"]) <= 60


def test_parse_blocks_merges_adjacent_bullets() -> None:
    blocks = parse_blocks("Intro text here.\n\n• one\n• two\n\n• three\n\nHeading\n\nEnd.")
    assert [(b.kind, b.lines) for b in blocks] == [
        ("paragraph", ("Intro text here.",)), ("bullets", ("one", "two", "three")),
        ("heading", ("Heading",)), ("paragraph", ("End.",))]


def test_markdown_lookalikes_are_escaped() -> None:
    _, document = convert("Title\n\n1. not a list, just a sentence.\n\n# not a heading either.",
                          ImportOptions(locale="en", date="2025-07-01"))
    kinds = [k for k, _ in structure(frontmatter.loads(document).content)]
    assert kinds == ["paragraph", "paragraph"]


@pytest.mark.parametrize(("title", "slug"), [
    ("What Is A Laser Skin Resurfacing Treatment?", "what-is-a-laser-skin-resurfacing-treatment"),
    ("It’s quick & safe!", "its-quick-safe"),
    ("تقشير البشرة بالليزر: دليل شامل", "تقشير-البشرة-بالليزر-دليل-شامل"),
])
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_excerpt_cuts_at_sentence_or_word() -> None:
    assert excerpt_of("One. Two is here.", 10) == "One."
    long = excerpt_of("word " * 100, 40)
    assert long.endswith("…") and len(long) <= 40


def test_cli_import_writes_article_that_validates(tmp_path: Path, make_site) -> None:
    root = make_site({})
    source = tmp_path / "export.txt"
    source.write_text(seed("003"), encoding="utf-8")
    args = ["import", str(source), "--locale", "en", "--date", "2025-07-22",
            "--root", str(root), "--cover", "/assets/blog/cover (1).jpeg",
            "--author-picture", "/assets/authors/team.jpeg"]
    assert main(args) == 0
    written = root / "content/en/what-is-laser-skin-resurfacing.md"
    assert written.is_file()
    assert main(args) == 2  # refuses to overwrite
    assert main(["validate", "--root", str(root)]) == 0
    assert main(["import", str(source), "--locale", "en", "--date", "soon"]) == 2


def test_cli_import_warns_about_images_that_do_not_exist(tmp_path: Path, make_site,
                                                          capsys) -> None:
    root = make_site({})
    source = tmp_path / "export.txt"
    source.write_text(seed("003"), encoding="utf-8")
    assert main(["import", str(source), "--locale", "en", "--date", "2025-07-22",
                 "--root", str(root), "--author-picture", "/assets/authors/nobody.jpg"]) == 0
    err = capsys.readouterr().err
    assert ("import: warning: coverImage '/assets/blog/what-is-laser-skin-resurfacing/"
            "cover.jpg' does not exist: put the image at public/assets/blog/"
            "what-is-laser-skin-resurfacing/cover.jpg or pass --cover") in err
    assert "author.picture '/assets/authors/nobody.jpg' does not exist" in err
    post = frontmatter.load(root / "content/en/what-is-laser-skin-resurfacing.md")
    assert post["author"]["picture"] == "/assets/authors/nobody.jpg"
    # Without --author-picture no picture is written (it is optional); an existing
    # cover gives no warning.
    assert main(["import", str(source), "--locale", "en", "--date", "2025-07-22", "--force",
                 "--root", str(root), "--cover", "/assets/blog/cover (1).jpeg"]) == 0
    assert "warning" not in capsys.readouterr().err
    post = frontmatter.load(root / "content/en/what-is-laser-skin-resurfacing.md")
    assert post["author"] == {"name": "Editorial Team"}


def test_seed_000_markdown_heading_is_not_doubled() -> None:
    _, post = _convert("000")
    assert "## ##" not in post.content
    assert [t for k, t in structure(post.content) if k == "h2"] == []  # it became the title
    assert post["title"] == "Types of Laser Resurfacing"


def test_seed_headings_are_only_the_real_ones() -> None:
    """Across every bundled seed, each heading is a short title line and each one-line
    paragraph that ends like a sentence stays a paragraph."""
    for path in sorted(SEEDS.glob("*.txt")):
        for block in parse_blocks(path.read_text(encoding="utf-8")):
            if block.kind == "heading":
                assert len(block.lines[0].split()) <= 12, (path.name, block.lines)
                assert not block.lines[0].endswith(END_PUNCTUATION), (path.name, block.lines)


@pytest.mark.parametrize("line", [
    "Book online at https://o9medical.com/en/contact",
    "More on www.example.org/laser",
    "Call us on +90 555 123 4567",
    "Prices start from 1500",
    "Opening hours 09:00-18:00",
    "Read about [Botox injections](https://o9medical.com/botox)",
    "(see the table above)",
    "Write to info@example.org",
    "“The best decision I made for my skin”",
    '"It changed how I see myself"',
    "She called it «a new face»",
    "للحجز اتصلوا بنا على الرقم ٠٥٥٥١٢٣٤٥٦",
    "اتصلوا بنا على 0555123456",
    "نتائج الليزر تدوم طويلاً،",
    "نقدم لكم أفضل العلاجات؛",
    "لیزر کا علاج محفوظ ہے۔",
    "It works. Try it today",
    "Ends with an ellipsis…",
])
def test_one_line_paragraphs_are_not_headings(line: str) -> None:
    assert not is_heading(line)
    (block,) = parse_blocks(f"{line}\n")
    assert block.kind == "paragraph"


@pytest.mark.parametrize("line", [
    "What Is Laser Skin Resurfacing?", "It’s quick and safe", "Final Thoughts",
    "Step 1", "Top 10 Questions About Lasers", "ما هو تقشير البشرة بالليزر؟",
    "فوائد الليزر للبشرة", "## Types of Laser Resurfacing",
])
def test_title_lines_are_headings(line: str) -> None:
    (block,) = parse_blocks(f"{line}\n")
    assert block.kind == "heading" and not block.lines[0].startswith("#")


@given(st.text(min_size=1, max_size=80).filter(lambda t: t.strip() and "\n" not in t),
       st.sampled_from([*END_PUNCTUATION, " https://example.org/x", " +1 212 555 0100"]))
def test_lines_ending_like_text_are_never_headings(text: str, ending: str) -> None:
    assert not is_heading(text.strip() + ending)
