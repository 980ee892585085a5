"""Small en + ar project trees built in a temp folder for the bundles tests."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from conftest import SITE_TOML as BASE_SITE_TOML

REPO = Path(__file__).resolve().parents[1]
AR_SLUG = "تقشير-البشرة-بالليزر"
# The Arabic page's path as a URL spells it: UTF-8, percent-encoded, uppercase hex.
AR_PATH = ("/ar/%D8%AA%D9%82%D8%B4%D9%8A%D8%B1-%D8%A7%D9%84%D8%A8%D8%B4%D8%B1%D8%A9-"
           "%D8%A8%D8%A7%D9%84%D9%84%D9%8A%D8%B2%D8%B1/")

# The shared test configuration, with this site's name, address and publisher.
SITE_TOML = BASE_SITE_TOML.replace(
    'name = "Test Site"\nbase_url = "https://example.org"',
    'name = "O9 Skin Journal"\nbase_url = "https://o9medical.com"',
).replace(
    'x_default = "en"\n',
    'x_default = "en"\npublisher = "O9 Medical"\npublisher_logo = "/assets/brand/logo.png"\n'
    'twitter_site = "@o9medical"\n',
    1,
)

EN_ARTICLE = """\
---
title: "Laser Skin Resurfacing: What to Expect"
excerpt: >-
  How laser skin resurfacing works, who it suits and how long recovery takes,
  explained step by step for first-time patients.
coverImage: "/assets/blog/laser/cover (1).png"
date: "2025-07-01T05:35:07Z"
author:
  name: Dr. Lina Haddad
  picture: "/assets/blog/authors/lina.png"
slug: laser-skin-resurfacing
translationKey: laser-skin-resurfacing
---

Laser skin resurfacing removes the outer layer of skin and heats the layer below,
which makes the body produce new collagen.

## How it works

A focused beam of light treats wrinkles, scars and sun damage.

| Laser | Recovery |
|---|--:|
| Ablative | 10 days |
| Non-ablative | 2 days |

## Recovery

Protect the skin from the sun for several weeks.
"""

AR_ARTICLE = """\
---
title: "تقشير البشرة بالليزر: ما الذي تتوقعه"
excerpt: >-
  كيف يعمل تقشير البشرة بالليزر، ولمن يناسب، وكم يستغرق التعافي،
  مشروحًا خطوة بخطوة للمرضى الجدد.
coverImage: "/assets/blog/laser/cover (1).png"
date: "2025-07-01T05:35:07Z"
author:
  name: د. لينا حداد
  picture: "/assets/blog/authors/lina.png"
slug: تقشير-البشرة-بالليزر
translationKey: laser-skin-resurfacing
translationOf: "{source_hash}"
---

يزيل تقشير البشرة بالليزر الطبقة الخارجية من الجلد ويسخّن الطبقة التي تحتها،
مما يحفّز الجسم على إنتاج كولاجين جديد.

## كيف يعمل الليزر؟

يعالج شعاع ضوئي مركّز التجاعيد والندبات وأضرار الشمس.

| الليزر | التعافي |
|---|--:|
| الاستئصالي | ١٠ أيام |
| غير الاستئصالي | يومان |

## التعافي

احمِ بشرتك من الشمس لعدة أسابيع.
"""

# A 1x1 PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e5270ddc0000000049454e44ae426082"
)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def copy_bundled(root: Path) -> Path:
    """The repository's own project (site.toml, content, public files, catalogs) under
    ``root``, without compiled catalogs."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ("content", "public", "locales"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("*.mo"))
    shutil.copy(REPO / "site.toml", root / "site.toml")
    return root


def make_site(root: Path, *, arabic: bool = True, extra_toml: str = "") -> Path:
    """Write site.toml, content/en (+ content/ar), public/ images and the repo's catalogs."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.toml").write_text(SITE_TOML + extra_toml, encoding="utf-8")
    write(root / "content/en/laser-skin-resurfacing.md", EN_ARTICLE)
    if arabic:
        write(root / "content/ar/تقشير-البشرة-بالليزر.md",
              AR_ARTICLE.replace("{source_hash}", sha256_text(EN_ARTICLE)))
    for image in ("assets/blog/laser/cover (1).png", "assets/blog/authors/lina.png"):
        (root / "public" / image).parent.mkdir(parents=True, exist_ok=True)
        (root / "public" / image).write_bytes(PNG)
    shutil.copytree(REPO / "locales", root / "locales", ignore=shutil.ignore_patterns("*.mo"))
    return root


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def build(root: Path, *args: str) -> int:
    from pipeline.cli import main

    return main(["bundles", "--root", str(root), *args])
