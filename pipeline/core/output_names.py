"""Names the stages write into the output folder, for the checks that must not import them.

The validate stage reserves these before anything is written (``content/outputs.py``).
The writers (``render/pages.py``, ``render/bundle.py``, ``stages/bundles.py``,
``stages/sitemaps.py``, ``sitemaps/model.py``) define the same names; a test keeps the two
in step, and the writers may import them from here instead.
"""

from __future__ import annotations

from pipeline.core.addresses import json_file as json_file

ROOT_FILE = "index.html"  # the language chooser
NOT_FOUND_FILE = "404.html"
STYLESHEET_FILE = "static/site.css"
MANIFEST_FILE = "manifest.json"  # the bundles manifest
SITEMAP_INDEX = "sitemap_index.xml"
SITEMAP_ALIAS = "sitemap.xml"
ROBOTS_FILE = "robots.txt"
FAVICON_FILE = "favicon.ico"  # comes from public/; browsers ask for it at the root
ROOT_FILES = (ROOT_FILE, NOT_FOUND_FILE, STYLESHEET_FILE, MANIFEST_FILE, SITEMAP_INDEX,
              SITEMAP_ALIAS, ROBOTS_FILE)
ARTICLE_RESERVED = (FAVICON_FILE,)  # root names public/ may provide but an article may not
ROOT_PATTERNS = (ROBOTS_FILE, "sitemap*.xml", "sitemap*.xml.gz")  # written by other stages


def key_file(key: str) -> str:
    """The IndexNow key file at the output root."""
    return f"{key}.txt"
