"""Validate: per-file schema problems (from load) plus cross-file and SEO rules.

Codes: FM0xx reading/YAML, FM1xx schema, FM2xx site rules, FM3xx content. Title and
excerpt lengths are the metadata stage's (META001/META002), reported here only for files
schema errors keep out of the site.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import orjson

from pipeline.analysis import health
from pipeline.content import outputs, schema
from pipeline.content.assets import public_of, tree_of
from pipeline.content.parsing import Parsed, read_text, split
from pipeline.content.records import finding_of, finding_record
from pipeline.core import clock
from pipeline.core import output_names as names
from pipeline.core.datefmt import w3c_datetime
from pipeline.core.jsontypes import JSONObject
from pipeline.core.model import Article, Finding, Severity, Site, StageResult
from pipeline.core.text import sanitize_line
from pipeline.engine import fingerprint
from pipeline.engine.options import RunOptions
from pipeline.engine.shapes import ValidateDoc
from pipeline.engine.state import read_state, write_state
from pipeline.seo import lint

HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
MEMO_NAME = "validate"


def run(site: Site, options: object = None) -> StageResult:
    """Every problem at once: what loading found plus the rules over the whole site."""
    findings = list(site.load_findings)
    articles = site.articles
    findings += _locale_mismatch(articles)
    findings += _duplicates(articles, lambda a: a.slug, "slug", "FM202", "slug")
    findings += _duplicates(articles, lambda a: a.translation_key, "translationKey", "FM203",
                            "translation key")
    memo = ValidateMemo(site, trust=not RunOptions.of(options).force)
    findings += memo.output_names()
    exists = _file_checker(site.settings.path("public"))
    now = clock.now()
    for article in articles:
        findings += _assets(Fields.of_article(article), exists)
        findings += health.findings(article, site.settings.analyze, now)
        findings += memo.per_article(article, _title_and_excerpt)
    memo.save()
    findings += _rejected(site, exists)
    findings = sorted(set(findings))
    data: JSONObject = {"articles": len(articles),
                            "locales": list(site.settings.locale_codes)}
    if site.held:  # scheduled and expired articles, and when the published set changes
        data["held"] = dict(sorted(site.held.items()))
    if site.next_change is not None:
        data["nextScheduled"] = w3c_datetime(site.next_change)
    return StageResult("validate", findings, data=data)


class ValidateMemo:
    """Rules whose inputs did not change are not evaluated again: the output-name check
    (keyed by every article's path, locale, slug and line, the files under ``public/`` and
    the settings) and each article's title and excerpt rules (keyed by its source hash)."""

    def __init__(self, site: Site, trust: bool = True):
        self.site = site
        settings = site.settings
        self.cache = settings.path("cache")
        self.settings_fp = fingerprint.of(fingerprint.sections(
            settings, "site", "paths", "locales", "validate", "submit"), settings.root)
        data = read_state(self.cache, MEMO_NAME, fingerprint.code(), ValidateDoc)
        fresh = trust and data.get("settings") == self.settings_fp
        self.old: JSONObject = data.get("articles", {}) if fresh else {}
        self.old_names: JSONObject = data.get("names", {}) if fresh else {}
        self.new: JSONObject = {}
        self.names: JSONObject = {}

    def output_names(self) -> list[Finding]:
        site = self.site
        rows = [(a.source.as_posix(), a.locale, a.slug, a.line_of("slug"), a.meta.draft)
                for a in site.articles]
        tree = tree_of(site.settings.path("public"))
        fp = fingerprint.of(orjson.dumps(rows), orjson.dumps(
            [(f.rel, f.mode, f.symlink) for f in tree.files.values()]))
        if self.old_names.get("fp") == fp:
            found = [finding_of(f) for f in self.old_names["findings"]]
        else:
            found = outputs.check(site, reserved_outputs(site), names.json_file)
        self.names = {"fp": fp, "findings": [finding_record(f) for f in found]}
        return found

    def per_article(self, article: Article,
                    rule: Callable[[Article, Site], list[Finding]]) -> list[Finding]:
        key = article.source.as_posix()
        old = self.old.get(key)
        if old and old[0] == article.source_hash:
            found = [finding_of(f) for f in old[1]]
        else:
            found = rule(article, self.site)
        self.new[key] = (article.source_hash, [finding_record(f) for f in found])
        return found

    def save(self) -> None:
        if self.new != self.old or self.names != self.old_names:
            write_state(self.cache, MEMO_NAME, fingerprint.code(),
                        {"settings": self.settings_fp, "articles": self.new,
                         "names": self.names})


def reserved_outputs(site: Site) -> outputs.Reserved:
    """Files the other stages write into the output folder (authors may not take them)."""
    files = list(names.ROOT_FILES)
    if key := site.settings.submit.indexnow_key:
        files.append(names.key_file(key))
    return outputs.Reserved(tuple(files), names.ROOT_PATTERNS, names.ARTICLE_RESERVED)


def _f(article: Article | Fields, key: str, code: str, message: str, hint: str = "",
       severity: Severity = Severity.ERROR) -> Finding:
    return Finding(article.source.as_posix(), article.line_of(key), 1, code, severity,
                   message, hint)


IMAGE_KEYS = ("coverImage", "ogImage.url", "author.picture")


