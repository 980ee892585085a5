"""Responsive images: ``width``/``height`` of ``public/`` images and WebP/AVIF cover variants.

Every ``<img>`` the pipeline writes for a file under ``public/`` carries the file's
``width`` and ``height`` (measured by ``seo.images``: no layout shift). A cover also gets
variants at ``WIDTHS`` (those narrower than the file, and the file's own width) in WebP,
and AVIF first when this Pillow can write it, offered through ``<picture>`` with
``srcset``/``sizes``; the ``<img>`` keeps the original file (and ``og:image`` stays it).
Variants are named by the file's content hash (``_img/<hash>-<width>.<format>`` in the
output folder), made once per hash into the cache folder (``img/``) and copied from
there, so an incremental build never encodes them again and a changed image gets new
names (no stale browser caches).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, features

from pipeline.core import urls
from pipeline.core.settings import Settings
from pipeline.engine.outputs import FolderRun
from pipeline.engine.publish import file_digest
from pipeline.seo import images

WIDTHS = (480, 960)  # below the file's own width, which is always offered
FOLDER = "_img"  # of the variants in the output folder
CACHE = "img"  # of the variants in the cache folder
SIZES = "(min-width: 44.5rem) 42rem, calc(100vw - 2.5rem)"  # the column: .wrap in site.css
OPTIONS = {"avif": {"quality": 55, "speed": 8}, "webp": {"quality": 80}}  # speed 8: 5x faster
MAX_PIXELS = 40_000_000  # larger files get no variants (decoding them costs too much)


def formats() -> tuple[str, ...]:
    """Variant formats this Pillow writes, best first (AVIF when it has the codec)."""
    return ("avif", "webp") if features.check("avif") else ("webp",)


@dataclass(frozen=True)
class Cover:
    """A local cover: its file, pixel size and short content hash."""

    path: str
    width: int
    height: int
    digest: str

    def widths(self) -> list[int]:
        """Variant widths: those of ``WIDTHS`` below the file's, and the file's own."""
        return [w for w in WIDTHS if w < self.width] + [self.width]

    def variant(self, width: int, fmt: str) -> str:
        """A variant's path in the output folder."""
        return f"{FOLDER}/{self.digest}-{width}.{fmt}"

    def variants(self) -> list[tuple[str, int, str]]:
        """``(format, width, output path)`` of every variant."""
        return [(fmt, w, self.variant(w, fmt)) for fmt in formats() for w in self.widths()]


def size_attrs(public: Path, src: str) -> str:
    """`` width="W" height="H"`` of an image under ``public`` named by its site path; ''
    when it is remote or cannot be measured."""
    found = images.inspect_in(public, src) if src.startswith("/") else None
    if isinstance(found, images.ImageInfo):
        return f' width="{found.width}" height="{found.height}"'
    return ""


def cover(settings: Settings, ref: str) -> Cover | None:
    """The cover a front-matter path names, when it is a local image to make variants of."""
    found = images.inspect(settings, ref)
    if not isinstance(found, images.ImageInfo) or found.width * found.height > MAX_PIXELS:
        return None
    try:
        path = images.local_file(settings, ref)
        st = os.stat(path) if path is not None else None
    except (OSError, ValueError):
        return None
    if path is None or st is None:
        return None
    return Cover(str(path), found.width, found.height,
                 _digest(str(path), st.st_size, st.st_mtime_ns)[:20])


@lru_cache(maxsize=65536)
def _digest(path: str, size: int, mtime_ns: int) -> str:
    return file_digest(path)


def cover_context(settings: Settings, ref: str, href: str) -> dict[str, object]:
    """What the article template shows of a cover: src, size and ``<source>`` lists."""
    found = cover(settings, ref)
    if found is None:
        return {"src": href, "width": None, "height": None, "sources": []}
    sources = [{"type": f"image/{fmt}", "sizes": SIZES,
                "srcset": ", ".join(f"{urls.file_href(settings, found.variant(w, fmt))} {w}w"
                                    for w in found.widths())}
               for fmt in formats()]
    return {"src": href, "width": found.width, "height": found.height, "sources": sources}


def encode(found: Cover, width: int, fmt: str) -> bytes:
    """One variant's bytes (the same bytes for the same file, width and format)."""
    with Image.open(found.path) as image:
        image.load()
        pixels = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    if width != found.width:
        pixels = pixels.resize((width, max(1, round(found.height * width / found.width))),
                               Image.Resampling.LANCZOS)
    out = io.BytesIO()
    pixels.save(out, fmt.upper(), **OPTIONS[fmt])
    return out.getvalue()


def cached_variant(cache: Path, found: Cover, width: int, fmt: str) -> Path:
    """The variant's file under ``<cache>/img/``, made when it is not there yet."""
    target = cache / CACHE / Path(found.variant(width, fmt)).name
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(f"{target.name}.{os.getpid()}.part")
        part.write_bytes(encode(found, width, fmt))
        os.replace(part, target)
    return target


def made_variants(settings: Settings, ref: str) -> dict[str, str]:
    """The variants of the cover ``ref`` (made under ``<cache>/img/`` when missing): output
    path -> SHA-256. Called by the work unit that renders the page, so variants are made
    in parallel and a later run publishes them from these hashes without reading covers."""
    found = cover(settings, ref)
    if found is None:
        return {}
    cache = settings.path("cache")
    return {rel: file_digest(cached_variant(cache, found, width, fmt))
            for fmt, width, rel in found.variants()}


def publish_variants(settings: Settings, wanted: Iterable[tuple[str, dict[str, str]]],
                     dist: FolderRun, owners: dict[str, str]) -> None:
    """The variants the work units made (``wanted``: cover path, output path -> SHA-256)
    into the output folder: a variant the folder holds with that hash is kept as it is,
    else copied from the cache (made again when the cache lost it)."""
    cache = settings.path("cache")
    for ref, variants in sorted(wanted, key=lambda item: item[0]):
        for rel, sha in sorted(variants.items()):
            if rel in owners:
                continue
            owners[rel] = f"variant of {ref}"
            if dist.current.get(rel) == sha:
                dist.written(rel, sha)
                continue
            source = cache / CACHE / Path(rel).name
            if not source.is_file() or file_digest(source) != sha:
                source.unlink(missing_ok=True)
                made = made_variants(settings, ref)  # the cache was cleaned or damaged
                sha = made.get(rel, "")
                if not sha:
                    del owners[rel]
                    continue
            dist.put_copy(rel, source, sha)
