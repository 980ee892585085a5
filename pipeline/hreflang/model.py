"""What the hreflang checks read: pages with their declared alternates and canonical."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Annotation:
    """One ``hreflang`` link as found: code, target URL and the source line."""

    hreflang: str
    href: str
    line: int


@dataclass(frozen=True, slots=True)
class AnnotatedPage:
    """A page's ``hreflang`` set as one source (head or sitemap) declares it."""

    url: str
    path: str  # file the annotations were read from, as shown in findings
    line: int
    alternates: tuple[Annotation, ...]
    canonical: str | None = None
    canonical_line: int = 0