@dataclass(frozen=True)
class Fields:
    """The front-matter strings the per-file rules read, with their lines: from a typed
    article, or from the raw front matter of a file schema errors kept out of the site."""

    source: Path
    tree: str  # the locale of the content tree the file is in
    values: dict[str, str]
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key) or self.key_lines.get(key.split(".")[0]) or 1

    @classmethod
    def of_article(cls, article: Article) -> Fields:
        meta = article.meta
        values = {"title": meta.title, "excerpt": meta.excerpt, "coverImage": meta.cover_image,
                  "ogImage.url": meta.og_image}
        if meta.author.picture:
            values["author.picture"] = meta.author.picture
        if meta.locale is not None:
            values["locale"] = meta.locale
        return cls(article.source, article.locale, values, article.key_lines)

    @classmethod
    def of_parsed(cls, source: Path, tree: str, parsed: Parsed) -> Fields:
        """Only string values a rule can judge (a field of the wrong type is FM102)."""
        values = {}
        for key in ("title", "excerpt", "locale", *IMAGE_KEYS):
            head, _, sub = key.partition(".")
            value = parsed.data.get(head)
            value = value.get(sub) if sub and isinstance(value, dict) else value
            if isinstance(value, str) and value.strip() and (
                    key not in IMAGE_KEYS or not schema.url_or_path_problem(value)):
                values[key] = value if key in IMAGE_KEYS else sanitize_line(value).strip()
        return cls(source, tree, values, parsed.key_lines)


def _rejected(site: Site, exists: Callable[[str], bool]) -> list[Finding]:
    """Files that schema errors kept out of the site get every per-file rule their other
    fields allow, so one run shows all of a file's problems (not one layer per run)."""
    settings = site.settings
    content = Path(settings.paths.content)
    rejected = sorted({f.path for f in site.load_findings
                       if f.code.startswith("FM1") and f.severity is Severity.ERROR})
    limits = lint.locale_limits_of(settings) if rejected else {}
    findings: list[Finding] = []
    for shown in rejected:
        source = Path(shown)
        try:
            tree = source.relative_to(content).parts[0]
        except (ValueError, IndexError):
            continue
        text, _ = read_text(settings.root / source, shown, settings.validate.max_file_bytes)
        parsed = split(text, shown)[0] if text is not None else None
        if parsed is None:
            continue
        fields = Fields.of_parsed(source, tree, parsed)
        findings += _locale_mismatch([fields]) + _assets(fields, exists)
        findings += _text_rules(fields)
        if tree in limits:  # lengths: the metadata stage's rule, which this file never reaches
            findings += lint.length_findings(shown, fields.line_of, tree, fields.values,
                                             limits[tree])
    return findings


def _locale_mismatch(articles: Iterable[Article | Fields]) -> list[Finding]:
    findings = []
    for article in articles:
        fields = article if isinstance(article, Fields) else Fields.of_article(article)
        said = fields.values.get("locale")
        if said is not None and said != fields.tree:
            findings.append(_f(fields, "locale", "FM201", f"front matter says locale '{said}' "
                               f"but the file is in the '{fields.tree}' tree",
                               f"move the file to content/{said}/ or fix the field"))
    return findings


def _duplicates(articles: Iterable[Article], key: Callable[[Article], str], field: str,
                code: str, label: str) -> list[Finding]:
    """Two articles of one locale may not share a slug / translation key."""
    seen: dict[tuple[str, str], list[Article]] = defaultdict(list)
    for article in articles:
        seen[(article.locale, key(article))].append(article)
    findings = []
    for (locale, value), group in seen.items():
        if len(group) < 2:
            continue
        others = ", ".join(a.source.as_posix() for a in group)
        for article in group:
            findings.append(_f(article, field, code, f"{label} {value!r} is used by "
                               f"{len(group)} '{locale}' articles: {others}",
                               f"each {label} must be unique per locale"))
    return findings


def _file_checker(public: Path) -> Callable[[str], bool]:
    """``exists('/assets/x (1).jpg')``, memoised: many articles share images."""
    return cache(public_of(public).is_file)


def _assets(fields: Fields, exists: Callable[[str], bool]) -> list[Finding]:
    """Local images named in front matter must exist under ``public/``."""
    findings = []
    for key in IMAGE_KEYS:
        value = fields.values.get(key)
        if value is None or key not in fields.key_lines:  # ogImage defaults to coverImage
            continue
        path = _local_path(value)
        if path is not None and not exists(path):
            findings.append(_f(fields, key, "FM204", f"'{key}' points to a missing file: "
                               f"public/{unquote(path).lstrip('/')}",
                               "add the image under public/ or fix the path"))
    return findings


@lru_cache(maxsize=1 << 16)
def _local_path(value: str) -> str | None:
    """The path of an image reference, None for one with a scheme (not a local file)."""
    parts = urlsplit(value)
    return None if parts.scheme else parts.path


def _title_and_excerpt(article: Article, site: Site) -> list[Finding]:
    return _text_rules(Fields.of_article(article))


def _text_rules(fields: Fields) -> list[Finding]:
    title = fields.values.get("title")
    if title is None or not HTML_TAG.search(title):
        return []
    return [_f(fields, "title", "FM301", "title contains HTML markup; it is treated as plain "
               "text and escaped on output", "remove the tags", Severity.WARNING)]
