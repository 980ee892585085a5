"""``seo-pipeline hreflang``: audit the site's hreflang clusters, or any sitemap.

Without ``--sitemap``: reads the site, the page heads (built pages in the site output,
else the metadata they will carry) and ``sitemap/``; checks codes, self-reference,
return links, one URL per code, x-default, canonicals, and that heads and sitemaps
agree; writes ``reports/hreflang.json``. With ``--sitemap PATH``: audits that sitemap
file or folder alone (another site's too); no configuration needed, no report file.
With ``--url URL``: audits a live site from its sitemap, sitemap index or robots.txt
(``hreflang.live``), fetching with the links stage's policy (``[links]`` of site.toml
when there is one, flags override; the links cache in ``.cache/``); no report file.
Exit codes: 0 clean (warnings allowed unless --strict), 1 findings, 2 usage/config.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pipeline.content.site import blocked_by_content, open_site
from pipeline.core.model import Finding, Severity, Site, StageResult
from pipeline.core.settings import option_type
from pipeline.hreflang.cluster import check_pages, compare_sources, index_pages
from pipeline.hreflang.sources import head_pages, nothing_audited, sitemap_pages
from pipeline.report import render, write_report


def add_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--sitemap", type=Path, default=None, metavar="PATH",
                        help="audit this sitemap file or folder instead of the site")
    source.add_argument("--url", default=None, metavar="URL",
                        help="audit a live site from this sitemap, index or robots.txt URL")
    live = parser.add_argument_group("live audit (--url), as the links stage")
    live.add_argument("--allow-private", action="store_true",
                      help="allow private and loopback addresses")
    live.add_argument("--timeout", type=option_type("links", "read_timeout"), metavar="SECONDS",
                      help="connect/read timeout")
    live.add_argument("--workers", type=option_type("links", "workers"),
                      help="concurrent requests in total")
    live.add_argument("--per-host", type=option_type("links", "per_host"),
                      help="concurrent requests per host")
    live.add_argument("--retries", type=option_type("links", "retries"),
                      help="retries after a failed request")
    live.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    live.add_argument("--max-cache-age", type=option_type("links", "max_cache_age"),
                      metavar="SECONDS",
                      help="reuse cached successes younger than this")


def audit_live(args: argparse.Namespace) -> StageResult:
    """A live site from ``args.url`` with the links policy of ``args.root`` (if any)."""
    from pipeline.core.settings import LinksSection, load_settings
    from pipeline.hreflang.fetch import Fetcher
    from pipeline.hreflang.live import audit_url
    from pipeline.links.cache import FILE_NAME, LinkCache
    from pipeline.links.policy import build_policy

    root = args.root.resolve()
    config = args.config or root / "site.toml"
    settings = load_settings(root, args.config) if config.is_file() else None
    policy = build_policy(settings.links if settings else LinksSection(), args)
    cache_dir = settings.path("cache") if settings else root / ".cache"
    cache = LinkCache(cache_dir / FILE_NAME, policy.rules.max_cache_age) \
        if policy.use_cache else None
    fetcher = Fetcher(policy, cache)
    try:
        return audit_url(args.url, fetcher)
    finally:
        fetcher.close()


def audit_sitemap(path: Path, root: Path) -> StageResult:
    """Findings of a sitemap file or folder on its own."""
    findings: list[Finding] = []
    if not path.exists():
        findings.append(Finding(str(path), 1, 1, "HL012", Severity.ERROR, "no such file or folder"))
        return StageResult("hreflang", findings)
    pages = index_pages(sitemap_pages(path, root, findings))
    if not pages:
        findings.append(nothing_audited(str(path)))
    findings += check_pages(pages, complete=False)
    return StageResult("hreflang", findings, data={"urls": len(pages)})


def audit_site(site: Site) -> StageResult:
    """Findings of the site's heads and its own sitemaps, and their agreement."""
    settings = site.settings
    findings: list[Finding] = []
    heads = index_pages(head_pages(site))
    findings += check_pages(heads, complete=True)
    folder = settings.path("sitemap")
    maps = index_pages(sitemap_pages(folder, settings.root, findings)) if folder.is_dir() else {}
    if maps:
        findings += check_pages(maps, complete=True)
        findings += compare_sources(heads, maps)
    elif heads:
        findings.append(Finding(settings.paths.sitemap, 1, 1, "HL011", Severity.WARNING,
                                "no sitemaps to compare with the page heads",
                                "run 'seo-pipeline sitemaps' first"))
    return StageResult("hreflang", findings, data={"pages": len(heads), "sitemap_urls": len(maps)})


def main(args: argparse.Namespace) -> int:
    from pipeline.cli import exit_code  # the CLI imports this module lazily

    if args.url is not None:
        result = audit_live(args)
    elif args.sitemap is not None:
        result = audit_sitemap(args.sitemap, args.root.resolve())
    else:
        settings, site = open_site(args.root, args.config)
        has_errors = any(f.is_error for f in site.load_findings)
        result = blocked_by_content(site, "hreflang") if has_errors else audit_site(site)
        write_report(result, settings.path("reports"), settings.root)
    text = render(result, args.format, args.root)
    if text:
        print(text)
    return exit_code([result], args.strict)
