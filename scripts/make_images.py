"""Draw the bundled images under public/: article covers, author pictures, logo, favicon.

Covers (1200x630 JPEG) are made for every ``coverImage``/``ogImage.url`` named in the
articles' front matter (English first, so a file named by several locales gets the
English caption), captioned with the title of the article that names it: a translation
that names its own cover gets one in its language. Right-to-left captions (Arabic) are
set right-aligned on a mirrored background in Noto Sans Arabic (Debian fonts-noto-core),
shaped by Pillow's raqm layout (HarfBuzz + FriBiDi), which the script requires. Author
pictures (400x400 JPEG) for every ``author.picture``. Output is deterministic: the same
Pillow build and fonts give byte-identical files on every run.

Usage: .venv/bin/python scripts/make_images.py [--root DIR]
"""

from __future__ import annotations

import argparse
import math
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import frontmatter
from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps, features

COVER_SIZE = (1200, 630)
AVATAR_SIZE = (400, 400)
LOGO_SIZE = (600, 60)
SITE_NAME = "O9 Skin Journal"
INK = (255, 255, 255)
BRAND = (14, 116, 144)
# (top-left, bottom-right) gradient pairs: teal, rose, violet, amber, ocean, plum.
PALETTES = [
    ((13, 148, 136), (30, 58, 138)),
    ((244, 114, 182), (124, 58, 237)),
    ((99, 102, 241), (15, 23, 42)),
    ((251, 146, 60), (190, 24, 93)),
    ((56, 189, 248), (3, 105, 161)),
    ((167, 139, 250), (88, 28, 135)),
]


ARABIC_FONT = Path("/usr/share/fonts/truetype/noto/NotoSansArabic-Bold.ttf")


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def rtl_font(size: int) -> ImageFont.FreeTypeFont:
    """Noto Sans Arabic with raqm layout: joined letter forms, right-to-left order."""
    if not features.check("raqm"):
        raise SystemExit("Pillow has no raqm layout: Arabic text would be drawn unshaped")
    if not ARABIC_FONT.is_file():
        raise SystemExit(f"{ARABIC_FONT} is missing: apt-get install fonts-noto-core")
    return ImageFont.truetype(str(ARABIC_FONT), size, layout_engine=ImageFont.Layout.RAQM)


def is_rtl(text: str) -> bool:
    """Does the text's first strong character run right to left?"""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def gradient(size: tuple[int, int], start: tuple[int, int, int],
             end: tuple[int, int, int], angle: float = 35.0) -> Image.Image:
    """A diagonal two-colour gradient filling ``size``."""
    side = int(math.hypot(*size)) + 2
    mask = Image.linear_gradient("L").resize((side, side)).rotate(angle, expand=False)
    left = (side - size[0]) // 2
    top = (side - size[1]) // 2
    mask = mask.crop((left, top, left + size[0], top + size[1]))
    return Image.composite(Image.new("RGB", size, end), Image.new("RGB", size, start), mask)


