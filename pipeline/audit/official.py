"""Sitemaps checked against the official sitemaps.org schema (``sitemap.xsd`` of
2008-03-26, as the npm package ``sitemap`` ships it, pinned in ``tools/validators``).

The official schema accepts elements of other namespaces in a ``<url>`` only strictly:
each needs a declaration, so the check imports the project's own schemas of the two
extensions the pipeline writes (``xhtml:link`` alternates and ``image:image``).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from lxml import etree

from pipeline.audit.tools import TOOLS, node_package

OFFICIAL_SITEMAP_XSD = TOOLS / "node_modules" / "sitemap" / "schema" / "sitemap.xsd"
EXTENSIONS = {"http://www.w3.org/1999/xhtml": "xhtml-link.xsd",
              "http://www.google.com/schemas/sitemap-image/1.1": "sitemap-image.xsd"}


@cache
def official_schema() -> etree.XMLSchema:
    official = node_package(OFFICIAL_SITEMAP_XSD).resolve().as_uri()
    own = Path(str(resources.files("pipeline") / "schemas"))
    imports = [f'<xsd:import namespace="http://www.sitemaps.org/schemas/sitemap/0.9" '
               f'schemaLocation="{official}"/>']
    imports += [f'<xsd:import namespace="{ns}" schemaLocation="{(own / name).as_uri()}"/>'
                for ns, name in EXTENSIONS.items()]
    wrapper = ('<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
               + "".join(imports) + "</xsd:schema>")
    return etree.XMLSchema(etree.fromstring(wrapper.encode()))


def official_errors(path: Path) -> list[str]:
    """``line: message`` for each way a ``<urlset>`` file breaks the official schema."""
    schema = official_schema()
    document = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    if schema.validate(document):
        return []
    return [f"{e.line}: {e.message}" for e in schema.error_log]
