"""Breadcrumbs: the trail shown above a page (Home › Articles › the page) and the same
trail as JSON-LD ``BreadcrumbList``, built from one list so the two always agree."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from pipeline.core.jsontypes import JSONObject


@dataclass(frozen=True, slots=True)
class Crumb:
    """One step: its name in the page's language and its absolute, encoded URL."""

    name: str
    url: str

    @property
    def href(self) -> str:
        """Root-relative link (pages link within the site so any host serves them)."""
        return urlsplit(self.url).path


def breadcrumb_list(trail: list[Crumb]) -> JSONObject:
    """The JSON-LD ``BreadcrumbList`` of ``trail`` (positions from 1, the page last)."""
    return {"@context": "https://schema.org", "@type": "BreadcrumbList",
            "itemListElement": [{"@type": "ListItem", "position": n, "name": crumb.name,
                                 "item": crumb.url} for n, crumb in enumerate(trail, 1)]}
