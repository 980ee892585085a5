"""A generated en + ar site with tags, enough articles for several list pages each."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import REPO, SITE_TOML, write_image

BASE = "https://example.org"
TAGS = {"en": ["laser", "skin care", "recovery"], "ar": ["ليزر", "العناية بالبشرة", "التعافي"]}
CONFIG = SITE_TOML + """
[bundles]
per_page = 3

[feeds]
entries = 4
content = "{content}"

[tags]
names = ["ar:laser=ليزر", "ar:skin care=العناية بالبشرة"]
"""


def article(locale: str, n: int) -> str:
    words = {"en": "Laser light renews the skin", "ar": "ضوء الليزر يجدد البشرة"}[locale]
    tags = TAGS[locale][: 1 + n % 3]
    return (f'---\ntitle: "{words} {n:02d}"\n'
            f'excerpt: "{words}: an excerpt long enough for a good meta description {n}."\n'
            f'coverImage: "/assets/cover.jpeg"\ndate: "2025-07-{n + 1:02d}T09:00:00Z"\n'
            f"author:\n  name: Team\ntranslationKey: k{n}\n"
            f"tags: [{', '.join(repr(t) for t in tags)}]\n---\n\n"
            f"## Part\n\n{words} [link](/{locale}/) and more text.\n")


def make(root: Path, count: int = 7, content: str = "summary") -> Path:
    """``count`` articles per locale (dated 1, 2, ... July): ``per_page`` 3."""
    for locale in ("en", "ar"):
        (root / "content" / locale).mkdir(parents=True)
        for n in range(count):
            (root / f"content/{locale}/a{n}.md").write_text(article(locale, n),
                                                            encoding="utf-8")
    (root / "site.toml").write_text(CONFIG.replace("{content}", content), encoding="utf-8")
    shutil.copytree(REPO / "locales", root / "locales")
    write_image(root / "public/assets/cover.jpeg")
    return root
