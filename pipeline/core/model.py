"""The typed model every stage consumes: findings, locales, articles, the site.

Data flows one way: ``settings.Settings`` -> ``content.load`` -> ``Site`` -> stages.
Everything here is frozen; stages return new values instead of mutating these.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.core.jsontypes import JSONObject

if TYPE_CHECKING:
    from pipeline.core.settings import Settings


class Severity(StrEnum):
    """How bad a finding is; errors fail a stage, warnings only with ``--strict``."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


SEVERITIES: dict[str, Severity] = {s.value: s for s in Severity}  # by value, without a call


@dataclass(frozen=True, order=True)
class Finding:
    """One located problem: ``path:line:col code severity message (hint)``."""

    path: str
    line: int
    col: int
    code: str
    severity: Severity
    message: str
    hint: str = ""

    def to_dict(self) -> dict[str, str | int]:
        return {"path": self.path, "line": self.line, "col": self.col, "code": self.code,
                "severity": self.severity.value, "message": self.message, "hint": self.hint}

    def sort_key(self) -> tuple[str, int, int, str, str, str, str]:
        """The dataclass order as one tuple: sorting by it is the same order, faster."""
        return (self.path, self.line, self.col, self.code, self.severity.value,
                self.message, self.hint)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def has_errors(findings: list[Finding]) -> bool:
    """True when any finding is an error."""
    return any(f.is_error for f in findings)


@dataclass(frozen=True)
class Locale:
    """A site locale. ``code`` names the content tree, ``hreflang`` is BCP 47 with '-'."""

    code: str
    hreflang: str
    og_locale: str
    direction: str
    name: str
    babel: str  # Babel/CLDR identifier with '_', e.g. "ar" or "en_US"
    numbering: str = "latn"  # CLDR numbering system for digits, e.g. "arab"


@dataclass(frozen=True)
class Author:
    """``picture`` is optional ('' when absent): it is the JSON-LD author's ``image`` and
    part of ``article.json``; the pages themselves show the name only."""

    name: str
    picture: str = ""
    url: str = ""  # the author's page (JSON-LD ``url``)
    same_as: tuple[str, ...] = ()  # profiles elsewhere (JSON-LD ``sameAs``)
    kind: str = "Person"  # "Person" or "Organization" (an editorial team)


@dataclass(frozen=True)
class Reviewer:
    """``reviewedBy`` of a health article: who checked it medically."""

    name: str
    credentials: str = ""  # e.g. "MD, board-certified dermatologist"
    url: str = ""
    kind: str = "Person"  # "Person" or "Organization" (a medical team)


@dataclass(frozen=True)
class FrontMatter:
    """Validated front matter (blog-starter fields plus the multilingual ones)."""

    title: str
    excerpt: str
    cover_image: str
    date: datetime
    author: Author
    og_image: str
    slug: str
    translation_key: str
    lastmod: datetime | None = None
    draft: bool = False
    tags: tuple[str, ...] = ()
    translation_of: str | None = None  # source hash a translation was made from
    locale: str | None = None
    cover_alt: str | None = None  # text alternative of the cover and share image
    expiry: datetime | None = None  # ``expiryDate``: retired from then on
    aliases: tuple[str, ...] = ()  # old site paths that redirect here (``redirects.paths``)
    keyphrase: str | None = None  # focus keyphrase; proposed from the text when absent
    keyphrase_synonyms: tuple[str, ...] = ()
    reviewed_by: Reviewer | None = None  # health content: medical reviewer
    last_reviewed: datetime | None = None
    medical_specialty: str | None = None  # schema.org MedicalSpecialty, e.g. "Dermatology"
    about: str | None = None  # the procedure the article is about (MedicalProcedure name)

    @property
    def image_alt(self) -> str:
        """``coverAlt`` when given, else the title: for ``<img alt>`` and the share cards."""
        return self.cover_alt or self.title

    @property
    def modified(self) -> datetime:
        """``lastmod`` when given, else ``date``."""
        return self.lastmod or self.date


