"""Builds small bilingual test sites (en + ar, Arabic slugs, real Pillow images) in a temp dir."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from conftest import SITE_TOML as BASE_TOML
from conftest import copy_catalogs
from PIL import Image

from pipeline.content.load import load_site
from pipeline.core.model import Site
from pipeline.core.settings import load_settings

# The shared test configuration plus what metadata and sitemaps read.
SITE_TOML = BASE_TOML.replace('x_default = "en"\n', """x_default = "en"
publisher = "Test Publisher"
publisher_logo = "/assets/brand/logo.png"
twitter_site = "@test"
""")
SITEMAPS_TOML = """
[sitemaps]
max_urls = {max_urls}
max_bytes = {max_bytes}
gzip = {gzip}
{extra}
"""

AR_SLUG = "تقشير-الجلد-بالليزر"
EN_COVER = "/assets/blog/laser/download (1).jpeg"


@dataclass
class Post:
    """One article to write; ``image`` is created with Pillow unless ``make_image`` is off."""

    locale: str
    slug: str
    key: str
    title: str
    excerpt: str = ("A clear, specific description of this article that is long enough "
                    "to be a good meta description for search results.")
    image: str = "/assets/blog/cover.jpg"
    size: tuple[int, int] = (1200, 630)
    make_image: bool = True
    date: str = "2025-07-01T05:35:07.322Z"
    lastmod: str | None = None
    tags: list[str] = field(default_factory=list)
    file: str = ""  # file name without .md; the slug when empty
    cover_alt: str | None = None


def default_posts() -> list[Post]:
    return [
        Post("en", "laser-skin-resurfacing", "laser",
             "Laser Skin Resurfacing: A High-Tech Approach", image=EN_COVER,
             lastmod="2025-08-01T10:00:00+02:00", tags=["laser", "skin & care"]),
        Post("ar", AR_SLUG, "laser", "تقشير الجلد بالليزر: نهج عالي التقنية",
             excerpt="يستخدم تقشير الجلد بالليزر حزمًا مركزة من الضوء لعلاج عيوب الجلد مثل "
                     "التجاعيد والندبات وأضرار الشمس.",
             image="/assets/blog/ar/غلاف.png", size=(1600, 900)),
        Post("en", "english-only", "solo", "An Article Only in English",
             image="/assets/blog/solo.jpg"),
    ]


def write_site(root: Path, posts: list[Post] | None = None, max_urls: int = 50000,
               max_bytes: int = 52428800, gzip: bool = False, extra: str = "") -> Path:
    """Write site.toml, content and images under ``root``; return ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.toml").write_text(SITE_TOML + SITEMAPS_TOML.format(
        max_urls=max_urls, max_bytes=max_bytes, gzip=str(gzip).lower(), extra=extra),
        encoding="utf-8")
    _image(root, "/assets/authors/a.jpg", (200, 200))
    _image(root, "/assets/brand/logo.png", (600, 60))
    for post in posts if posts is not None else default_posts():
        write_post(root, post)
    copy_catalogs(root)
    return root


def write_post(root: Path, post: Post) -> Path:
    if post.make_image:
        _image(root, post.image, post.size)
    lines = ["---", f"title: {_q(post.title)}", f"excerpt: {_q(post.excerpt)}",
             f'coverImage: "{post.image}"', f'date: "{post.date}"',
             *([f"coverAlt: {_q(post.cover_alt)}"] if post.cover_alt else []),
             *([f'lastmod: "{post.lastmod}"'] if post.lastmod else []),
             "author:", '  name: "Dr. Test"', '  picture: "/assets/authors/a.jpg"',
             f'slug: "{post.slug}"', f'translationKey: "{post.key}"',
             *([f"tags: [{', '.join(repr(t) for t in post.tags)}]"] if post.tags else []),
             "---", "", f"Body of {post.slug}.", ""]
    text = "\n".join(lines)
    path = root / "content" / post.locale / f"{post.file or post.slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _image(root: Path, ref: str, size: tuple[int, int]) -> None:
    path = root / "public" / ref.lstrip("/")
    path.parent.mkdir(parents=True, exist_ok=True)
    fmt = "PNG" if path.suffix == ".png" else "JPEG"
    Image.new("RGB", size, (200, 120, 90)).save(path, fmt)


def load(root: Path) -> Site:
    site, _ = load_site(load_settings(root))
    assert not [f for f in site.load_findings if f.is_error], site.load_findings
    return site
