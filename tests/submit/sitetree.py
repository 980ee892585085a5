"""A small site in a temp dir, shaped like the project's ``site.toml`` and content."""

from __future__ import annotations

import json
from pathlib import Path

import tomlkit

from pipeline.cli import main

SLUGS = ("laser-skin-resurfacing", "benefits-of-laser-skin-resurfacing",
         "what-is-laser-skin-resurfacing", "why-choose-laser-skin-resurfacing",
         "what-to-know-before-laser-skin-resurfacing")

LOCALES = [
    {"code": "en", "hreflang": "en", "og_locale": "en_US", "direction": "ltr",
     "name": "English"},
    {"code": "ar", "hreflang": "ar", "og_locale": "ar_AR", "direction": "rtl",
     "name": "العربية", "numbering": "arab"},
]


def site_toml(base_url: str, submit: dict[str, object]) -> str:
    """A configuration shaped like the project's ``site.toml``."""
    return "# Test site for the submit stage: comments must survive edits.\n" + tomlkit.dumps({
        "site": {"name": "Test Journal", "base_url": base_url,
                 "url_pattern": "/{locale}/{slug}/", "x_default": "en"},
        "paths": {"content": "content", "output": "dist", "reports": "reports",
                  "cache": ".cache"},
        "locales": LOCALES,
        "submit": submit,
    })


ARTICLE = """\
---
title: "{title}"
excerpt: "An article about {slug} that is long enough to serve as a description."
coverImage: "/assets/blog/{slug}/cover.jpg"
date: "2025-07-0{day}T09:00:00Z"
{lastmod}author:
  name: Editorial Team
  picture: /assets/blog/authors/editorial.jpeg
slug: {slug}
translationKey: {slug}
---

Body of {slug}.
"""


class Sandbox:
    """A site root: ``write()`` lays it out, ``cli()`` runs the real command line."""

    def __init__(self, root: Path):
        self.root = root

    def write(self, base_url: str = "https://o9medical.com", articles: int = 5,
              **submit: object) -> Sandbox:
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "site.toml").write_text(site_toml(base_url, submit), encoding="utf-8")
        for day, slug in enumerate(SLUGS[:articles], 1):
            self.article(slug, day)
        return self

    def article(self, slug: str, day: int = 1, lastmod: str = "", locale: str = "en",
                key: str = "") -> Path:
        path = self.root / "content" / locale / f"{key or slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        extra = f'lastmod: "{lastmod}"\n' if lastmod else ""
        text = ARTICLE.format(title=slug.replace("-", " ").title(), slug=slug, day=day,
                              lastmod=extra).replace(f"translationKey: {slug}",
                                                     f"translationKey: {key or slug}")
        path.write_text(text, encoding="utf-8")
        return path

    def url(self, slug: str, base_url: str) -> str:
        return f"{base_url}/en/{slug}/"

    def cli(self, *args: str) -> int:
        return main([args[0], "--root", str(self.root), *args[1:]])

    @property
    def state(self) -> dict:
        path = self.root / ".cache" / "submit-state.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

    @property
    def report(self) -> dict:
        return json.loads((self.root / "reports" / "submit.json").read_text(encoding="utf-8"))
