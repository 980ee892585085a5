"""Run every cross-article check over the articles' summaries (``summary``).

Only the summaries are read (no article text): clusters from the phrase and title
words, near-duplicates from LSH buckets, translation shapes from counts and headings,
orphans from the link graph, suggestions from a phrase map intersected with each
article's word-pair hashes.
"""

from __future__ import annotations

from collections import defaultdict

from pipeline.content.translations import source_of
from pipeline.core.jsontypes import JSONObject
from pipeline.core.model import Finding, Site
from pipeline.crosscheck import cannibal, duplicates, linking, translations
from pipeline.crosscheck.item import Item
from pipeline.crosscheck.linking import Suggestion


def check(site: Site, summaries: dict[str, JSONObject]) -> tuple[list[Finding],
                                                                    JSONObject]:
    """``(findings, data)`` of the site whose published articles have ``summaries``
    (source path -> summary)."""
    items = {source: Item(source, row) for source, row in sorted(summaries.items())}
    ordered = list(items.values())
    findings: list[Finding] = []
    clusters = cannibal.clusters(ordered)
    findings += [cannibal.finding(c) for c in clusters]
    pairs = duplicates.near_duplicates(items)
    findings += [duplicates.finding(p) for p in pairs]
    findings += _translations(site, items)
    lonely = linking.orphans(ordered)
    findings += [linking.orphan_finding(i) for i in lonely]
    suggested = _suggestions(ordered)
    for source, found in suggested.items():
        findings += [linking.suggestion_finding(source, s) for s in found]
    return sorted(findings), _data(clusters, pairs, lonely, suggested)


def _translations(site: Site, items: dict[str, Item]) -> list[Finding]:
    found = []
    for group in site.groups():
        source = source_of(group, site.settings.site.x_default)
        if source is None or len(group.articles) < 2:
            continue
        ours = items.get(source.source.as_posix())
        for article in group.articles.values():
            theirs = items.get(article.source.as_posix())
            if ours is not None and theirs is not None and article is not source:
                found += translations.check_pair(ours, theirs)
    return found


def _suggestions(items: list[Item]) -> dict[str, list[Suggestion]]:
    by_locale: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_locale[item.locale].append(item)
    found: dict[str, list[Suggestion]] = {}
    for locale in sorted(by_locale):
        phrases = linking.phrase_map(by_locale[locale])
        for item in by_locale[locale]:
            if rows := linking.suggestions(item, phrases):
                found[item.source] = rows
    return found


def _data(clusters: list[cannibal.Cluster], pairs: list[duplicates.Pair],
          lonely: list[Item], suggested: dict[str, list[Suggestion]]) -> JSONObject:
    """What a reader of ``reports/crosscheck.json`` (and a site report) shows side by side."""
    return {
        "clusters": [{"locale": c.locale, "reason": c.reason,
                      "members": [{"path": m.source, "line": m.title_line, "title": m.title,
                                   "phrase": m.phrase, "phraseFrom": m.phrase_from,
                                   "url": m.url} for m in c.members]} for c in clusters],
        "duplicates": [{"locale": p.first.locale, "similarity": p.similarity,
                        "first": {"path": p.first.source, "title": p.first.title},
                        "second": {"path": p.second.source, "title": p.second.title},
                        "passages": [{"line": x.line, "otherLine": x.other_line}
                                     for x in p.passages]} for p in pairs],
        "orphans": [{"locale": i.locale, "path": i.source, "line": i.title_line,
                     "title": i.title, "url": i.url} for i in lonely],
        "suggestions": [{"path": source, "line": s.line, "phrase": s.phrase,
                         "target": s.target, "url": s.url}
                        for source, rows in sorted(suggested.items()) for s in rows],
    }