@dataclass(frozen=True)
class Article:
    """One Markdown file of one locale, parsed and validated."""

    source: Path  # relative to the project root
    locale: str
    meta: FrontMatter
    # The Markdown body, or None: read from the file when first needed (``body``).
    text: str | None = field(compare=False, hash=False)
    body_line: int  # 1-based line of the body's first line in the file
    key_lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)
    source_hash: str = ""  # sha256 of the source text as loaded (BOM removed, LF endings)
    root: Path = field(default=Path("."), compare=False, hash=False)
    # The most frequent terms and their counts (``content.terms``), made when loaded.
    terms: tuple[tuple[str, int], ...] = field(default=(), compare=False, hash=False)

    @cached_property
    def body(self) -> str:
        """The Markdown body, read from the source file if it was not kept in memory."""
        if self.text is not None:
            return self.text
        from pipeline.content.parsing import body_of  # model stays free of parsing imports

        return body_of((self.root / self.source).read_bytes())

    @property
    def slug(self) -> str:
        return self.meta.slug

    @property
    def translation_key(self) -> str:
        return self.meta.translation_key

    def line_of(self, key: str) -> int:
        """Line of a front-matter key (dotted for nested keys), falling back to 1."""
        return self.key_lines.get(key) or self.key_lines.get(key.split(".")[0]) or 1


@dataclass(frozen=True)
class TranslationGroup:
    """Articles that are translations of each other, keyed by locale code."""

    key: str
    articles: dict[str, Article]

    def get(self, locale: str) -> Article | None:
        return self.articles.get(locale)


@dataclass(frozen=True)
class Site:
    """The whole site, read before anything is written."""

    settings: Settings
    articles: tuple[Article, ...]
    load_findings: tuple[Finding, ...] = ()  # problems met while reading the sources
    # sources not published at the build time, with why: "scheduled" or "expired"
    held: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    next_change: datetime | None = None  # when the published set next changes by the clock

    @property
    def locales(self) -> tuple[Locale, ...]:
        return self.settings.locales

    def locale(self, code: str) -> Locale:
        return self.settings.locale(code)

    def published(self) -> Iterator[Article]:
        """Articles that are neither drafts nor held back by the clock, in order."""
        return (a for a in self.articles
                if not a.meta.draft and a.source.as_posix() not in self.held)

    def status(self, article: Article) -> str:
        """``published``, ``draft``, ``scheduled`` or ``expired``."""
        if article.meta.draft:
            return "draft"
        return self.held.get(article.source.as_posix(), "published")

    def in_locale(self, code: str) -> list[Article]:
        return [a for a in self.published() if a.locale == code]

    @cached_property
    def _by_key(self) -> dict[str, dict[str, Article]]:
        by_key: dict[str, dict[str, Article]] = {}
        for article in self.published():
            by_key.setdefault(article.translation_key, {}).setdefault(article.locale, article)
        return by_key

    def groups(self) -> list[TranslationGroup]:
        """Translation groups of published articles, sorted by key."""
        return [TranslationGroup(k, self._by_key[k]) for k in sorted(self._by_key)]

    def group_of(self, article: Article) -> TranslationGroup:
        key = article.translation_key
        return TranslationGroup(key, self._by_key.get(key, {article.locale: article}))

    def translations(self, article: Article) -> list[Article]:
        """The article and its translations, in the configured locale order."""
        group = self.group_of(article)
        return [group.articles[loc.code] for loc in self.locales if loc.code in group.articles]

    def find(self, locale: str, slug: str) -> Article | None:
        """The published article with this slug in this locale, if any."""
        return self._by_slug.get((locale, slug))

    @cached_property
    def _by_slug(self) -> dict[tuple[str, str], Article]:
        return {(a.locale, a.slug): a for a in self.published()}


@dataclass
class StageResult:
    """What a stage returns: its findings, the files it wrote and stage-specific data."""

    stage: str
    findings: list[Finding] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    # Each stage's own report data (JSON values of its own shape), read by its report.
    data: JSONObject = field(default_factory=dict)
    # What this run did (work reused, files rewritten): shown on the console, never written
    # to the report, so reports depend on the input alone.
    run_stats: dict[str, int | float | bool] = field(default_factory=dict, compare=False)
    # The stage vouches that ``data`` is plain JSON (``jsonfmt.dumps_plain_bytes``): its
    # report is encoded without the value-by-value check.
    plain_data: bool = field(default=False, compare=False)

    @property
    def errors(self) -> int:
        return sum(f.severity is Severity.ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity is Severity.WARNING for f in self.findings)
