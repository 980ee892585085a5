"""The shapes of every piece of engine state, checked when a row is read (``engine.store``).

Each is a ``TypedDict``: rows decode into plain dicts and lists, but only when every field
has its declared type; any other row reads as missing. Paths read from state are checked
once more where they are used (``engine.paths.is_safe``) before anything is deleted.
"""

from __future__ import annotations

from typing import NotRequired, TypedDict

from pipeline.core.jsontypes import JSONObject, JSONValue

FindingRow = tuple[str, int, int, str, str, str, str]  # content.records.finding_record


class SourceRow(TypedDict):
    """What loading found in one source file (``engine.sources``)."""

    locale: str
    size: int
    mtime: int
    sha: str
    article: JSONObject | None  # content.records.article_record (checked on restore)
    findings: list[list[JSONValue]]


class ScanDoc(TypedDict):
    scanned: int


class ArticleRow(TypedDict):
    """One article's results in its unit (``engine.units.run_unit``)."""

    page: str
    json: str
    shas: dict[str, str]
    findings: list[list[JSONValue]]
    metaFindings: list[list[JSONValue]]
    entry: JSONObject
    words: int
    variants: NotRequired[dict[str, str]]  # cover variants: output path -> SHA-256
    # Parts only one stage reads are rows of their own (kind ``part/<name>``, by source:
    # ``incremental.UnitResults.part``); this row keeps the digest of each, so reading it
    # reads none of them and a part row is trusted only when it is the one named here.
    analysis: str  # AnalysisPart: analysis.article.analyze's data and findings
    cross: str  # CrossPart: crosscheck.summary.summarize, the article for cross checks
    line: NotRequired[list[int]]


class CrossPart(TypedDict):
    """An article as the cross-article checks see it (``crosscheck.summary.summarize``)."""

    locale: str
    key: str
    slug: str
    url: str
    title: str
    titleLine: int
    phrase: str
    phraseFrom: str
    phraseWords: list[str]
    titleWords: list[str]
    signature: str
    bands: str
    words: int
    paragraphs: int
    headings: list[list[int | str]]
    arabic: float
    links: list[str]
    passages: list[list[int]]
    pairs: str
    pairLines: list[list[int]]
    digest: str  # of the rest (``crosscheck.summary.with_digest``): what changed, at a glance


class AnalysisPart(TypedDict):
    """An article's analysis (its ``analysis`` part: ``ArticleRow``)."""

    data: JSONObject
    findings: list[list[JSONValue]]


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
    findings: list[list[JSONValue]]


class ValidateDoc(TypedDict):
    settings: str
    articles: dict[str, tuple[str, list[list[JSONValue]]]]
    names: JSONObject  # NamesRow, or {} before the first check


class SitemapsDoc(TypedDict):
    fp: str
    names: list[str]
    data: JSONObject
    findings: list[list[JSONValue]]
    sitemap: dict[str, str]
    output: dict[str, str]


class PublishDoc(TypedDict):
    """Which buffer (by device:inode) holds which files: the file rows describe ``base``;
    every other buffer is recorded as its differences from it (None: the file is absent),
    so a run writes state in proportion to what it changed."""

    base: str
    count: int  # file rows written with this document: fewer read back means damage
    others: dict[str, dict[str, str | None]]


# Files of the base buffer, grouped by a hash of their path: path, SHA-256, stat (or []).
FileBucket = list[tuple[str, str, list[int]]]


class CrossEntry(TypedDict):
    """One article in the cross-check state (``crosscheck.patch``): its summary's digest,
    what its old summary put into the indexes, and the results that concern it."""

    digest: str
    locale: str
    bands: str  # its LSH bucket keys (``crosscheck.summary.pack``ed)
    words: str  # a hash of what cannibalization clusters read of it
    claim: str  # a hash of what the phrase map reads of it
    pairs: dict[str, float]  # near-duplicate partner -> similarity
    suggestions: list[tuple[int, str, str, str]]  # line, phrase, target, url


CrossEntriesDoc = dict[str, CrossEntry]  # one shard of articles, by source path
CrossBucketsDoc = dict[str, list[str]]  # one shard of LSH buckets: "locale key" -> sources
CrossPhrasesDoc = dict[str, list[tuple[int, list[int], str, str, str, str]]]
CrossGroupsDoc = dict[str, tuple[str, list[FindingRow]]]  # key -> shape (joined), findings


class CrossMetaDoc(TypedDict):
    """The counts every shard was written with (fewer read back means damage) and the
    cannibalization clusters with their rendering."""

    entries: list[int]
    buckets: list[int]
    groups: list[int]
    phrases: dict[str, int]
    clusters: list[tuple[str, list[str], str]]
    views: list[tuple[FindingRow, JSONObject]]  # each cluster's finding and data, rendered
