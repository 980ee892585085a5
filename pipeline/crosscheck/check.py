"""Run every cross-article check over the articles' summaries (``summary``).

Only the summaries are read (no article text): clusters from the phrase and title
words, near-duplicates from LSH buckets, translation shapes from counts and headings,
orphans from the link graph, suggestions from a phrase map intersected with each
article's word-pair hashes.

The checks compute a ``Result`` (which articles each finding concerns); ``render`` turns
it into the findings and the report data, reading every article's part from the current
summaries. ``check`` computes the whole result; ``patch`` brings a previous one up to
date after a few summaries changed, with the same rendering.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from pipeline.content.translations import source_of
from pipeline.core.jsontypes import JSONObject
from pipeline.core.model import Finding, Site
from pipeline.crosscheck import cannibal, duplicates, linking, translations
from pipeline.crosscheck.item import Item
from pipeline.crosscheck.linking import Suggestion

ClusterRef = tuple[str, tuple[str, ...], str]  # locale, member sources (sorted), reason
GroupShape = tuple[str, ...]  # a group's source article, then its members (source paths)


@dataclass
class Result:
    """What the checks found, by source path: enough to render findings and data."""

    clusters: list[ClusterRef] = field(default_factory=list)  # by locale, first member
    # each cluster's finding and data, once rendered (kept while no member changes)
    views: dict[ClusterRef, tuple[Finding, JSONObject]] = field(default_factory=dict)
    pairs: dict[tuple[str, str], float] = field(default_factory=dict)  # near-duplicates
    groups: dict[str, list[Finding]] = field(default_factory=dict)  # translations, by key
    shapes: dict[str, str] = field(default_factory=dict)  # key -> its shape, joined
    suggestions: dict[str, list[Suggestion]] = field(default_factory=dict)
    phrases: dict[str, linking.PhraseMap] = field(default_factory=dict)  # per locale


def check(site: Site, summaries: dict[str, JSONObject]) -> tuple[list[Finding],
                                                                    JSONObject]:
    """``(findings, data)`` of the site whose published articles have ``summaries``
    (source path -> summary)."""
    return render(compute(group_shapes(site), summaries), summaries)


def compute(shapes: dict[str, GroupShape], summaries: dict[str, JSONObject]) -> Result:
    """Every check over every summary (``shapes``: the site's ``group_shapes``)."""
    items = {source: Item(source, row) for source, row in sorted(summaries.items())}
    ordered = list(items.values())
    result = Result()
    result.clusters = [cluster_ref(c) for c in cannibal.clusters(ordered)]
    result.pairs = {(p.first.source, p.second.source): p.similarity
                    for p in duplicates.near_duplicates(items)}
    result.groups = {key: translation_findings(shape, items) for key, shape in shapes.items()}
    result.shapes = {key: joined(shape) for key, shape in shapes.items()}
    by_locale: dict[str, list[Item]] = defaultdict(list)
    for item in ordered:
        by_locale[item.locale].append(item)
    for locale in sorted(by_locale):
        phrases = result.phrases[locale] = linking.phrase_map(by_locale[locale])
        for item in by_locale[locale]:
            if rows := linking.suggestions(item, phrases):
                result.suggestions[item.source] = rows
    return result


def cluster_ref(cluster: cannibal.Cluster) -> ClusterRef:
    return cluster.locale, tuple(m.source for m in cluster.members), cluster.reason


def group_shapes(site: Site) -> dict[str, GroupShape]:
    """Per translation group of two articles or more whose source is known: its source
    article, then every member (what the translation checks compare)."""
    found = {}
    for group in site.groups():
        source = source_of(group, site.settings.site.x_default)
        if source is None or len(group.articles) < 2:
            continue
        found[group.key] = (source.source.as_posix(),
                            *(a.source.as_posix() for a in group.articles.values()
                              if a is not source))
    return found


def joined(shape: GroupShape) -> str:
    return "\n".join(shape)


def translation_findings(shape: GroupShape, items: dict[str, Item]) -> list[Finding]:
    ours = items.get(shape[0])
    if ours is None:
        return []
    found = []
    for other in shape[1:]:
        if (theirs := items.get(other)) is not None:
            found += translations.check_pair(ours, theirs)
    return found


def render(result: Result, summaries: dict[str, JSONObject]) -> tuple[list[Finding],
                                                                        JSONObject]:
    """The findings (sorted) and the report data of ``result`` over ``summaries``."""
    items: dict[str, Item] = {}

    def item(source: str) -> Item:
        if source not in items:
            items[source] = Item(source, summaries[source])
        return items[source]

    for ref in result.clusters:
        if ref not in result.views:
            result.views[ref] = cluster_view(cannibal.Cluster(ref[0], tuple(map(item, ref[1])),
                                                              ref[2]))
    pairs = [duplicates.Pair(item(a), item(b), similarity,
                             duplicates.shared(item(a), item(b)))
             for (a, b), similarity in sorted(result.pairs.items())]
    ordered = {s: summaries[s] for s in sorted(summaries)}
    lonely = linking.orphans(ordered)
    suggested = {s: result.suggestions[s] for s in sorted(result.suggestions)}
    findings = [result.views[ref][0] for ref in result.clusters]
    findings += [duplicates.finding(p) for p in pairs]
    for found in result.groups.values():
        findings += found
    findings += [linking.orphan_finding(s, summaries[s]) for s in lonely]
    for source, rows in suggested.items():
        findings += [linking.suggestion_finding(source, s) for s in rows]
    return sorted(findings), _data([result.views[ref][1] for ref in result.clusters], pairs,
                                   lonely, summaries, suggested)


def cluster_view(cluster: cannibal.Cluster) -> tuple[Finding, JSONObject]:
    """A cluster's finding and its entry in the report data."""
    return cannibal.finding(cluster), {
        "locale": cluster.locale, "reason": cluster.reason,
        "members": [{"path": m.source, "line": m.title_line, "title": m.title,
                     "phrase": m.phrase, "phraseFrom": m.phrase_from, "url": m.url}
                    for m in cluster.members]}


def _data(clusters: list[JSONObject], pairs: list[duplicates.Pair],
          lonely: list[str], summaries: dict[str, JSONObject],
          suggested: dict[str, list[Suggestion]]) -> JSONObject:
    """What a reader of ``reports/crosscheck.json`` (and a site report) shows side by side."""
    orphans = []
    for source in lonely:
        row = summaries[source]
        orphans.append({"locale": row["locale"], "path": source, "line": row["titleLine"],
                        "title": row["title"], "url": row["url"]})
    return {
        "clusters": clusters,
        "duplicates": [{"locale": p.first.locale, "similarity": p.similarity,
                        "first": {"path": p.first.source, "title": p.first.title},
                        "second": {"path": p.second.source, "title": p.second.title},
                        "passages": [{"line": x.line, "otherLine": x.other_line}
                                     for x in p.passages]} for p in pairs],
        "orphans": orphans,
        "suggestions": [{"path": source, "line": s.line, "phrase": s.phrase,
                         "target": s.target, "url": s.url}
                        for source, rows in suggested.items() for s in rows],
    }