def glow(size: tuple[int, int], centre: tuple[int, int], radius: int,
         colour: tuple[int, int, int], alpha: int) -> Image.Image:
    """A soft translucent disc, like a beam of light on skin."""
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    x, y = centre
    ImageDraw.Draw(layer).ellipse((x - radius, y - radius, x + radius, y + radius),
                                  fill=(*colour, alpha))
    return layer.filter(ImageFilter.GaussianBlur(radius // 3))


def wrap(draw: ImageDraw.ImageDraw, text: str, face, width: int,  # type: ignore[no-untyped-def]
         **options: str) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=face, **options) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def cover(caption: str, palette: int) -> Image.Image:
    """The cover of one article; an RTL caption mirrors the layout."""
    rtl = is_rtl(caption)
    start, end = PALETTES[palette % len(PALETTES)]
    image = gradient(COVER_SIZE, start, end).convert("RGBA")
    for centre, radius, alpha in (((960, 150), 260, 90), ((1080, 520), 180, 40),
                                  ((180, 560), 140, 50)):
        image = Image.alpha_composite(image, glow(COVER_SIZE, centre, radius, INK, alpha))
    lines = Image.new("RGBA", COVER_SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(lines)
    for i in range(7):  # a fan of thin laser beams from the top-right corner
        draw.line((1200, 0, 560 + i * 70, 630), fill=(*INK, 38), width=2)
    for r in (60, 110, 160):  # concentric rings around the brightest glow
        draw.ellipse((960 - r, 150 - r, 960 + r, 150 + r), outline=(*INK, 70), width=3)
    image = Image.alpha_composite(image, lines)
    if rtl:
        image = ImageOps.mirror(image)
    draw = ImageDraw.Draw(image)
    badge = (870, 70, 1130, 112) if rtl else (70, 70, 330, 112)
    draw.rounded_rectangle(badge, radius=21, fill=(*INK, 230))
    draw.text(((badge[0] + badge[2]) // 2, 91), SITE_NAME, font=font(22), fill=end, anchor="mm")
    face = rtl_font(56) if rtl else font(58)
    options = {"direction": "rtl", "language": "ar"} if rtl else {}
    text_lines = wrap(draw, caption, face, 820, **options)
    step = 80 if rtl else 70
    y = 630 - 90 - step * len(text_lines)
    x, anchor = (1130, "ra") if rtl else (70, "la")
    for line in text_lines:
        draw.text((x + 2, y + 3), line, font=face, fill=(0, 0, 0, 90), anchor=anchor, **options)
        draw.text((x, y), line, font=face, fill=INK, anchor=anchor, **options)
        y += step
    rule = (1010, y + 26, 1130, y + 32) if rtl else (70, y + 14, 190, 20 + y)
    draw.rectangle(rule, fill=INK)
    return image.convert("RGB")


def avatar(initials: str, palette: int) -> Image.Image:
    start, end = PALETTES[palette % len(PALETTES)]
    image = gradient(AVATAR_SIZE, start, end, angle=60).convert("RGBA")
    image = Image.alpha_composite(image, glow(AVATAR_SIZE, (300, 90), 120, INK, 80))
    draw = ImageDraw.Draw(image)
    draw.ellipse((70, 70, 330, 330), outline=(*INK, 200), width=6)
    draw.text((200, 200), initials, font=font(120), fill=INK, anchor="mm")
    return image.convert("RGB")


def mark(size: int) -> Image.Image:
    """The round brand mark: a gradient disc with a light ring."""
    big = size * 4
    disc = gradient((big, big), *PALETTES[0]).convert("RGBA")
    mask = Image.new("L", (big, big), 0)
    ImageDraw.Draw(mask).ellipse((0, 0, big - 1, big - 1), fill=255)
    out = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    out.paste(disc, (0, 0), mask)
    ring = big // 5
    ImageDraw.Draw(out).ellipse((ring, ring, big - ring, big - ring), outline=INK,
                                width=max(2, big // 14))
    return out.resize((size, size), Image.LANCZOS)


def logo() -> Image.Image:
    image = Image.new("RGBA", LOGO_SIZE, (0, 0, 0, 0))
    image.alpha_composite(mark(52), (4, 4))
    ImageDraw.Draw(image).text((72, 30), SITE_NAME, font=font(36), fill=(*BRAND, 255),
                               anchor="lm")
    return image


def initials(name: str) -> str:
    words = [w for w in name.replace("-", " ").split() if w[:1].isalpha()]
    return "".join(w[0].upper() for w in words[:2]) or "?"


def site_path(public: Path, value: str) -> Path:
    return public / unquote(value).lstrip("/")


def save(image: Image.Image, path: Path, **options: object) -> None:
    """Write ``image`` atomically in the format its suffix names."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    image.save(tmp, format=_format(path), **options)
    tmp.replace(path)
    print(path)


def _format(path: Path) -> str:
    return {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".ico": "ICO"}[path.suffix.lower()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    root = parser.parse_args().root
    public = root / "public"
    jpeg = {"quality": 88, "optimize": True, "progressive": False}
    covers: dict[Path, tuple[str, str]] = {}
    authors: dict[Path, str] = {}
    sources = sorted((root / "content").glob("*/*.md"),
                     key=lambda p: (p.parent.name != "en", p.as_posix()))
    for source in sources:
        meta = frontmatter.load(source).metadata
        key = str(meta.get("translationKey") or source.stem)
        for value in (meta["coverImage"], (meta.get("ogImage") or {}).get("url")):
            if value:
                covers.setdefault(site_path(public, value), (str(meta["title"]), key))
        author = meta["author"]
        authors.setdefault(site_path(public, author["picture"]), str(author["name"]))
    # Palettes go round in translation-key order, so neighbouring covers differ.
    keys = sorted({key for _, key in covers.values()})
    for path, (caption, key) in sorted(covers.items()):
        save(cover(caption, keys.index(key)), path, **jpeg)
    for index, (path, name) in enumerate(sorted(authors.items())):
        save(avatar(initials(name), index + 1), path, **jpeg)
    save(logo(), public / "assets" / "brand" / "logo.png", optimize=True)
    icon = mark(64)
    save(icon, public / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48), (64, 64)])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
