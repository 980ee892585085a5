"""The sitemap and sitemap index XSDs shipped in ``pipeline/schemas`` and a checker."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from lxml import etree

from pipeline.sitemaps.reader import SAFE_PARSER, open_sitemap, root_kind


@cache
def schema(name: str) -> etree.XMLSchema:
    """``sitemap`` or ``siteindex``, loaded from the package (imports resolve beside it)."""
    with resources.as_file(resources.files("pipeline") / "schemas" / f"{name}.xsd") as path:
        return etree.XMLSchema(etree.parse(str(path)))


def check(path: Path) -> list[str]:
    """Schema errors of one sitemap or index file as ``line: message`` strings.

    Validation streams (``iterparse`` with the schema), so memory stays flat for 50 MB
    files; it stops at the first error, reported at the element being read.
    """
    line = 1  # line of the element most recently opened, where an error is reported
    try:
        kind = root_kind(path)
        if kind is None:
            return ["1: root element is neither urlset nor sitemapindex"]
        with open_sitemap(path) as fh:
            for event, element in etree.iterparse(fh, events=("start", "end"),
                                                  schema=schema(kind), **SAFE_PARSER):
                if event == "start":
                    line = element.sourceline or line
                elif element.getparent() is not None and element.getparent().getparent() is None:
                    element.clear(keep_tail=True)
                    while element.getprevious() is not None:
                        del element.getparent()[0]
    except etree.XMLSyntaxError as exc:
        return [f"{line}: {exc.msg}"]
    except (OSError, EOFError) as exc:
        return [f"1: cannot read: {exc}"]
    return []
