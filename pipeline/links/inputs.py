"""What the links stage reads: the articles (all, ``--files`` or ``--changed-since``),
the built site (``--built``) or a sitemap (``--sitemap``), as located links grouped
into unique targets, with the judge of internal targets for that input."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.core.model import Finding, Severity, Site
from pipeline.core.settings import ConfigError
from pipeline.links import changed
from pipeline.links.cache import LinkCache
from pipeline.links.extract import extract_all
from pipeline.links.policy import Policy
from pipeline.links.targets import Classified, collect, collect_by, external
from pipeline.links.types import Occurrence, Target, Verdict


@dataclass
class Chosen:
    """The links of one input, their targets, and how internal targets are judged."""

    name: str  # articles | files | changed | built | sitemap
    links: list[tuple[object, Occurrence]]
    targets: dict[str, Target]
    check_internal: Callable[[Target], Verdict] | None = None
    findings: list[Finding] = field(default_factory=list)


def choose(site: Site, options: argparse.Namespace | None, policy: Policy,
           cache: LinkCache | None) -> Chosen:
    """The input the options ask for (the articles by default)."""
    if options is None:
        options = argparse.Namespace()  # no options: every getattr below gives its default
    if getattr(options, "remap", None) and not getattr(options, "built", False):
        raise ConfigError([Finding("--remap", 1, 1, "LNK051", Severity.ERROR,
                                   "--remap applies to --built only", "add --built")])
    if getattr(options, "built", False):
        return _built(site, options)
    if getattr(options, "sitemap", None):
        return _sitemap(site, options.sitemap, policy)
    articles, name, notes = list(site.articles), "articles", []
    root = site.settings.root
    if getattr(options, "changed_since", None):
        articles, name = changed.select(site.articles,
                                        changed.changed_since(root, options.changed_since)), \
            "changed"
    elif getattr(options, "files", None):
        wanted = changed.named(root, options.files)
        articles, name = changed.select(site.articles, wanted), "files"
        known = {a.source.as_posix() for a in articles}
        notes = [Finding(path, 1, 1, "LNK052", Severity.WARNING,
                         f"{path} is not an article of the site; its links are not checked",
                         "name files under the content folder") for path in sorted(wanted - known)]
    links = extract_all(articles, cache)
    return Chosen(name, list(links), collect(site, links), findings=notes)


def _built(site: Site, options: argparse.Namespace) -> Chosen:
    from pipeline.links import built  # lxml and the sitemap reader: for --built alone

    settings = site.settings
    output = settings.path("output")
    if not output.is_dir():
        raise ConfigError([Finding(settings.paths.output, 1, 1, "LNK053", Severity.ERROR,
                                   f"no built site in {settings.paths.output}/",
                                   "run 'seo-pipeline build' first")])
    checker = built.BuiltSite(output, settings.base_url, built.remaps(options.remap))
    links = [(page, occ) for page in built.pages(output)
             for occ in built.extract_page(output, page, settings.root)]

    def classify(page: Path, occ: Occurrence) -> Classified:
        answer = checker.target_of(page, occ.raw)
        if isinstance(answer, Verdict):
            return f"skip:{occ.raw}", occ.raw, False, "", answer
        return (*answer, None)

    return Chosen("built", list(links), collect_by(links, classify), checker.check)


def _sitemap(site: Site, source: str, policy: Policy) -> Chosen:
    from pipeline.links import sitemap_input  # for --sitemap alone
    from pipeline.links.http import HttpChecker

    checker = HttpChecker(policy)
    try:
        occurrences, problems = sitemap_input.read(source, checker.fetch_into,
                                                   site.settings.root)
    finally:
        checker.close()
    links: list[tuple[object, Occurrence]] = [(None, occ) for occ in occurrences]
    return Chosen("sitemap", links, collect_by(links, lambda _o, occ: external(occ.raw)),
                  findings=problems)
