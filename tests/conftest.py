"""Shared fixtures: small sites built in a temp dir, the way users lay them out."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
SITE_TOML = """\
[site]
name = "Test Site"
base_url = "https://example.org"
url_pattern = "/{locale}/{slug}/"
x_default = "en"

[[locales]]
code = "en"
hreflang = "en"
og_locale = "en_US"
direction = "ltr"
name = "English"

[[locales]]
code = "ar"
hreflang = "ar"
og_locale = "ar_AR"
direction = "rtl"
name = "العربية"
numbering = "arab"
"""

EN_ARTICLE = """\
---
title: "Laser Skin Resurfacing Basics"
excerpt: "What laser skin resurfacing does, who it suits and how the skin heals after a session."
coverImage: "/assets/blog/cover (1).jpeg"
date: "2025-07-01T05:35:07.322Z"
author:
  name: Editorial Team
  picture: "/assets/authors/team.jpeg"
ogImage:
  url: "/assets/blog/cover (1).jpeg"
slug: laser-basics
translationKey: laser-basics
---

## What it is

Laser light removes the outer layer of skin.
"""

AR_ARTICLE = """\
---
title: "أساسيات تقشير البشرة بالليزر"
excerpt: "ما الذي يفعله تقشير البشرة بالليزر، ومن يناسبه، وكيف تتعافى البشرة بعد الجلسة."
coverImage: "/assets/blog/cover (1).jpeg"
date: "2025-07-01T05:35:07.322Z"
author:
  name: فريق التحرير
  picture: "/assets/authors/team.jpeg"
slug: أساسيات-الليزر
translationKey: laser-basics
locale: ar
---

## ما هو

يزيل ضوء الليزر الطبقة الخارجية من الجلد.
"""


def write_image(path: Path, size: tuple[int, int] = (1200, 630)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (40, 90, 160)).save(path, "JPEG")


def build_site(root: Path, files: dict[str, str | bytes], config: str = SITE_TOML) -> Path:
    """Write ``site.toml``, the given content files and the images they use."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.toml").write_text(config, encoding="utf-8")
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(textwrap.dedent(data) if data.startswith("\n") else data,
                            encoding="utf-8")
    write_image(root / "public/assets/blog/cover (1).jpeg")
    write_image(root / "public/assets/authors/team.jpeg", (400, 400))
    copy_catalogs(root)
    return root


def copy_catalogs(root: Path) -> None:
    """The shipped UI catalogs, as every project has them (a locale with articles needs one)."""
    if not (root / "locales").exists():
        shutil.copytree(REPO / "locales", root / "locales", ignore=shutil.ignore_patterns("*.mo"))


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Path]:
    def make(files: dict[str, str | bytes] | None = None, config: str = SITE_TOML) -> Path:
        default = {"content/en/laser-basics.md": EN_ARTICLE,
                   "content/ar/laser-basics.md": AR_ARTICLE}
        return build_site(tmp_path / "site", default if files is None else files, config)

    return make


# Links stage: loopback servers and small projects (see tests/links_support.py).
from links_support import project, raw_server, server  # noqa: E402, F401
