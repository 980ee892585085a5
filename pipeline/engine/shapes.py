"""The shapes of every piece of engine state, checked when a row is read (``engine.store``).

Each is a ``TypedDict``: rows decode into plain dicts and lists, but only when every field
has its declared type; any other row reads as missing. Paths read from state are checked
once more where they are used (``engine.paths.is_safe``) before anything is deleted.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

FindingRow = tuple[str, int, int, str, str, str, str]  # content.records.finding_record


class SourceRow(TypedDict):
    """What loading found in one source file (``engine.sources``)."""

    locale: str
    size: int
    mtime: int
    sha: str
    article: dict[str, Any] | None  # content.records.article_record (checked on restore)
    findings: list[list[Any]]


class ScanDoc(TypedDict):
    scanned: int


class ArticleRow(TypedDict):
    """One article's results in its unit (``engine.units.run_unit``)."""

    page: str
    json: str
    shas: dict[str, str]
    findings: list[list[Any]]
    metaFindings: list[list[Any]]
    entry: dict[str, Any]
    words: int
    analysis: dict[str, Any]  # analysis.article.analyze: data and findings
    analysisFindings: list[list[Any]]
    cross: dict[str, Any]  # crosscheck.summary.summarize: the article for cross checks
    line: NotRequired[list[int]]


class UnitRow(TypedDict):
    """One translation group's fingerprint, image dependencies and results."""

    fp: str
    deps: list[str]
    articles: dict[str, ArticleRow]


class UnitsDoc(TypedDict):
    metadataSha: str | None


class BuildDoc(TypedDict):
    """The no-change stamp (``engine.noop``)."""

    stamp: str
    outputs: str
    stages: list[str]


PagesDoc = dict[str, tuple[str, str]]  # site page -> (fingerprint, SHA-256)


class AssetsDoc(TypedDict):
    files: dict[str, tuple[int, int, str]]  # public file -> (size, mtime, SHA-256)


class NamesRow(TypedDict):
    fp: str
    findings: list[list[Any]]


class ValidateDoc(TypedDict):
    settings: str
    articles: dict[str, tuple[str, list[list[Any]]]]
    names: dict[str, Any]  # NamesRow, or {} before the first check


class SitemapsDoc(TypedDict):
    fp: str
    names: list[str]
    data: dict[str, Any]
    findings: list[list[Any]]
    sitemap: dict[str, str]
    output: dict[str, str]


class PublishDoc(TypedDict):
    """Which buffer (by device:inode) holds which files, and the published files' stats."""

    buffers: dict[str, dict[str, str]]
    stats: dict[str, list[int]]
