"""The sitemap and sitemap index XSDs shipped in ``pipeline/schemas`` and a checker."""

from __future__ import annotations

import gzip
from functools import cache
from importlib import resources
from pathlib import Path

from lxml import etree

from pipeline.sitemaps.model import SITEMAP_NS

_SAFE_PARSER = dict(resolve_entities=False, no_network=True, load_dtd=False)


@cache
def schema(name: str) -> etree.XMLSchema:
    """``sitemap`` or ``siteindex``, loaded from the package (imports resolve beside it)."""
    with resources.as_file(resources.files("pipeline") / "schemas" / f"{name}.xsd") as path:
        return etree.XMLSchema(etree.parse(str(path)))


def read_xml(path: Path) -> etree._ElementTree:
    """Parse a sitemap file (``.gz`` transparently) without entities or network."""
    parser = etree.XMLParser(**_SAFE_PARSER)
    if path.name.endswith(".gz"):
        with gzip.open(path, "rb") as fh:
            return etree.parse(fh, parser)
    return etree.parse(str(path), parser)


def check(path: Path) -> list[str]:
    """Schema errors of one sitemap or index file as ``line: message`` strings."""
    try:
        tree = read_xml(path)
    except (etree.XMLSyntaxError, OSError, EOFError) as exc:
        return [f"1: not well-formed XML: {exc}"]
    root = tree.getroot()
    name = {f"{{{SITEMAP_NS}}}urlset": "sitemap", f"{{{SITEMAP_NS}}}sitemapindex": "siteindex"}
    kind = name.get(root.tag)
    if kind is None:
        return [f"{root.sourceline}: root element {root.tag} is neither urlset nor sitemapindex"]
    validator = schema(kind)
    if validator.validate(tree):
        return []
    return [f"{e.line}: {e.message}" for e in validator.error_log]
