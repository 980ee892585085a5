"""Pagination of list pages (a locale's index and its tag pages): which articles each
page shows, its number and the page count. Page 1 lives at the list's own address, the
others at ``page/N/`` (``core.addresses.list_address``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from pipeline.content.tags import Tag
from pipeline.core.jsontypes import JSONObject
from pipeline.core.model import Article
from pipeline.seo.alternates import Alternate

T = TypeVar("T")


@dataclass(frozen=True)
class ListPart:
    """One page of a list: its entries (``pages.index_entry`` values, newest first),
    numbered from ``first``; ``lead`` gives the share image, ``tag`` is None for the
    index, ``cluster`` holds the hreflang alternates (empty after page 1)."""

    page: int
    pages: int
    first: int
    entries: list[JSONObject]
    lead: Article | None = None
    tag: Tag[tuple[Article, JSONObject]] | None = None  # its members: (article, unit results)
    cluster: tuple[Alternate, ...] = ()


def paginate(items: Sequence[T], per_page: int) -> list[Sequence[T]]:
    """``items`` in pages of ``per_page``; one empty page when there is nothing."""
    size = max(1, per_page)
    return [items[i:i + size] for i in range(0, len(items), size)] or [items[:0]]
