"""Links: every link of every article, internal ones offline, external ones over HTTP.

Reads the site model, ``public/`` and ``.cache/links.sqlite3``; writes
``reports/links.json`` (through the runner), optionally a JUnit file, and the cache.
Exit codes: 0 nothing broken, 1 something broken, 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.fsutil import write_bytes
from pipeline.core.jsontypes import JSONObject
from pipeline.core.model import Finding, Severity, Site, StageResult
from pipeline.core.settings import option_type
from pipeline.core.settings_rules import JOBS_PER_CORE, NumberOption, jobs_bound
from pipeline.links import formats, inputs
from pipeline.links.cache import FILE_NAME, LinkCache
from pipeline.links.checker import check_all
from pipeline.links.findings import encoding_findings, link_record, target_findings
from pipeline.links.policy import build_policy
from pipeline.links.progress import Progress
from pipeline.links.types import Target

PRELOAD_FROM = 500  # targets from which every fresh cache entry is read at once


@dataclass
class LinksResult(StageResult):
    """The stage's result plus what only the console shows (the report does not change
    whether answers came from the cache)."""

    cached: int = 0  # targets answered by the link cache


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("links")
    group.add_argument("--allow-private", action="store_true",
                       help="allow targets on private, loopback and link-local addresses")
    group.add_argument("--max-cache-age", type=option_type("links", "max_cache_age"),
                       metavar="SECONDS",
                       help="reuse cached successes younger than this (default: links."
                            "max_cache_age, 1 day)")
    group.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    group.add_argument("--offline", action="store_true",
                       help="check internal links only; external ones are skipped")
    group.add_argument("--junit", type=Path, metavar="FILE", help="also write JUnit XML here")
    group.add_argument("--workers", type=option_type("links", "workers"),
                       help="concurrent requests in total")
    group.add_argument("--per-host", type=option_type("links", "per_host"),
                       help="most concurrent requests per host (the adaptive limit's ceiling)")
    group.add_argument("--jobs", type=NumberOption(int, jobs_bound(auto=False)), metavar="N",
                       help="checker processes (default: one per core from 300 URLs on; "
                       f"at most {JOBS_PER_CORE} per core)")
    group.add_argument("--executor", metavar="SPEC",
                       help="check on a Dask cluster: dask-local or dask://HOST:PORT "
                       "(default: [build] executor; local: processes on this machine)")
    group.add_argument("--timeout", type=option_type("links", "read_timeout"),
                       metavar="SECONDS", help="connect and read timeout")
    group.add_argument("--retries", type=option_type("links", "retries"),
                       help="retries after a failed request")
    group.add_argument("--max-redirects", type=option_type("links", "max_redirects"),
                       help="redirect hops to follow")
    group.add_argument("--exclude", action="append", metavar="REGEX",
                       help="skip URLs matching this pattern (repeatable)")
    group.add_argument("--user-agent", help="User-Agent header")
    group.add_argument("--progress", choices=("auto", "always", "never"), default="auto",
                       help="progress bar on stderr (auto: only on a terminal)")
    source = group.add_mutually_exclusive_group()
    source.add_argument("--files", nargs="+", metavar="PATH",
                        help="check only the links of these articles")
    source.add_argument("--changed-since", metavar="REF",
                        help="check only the links of articles changed since this git ref")
    source.add_argument("--built", action="store_true",
                        help="check the HTML in the output folder instead of the articles")
    source.add_argument("--sitemap", metavar="URL_OR_PATH",
                        help="check every URL of this sitemap or sitemap index (gzip too)")
    group.add_argument("--remap", nargs=2, action="append", metavar=("PATTERN", "REPLACEMENT"),
                       help="with --built: rewrite links matching PATTERN (repeatable)")


def run(site: Site, options: argparse.Namespace | None = None) -> StageResult:
    """Extract, check and judge every link of the site (or of the chosen input)."""
    settings = site.settings
    policy = build_policy(settings.links, options, settings.root)
    findings: list[Finding] = _unloaded(site)
    cache = LinkCache(settings.path("cache") / FILE_NAME, policy.rules.max_cache_age) \
        if policy.use_cache and not policy.offline else None
    if cache is not None and cache.note:
        findings.append(Finding(settings.paths.cache, 1, 1, "LNK040", Severity.INFO, cache.note))
    try:
        chosen = inputs.choose(site, options, policy, cache)
        findings += chosen.findings
        for _, occ in chosen.links:
            findings += encoding_findings(occ)
        targets = sorted(chosen.targets.values(), key=lambda t: t.key)
        if cache is not None and len(targets) > PRELOAD_FROM:
            cache.preload()  # one query instead of one per URL; a few changed files: per URL
        progress = Progress(len(targets), enabled=_progress_enabled(options))
        judged: dict[str, tuple[list[Finding], JSONObject]] = {}

        def done(target: Target) -> None:  # runs while other targets are still in flight
            progress.advance(target.uri)
            judged[target.key] = (target_findings(target), link_record(target))

        try:
            check_all(site, targets, policy, cache, done,
                      jobs=getattr(options, "jobs", None), check_internal=chosen.check_internal,
                      executor=getattr(options, "engine_executor", None))
        finally:
            progress.close()
    finally:
        if cache is not None:
            cache.close()
    for target in targets:
        findings += judged[target.key][0] if target.key in judged else target_findings(target)
    records = [judged[t.key][1] if t.key in judged else link_record(t) for t in targets]
    cached = sum(bool(t.verdict and t.verdict.from_cache) for t in targets)
    result = LinksResult("links", sorted(findings), data=_data(records, len(chosen.links)),
                         cached=cached)
    result.data["input"] = chosen.name
    junit = getattr(options, "junit", None)
    if junit is not None:
        path = junit if junit.is_absolute() else Path.cwd() / junit
        result.outputs.append(write_bytes(path, formats.junit(result)))
    return result


def render(result: StageResult, fmt: str, root: Path) -> str | None:
    """Console output for ``human`` and ``markdown``; other formats use the common one."""
    if fmt == "human":
        return formats.human(result, result.cached if isinstance(result, LinksResult) else 0)
    if fmt == "markdown":
        return formats.markdown(result)
    return None


def _progress_enabled(options: argparse.Namespace | None) -> bool | None:
    choice = getattr(options, "progress", "auto")
    return None if choice == "auto" else choice == "always"


def _unloaded(site: Site) -> list[Finding]:
    loaded = {a.source.as_posix() for a in site.articles}  # an FM210 file is loaded
    broken = {f.path for f in site.load_findings if f.is_error} - loaded
    if not broken:
        return []
    return [Finding("content", 1, 1, "LNK041", Severity.INFO,
                    f"{len(broken)} file(s) could not be loaded; their links are not checked",
                    "run 'seo-pipeline validate'")]


def _data(records: list[JSONObject], occurrences: int) -> JSONObject:
    external = [r for r in records if not r["internal"]]
    checked = [r for r in external if r["state"] not in ("skipped", "excluded")]
    return {
        "summary": {
            "occurrences": occurrences,
            "unique": len(records),
            "external": len(external),
            "internal": len(records) - len(external),
            "external_checked": len(checked),
            "network_errors": sum(r["state"] == "network" for r in checked),
            "states": dict(sorted(Counter(r["state"] for r in records).items())),
            "missing_fragments": sum(list(r["fragments"].values()).count("missing")
                                     for r in records),
        },
        "links": records,
    }
