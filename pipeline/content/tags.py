"""Tags per locale: a tag's key, its name in each locale and the slug of its pages.

An article's ``tags`` are written in its own language. ``[tags] names`` in ``site.toml``
names a tag per locale (``"ar:laser=ليزر"``): an Arabic article tagged ``ليزر`` or
``laser`` then has the tag whose key is ``laser``, shown as ``ليزر`` at ``/ar/tags/ليزر/``,
and the English and Arabic pages of that tag are alternates of each other. A tag without
a name keeps its own text. The slug is the name as a heading id is made (letters and
digits of every script kept, other runs become '-'); tags whose names give one slug in a
locale share a page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Generic, TypeVar

from pipeline.core.settings import Settings
from pipeline.core.settings_rules import tag_name_parts
from pipeline.render.headings import slugify

T = TypeVar("T")


@dataclass(frozen=True)
class TagNames:
    """``[tags] names`` read: the name of a key, and the key of a name, per locale."""

    names: dict[tuple[str, str], str]
    keys: dict[tuple[str, str], str]

    def key(self, locale: str, tag: str) -> str:
        return self.keys.get((locale, tag), tag)

    def name(self, locale: str, key: str) -> str:
        return self.names.get((locale, key), key)


@lru_cache(maxsize=16)
def _names(entries: tuple[str, ...]) -> TagNames:
    names, keys = {}, {}
    for entry in entries:
        parts = tag_name_parts(entry)
        if parts is not None:  # settings report malformed entries (CF112)
            locale, key, name = parts
            names[(locale, key)] = name
            keys[(locale, name)] = key
    return TagNames(names, keys)


def tag_names(settings: Settings) -> TagNames:
    return _names(settings.tags.names)


def tag_slug(name: str) -> str:
    """The path segment of a tag's pages (not encoded): safe in any script."""
    slug = slugify(name)
    return "tag" if slug == "section" and slugify("") == slug and name != "section" else slug


@dataclass
class Tag(Generic[T]):
    """A tag of one locale and what it lists, in the order given."""

    key: str
    name: str
    slug: str
    members: list[T] = field(default_factory=list)


def group_by_tag(settings: Settings, locale: str,
                 items: Iterable[tuple[T, Iterable[str]]]) -> dict[str, Tag[T]]:
    """Per tag slug of ``locale``, the tag and the items carrying it, by slug order."""
    names = tag_names(settings)
    groups: dict[str, Tag[T]] = {}
    for item, tags in items:
        for raw in tags:
            key = names.key(locale, raw)
            name = names.name(locale, key)
            slug = tag_slug(name)
            tag = groups.get(slug)
            if tag is None:
                tag = groups[slug] = Tag(key, name, slug)
            elif key < tag.key:  # the same slug from two keys: the smallest key names it
                tag.key, tag.name = key, name
            if not tag.members or tag.members[-1] is not item:
                tag.members.append(item)
    return dict(sorted(groups.items()))


def slugs_by_key(groups: dict[str, dict[str, Tag[T]]]) -> dict[str, dict[str, str]]:
    """Per tag key, its slug in each locale that has it (``groups``: locale -> slug -> tag)."""
    found: dict[str, dict[str, str]] = {}
    for locale, tags in groups.items():
        for slug, tag in tags.items():
            found.setdefault(tag.key, {})[locale] = slug
    return found
