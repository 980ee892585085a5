"""Bundles: localized article pages and JSON into the output folder (``dist/``).

Writes ``<locale>/<slug>/index.html`` and ``article.json`` per article, ``<locale>/index.html``,
the root language chooser ``index.html``, ``404.html``, the stylesheet, every file of
``public/``, the covers' variants (``_img/``: ``render.images``), with ``[bundles] search``
the search pages and Pagefind index (``pagefind/``: ``render.search``) and
``manifest.json`` (every file written, with its SHA-256).

Articles are rendered by the engine's work units (one translation group each, on every
core, reused while their inputs are unchanged: ``engine.incremental``). The output folder
is published as a whole (``engine.outputs``): a run with errors publishes nothing, and a
killed run leaves the previous output. Files other stages write into the output folder
(sitemaps, robots.txt, key files) are carried over untouched.

Codes: BN0xx configuration, BN1xx content rendering, BN2xx output, BN3xx catalogs.
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import stat
import unicodedata
from collections.abc import Callable
from functools import partial
from importlib import resources
from pathlib import Path

import orjson

from pipeline.content.assets import tree_of
from pipeline.content.tags import Tag, group_by_tag, slugs_by_key
from pipeline.content.translations import source_hash
from pipeline.core import urls
from pipeline.core.addresses import PageAddress
from pipeline.core.jsontypes import JSONObject, JSONValue
from pipeline.core.model import Article, Finding, Severity, Site, StageResult, has_errors
from pipeline.core.settings import CONFIG_NAME
from pipeline.engine import fingerprint, options, paths
from pipeline.engine.executors import Executor
from pipeline.engine.incremental import Stamps, settings_fingerprint, unit_results
from pipeline.engine.options import RunOptions
from pipeline.engine.outputs import FolderRun, Outputs, run_outputs
from pipeline.engine.publish import file_digest
from pipeline.engine.shapes import AssetsDoc, PagesDoc
from pipeline.engine.state import read_state, write_state
from pipeline.redirects import detect
from pipeline.redirects.plan import Redirect
from pipeline.redirects.site import outputs as redirect_outputs
from pipeline.render import catalogs, feeds, images, manifest, pages, search
from pipeline.render.bundle import LocaleKit
from pipeline.render.i18n import numbering_problem
from pipeline.render.listing import ListPart, paginate
from pipeline.render.markdown import policy_of, problem_with_policy
from pipeline.seo.alternates import Alternate, home_alternates, tag_alternates

MANIFEST_FILE = manifest.MANIFEST_FILE
MANIFEST_SCHEMA = manifest.MANIFEST_SCHEMA
# Written into the output folder by other stages; public/ files of these names are skipped.
OTHER_STAGES = ("robots.txt", "sitemap*.xml", "sitemap*.xml.gz")
AddPage = Callable[[str, str, JSONValue, Callable[[], bytes]], None]  # (file, owner, inputs, render)
Listed = tuple[Article, JSONObject]  # a published article and its unit's results
ASSETS_STATE = "assets"
PAGES_STATE = "pages"
SEARCH_STATE = "search"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--jobs, --executor, and the detector's --previous-sitemap."""
    options.add_arguments(parser)
    detect.add_arguments(parser)


def run(site: Site, args: object = None) -> StageResult:
    run_options = RunOptions.of(args)
    with run_outputs(site.settings, run_options) as outputs:
        return build(site, outputs, run_options.jobs, run_options.executor,
                     getattr(args, "previous_sitemap", None))


def build(site: Site, outputs: Outputs, jobs: int = 0, executor: Executor | None = None,
          previous_sitemap: str | None = None) -> StageResult:
    settings = site.settings
    findings = check_settings(site)
    if has_errors(findings):
        return StageResult("bundles", findings)
    kits: dict[str, LocaleKit] = {}
    published = list(site.published())  # one pass over the site's articles
    with_articles = {article.locale for article in published}
    for locale in site.locales:
        translations, problems = catalogs.load_translations(
            settings.path("locales"), locale, settings.root, locale.code in with_articles)
        findings += problems
        kits[locale.code] = LocaleKit(locale, translations)
    problems, addresses = check_paths(site, published)
    findings += problems
    if has_errors(findings):
        return StageResult("bundles", findings)
    cache = settings.path("cache")
    pages_state = read_state(cache, PAGES_STATE, fingerprint.code(), PagesDoc)
    search_state = read_state(cache, SEARCH_STATE, fingerprint.code())
    manifest_state = read_state(cache, manifest.STATE, fingerprint.code(), dict[str, str])
    made_before = set(filter(paths.is_safe, pages_state)) | search.recorded_files(search_state)
    dist = outputs.folder("output")
    if outputs.force:
        pages_state, search_state, manifest_state = {}, {}, {}
    units = unit_results(site, outputs, jobs, executor)
    findings += units.findings + units.findings_of("findings")
    owners: dict[str, str] = {}
    bundles: list[Listed] = []
    for article in published:
        source = article.source.as_posix()
        result = units.articles[source]
        for rel, sha in result["shas"].items():
            dist.written(rel, sha)
            owners[rel] = source
        bundles.append((article, result))
    redirects, problems = site_pages(site, kits, bundles, dist, owners, pages_state)
    findings += problems
    outputs.record(PAGES_STATE, fingerprint.code(), pages_state)
    assets(site, dist, owners, findings, outputs.force)
    images.publish_variants(settings, [(a.meta.cover_image, r.get("variants") or {})
                                       for a, r in bundles], dist, owners)
    if settings.bundles.search and not has_errors(findings):
        findings += search.publish_index(settings, dist, owners,
                                         {r["page"] for _, r in bundles}, search_state)
        outputs.record(SEARCH_STATE, fingerprint.code(), search_state)
    files = sorted(owners)
    urls = [address.url for address in addresses.values()]  # published order, as bundles
    previous = manifest.previous(dist, manifest_state, files, urls)
    # the files it made before (what the state says, and the last manifest's files)
    outputs.replace("output", "bundles", made_before | previous.files)
    if site.settings.redirects.detect and not has_errors(findings):
        findings += detect.disappeared(site, dist, [r["entry"] for _, r in bundles],
                                       set(owners), redirects, previous_sitemap,
                                       previous.bundles, served_urls(site, addresses))
    words = dict.fromkeys(settings.locale_codes, 0)
    for article, result in bundles:
        if article.locale in words:
            words[article.locale] += result["words"]
    data = {"articles": len(bundles), "files": len(owners) + 1, "words": words}
    stats: dict[str, int | float | bool] = {"units run": units.ran,
                                            "units reused": units.reused}
    if has_errors(findings):
        outputs.discard("output")
        return StageResult("bundles", findings, data=data, run_stats=stats)
    sha = dist.put(MANIFEST_FILE, manifest_bytes(bundles, addresses, dist, files))
    outputs.record(manifest.STATE, fingerprint.code(), manifest.state_of(sha, files, urls))
    output = str(settings.path("output")) + "/"
    listed = [output + rel for rel in files] + [output + MANIFEST_FILE]
    return StageResult("bundles", findings, outputs=listed,  # type: ignore[arg-type]  # str paths; report._rel takes str too
                       data=data, run_stats=stats)


def check_settings(site: Site) -> list[Finding]:
    settings = site.settings
    findings = []
    policy = policy_of(site.settings.bundles)
    if problem := problem_with_policy(policy):
        findings.append(Finding(CONFIG_NAME, 1, 1, "BN001", Severity.ERROR, problem,
                                'use raw_html = "escape" or "allow" with harmless tags'))
    for locale in site.locales:
        if problem := numbering_problem(locale.numbering):
            findings.append(Finding(CONFIG_NAME, 1, 1, "BN002", Severity.ERROR,
                                    f"locale '{locale.code}': {problem}"))
    if not settings.site.url_pattern.endswith("/"):
        findings.append(Finding(CONFIG_NAME, 1, 1, "BN003", Severity.ERROR,
                                "bundles need site.url_pattern to end with '/' "
                                "(one folder per article)", 'use "/{locale}/{slug}/"'))
    return findings


def check_paths(site: Site, published: list[Article] | None = None,
                ) -> tuple[list[Finding], dict[str, PageAddress]]:
    """Before anything is written: every page and JSON path stays inside the output folder
    and no two articles write one file (BN203, BN201). Also each published article's
    addresses, by source, in the order of ``published`` (default: the site's)."""
    findings = []
    owners: dict[str, str] = {}
    addresses: dict[str, PageAddress] = {}
    for article in site.published() if published is None else published:
        address = urls.address(site.settings, article.locale, article.slug)
        owner = article.source.as_posix()
        addresses[owner] = address
        for rel in (address.file, address.json_file):
            if not paths.is_safe(rel):
                findings.append(Finding(owner, article.line_of("slug"), 1, "BN203",
                                        Severity.ERROR,
                                        f"output path is outside the output folder: {rel!r}",
                                        "fix the slug or site.url_pattern"))
            elif rel in owners:
                findings.append(Finding(owner, article.line_of("slug"), 1, "BN201",
                                        Severity.ERROR,
                                        f"{rel} is also written for {owners[rel]}",
                                        "each page needs its own slug and locale"))
            else:
                owners[rel] = owner
    return findings, addresses


def served_urls(site: Site, addresses: dict[str, PageAddress]) -> set[str]:
    """Article URLs the detector may take as served without decoding them: each names
    its page file as it is (an NFC path under the base URL, no query or fragment), so
    the file the detector would derive from it is the page's own, which this run writes."""
    prefix = site.settings.base_url + "/"
    return {a.url for a in addresses.values()
            if a.url.startswith(prefix) and "?" not in a.url and "#" not in a.url
            and a.file.endswith("/index.html") and unicodedata.is_normalized("NFC", a.file)}


def site_pages(site: Site, kits: dict[str, LocaleKit], bundles: list[Listed],
               dist: FolderRun, owners: dict[str, str],
               state: JSONObject) -> tuple[list[Redirect], list[Finding]]:
    """Index pages, chooser, 404, stylesheet and redirects; a page whose inputs (its
    entries and the settings) are those of the last run, and which the output still
    holds, is kept. Returns the redirects and the findings of their plan."""
    stamps = Stamps(site.settings.path("public"))
    base = fingerprint.of(settings_fingerprint(site), *(stamps(r) for r in pages.FAVICONS))
    made: dict[str, tuple[str, str]] = {}

    def add(rel: str, owner: str, inputs: JSONValue, render: Callable[[], bytes]) -> None:
        if rel in made:  # e.g. two tags of one slug: the first keeps the page
            return
        fp = fingerprint.of(base, orjson.dumps(inputs, option=orjson.OPT_SORT_KEYS))
        old = state.get(rel)
        if old and old[0] == fp and dist.current.get(rel) == old[1]:
            dist.written(rel, old[1])
        else:
            dist.put(rel, render())
        made[rel] = (fp, dist.files[rel])
        owners[rel] = owner

    leads = []
    lists = {loc.code: sorted([(a, r) for a, r in bundles if a.locale == loc.code],
                              key=lambda pair: tuple(pair[1]["entry"]["order"]))
             for loc in site.locales}
    groups = {code: group_by_tag(site.settings, code, [(pair, pair[0].meta.tags)
                                                       for pair in mine])
              for code, mine in lists.items()}
    slugs = slugs_by_key(groups)
    merged = search.merged_hrefs(site.settings, (r["page"] for _, r in bundles)) \
        if site.settings.bundles.search else []
    for locale in site.locales:
        mine, kit = lists[locale.code], kits[locale.code]
        lead = [a for a, _ in mine[:1]]  # its share image is the page's
        leads += lead
        list_pages(site, kit, add, mine, None, home_alternates(site), stamps)
        for tag in groups[locale.code].values():
            list_pages(site, kit, add, tag.members, tag,
                       tag_alternates(site, slugs[tag.key]), stamps)
        feed_pages(site, kit, add, [r["entry"] for _, r in mine])
        if site.settings.bundles.search:
            add(search.page_file(locale.code), f"{locale.code} search", merged,
                partial(_search_bytes, site, kit, merged))
    static = resources.files("pipeline.render").joinpath("static")
    if site.settings.bundles.search:
        add(pages.SEARCH_SCRIPT_FILE, "search script", None,
            static.joinpath("search.js").read_bytes)
    chooser = [[(a.locale, a.slug, a.meta.title, a.meta.og_image, a.meta.image_alt,
                 a.meta.date.isoformat(), stamps(a.meta.og_image)) for a in leads]]
    add(pages.ROOT_FILE, "language chooser", chooser,
        lambda: pages.chooser_page(site, kits).encode())
    add(pages.NOT_FOUND_FILE, "404 page", None,
        lambda: pages.not_found_page(site, kits).encode())
    for relpath, name in pages.STATIC_FILES.items():
        add(relpath, "stylesheet", None, static.joinpath(name).read_bytes)
    planned = redirect_outputs(site.settings, add, [r["entry"] for _, r in bundles],
                               set(owners))
    state.clear()
    state.update(made)
    return planned


def list_pages(site: Site, kit: LocaleKit, add: AddPage, mine: list[Listed],
               tag: Tag[Listed] | None, cluster: tuple[Alternate, ...],
               stamps: Stamps) -> None:
    """Every page of the locale's index (``tag`` None) or of one tag's list, each
    re-rendered only when its own entries, position or alternates changed."""
    settings = site.settings
    code = kit.locale.code
    lead = mine[0][0] if mine else None
    lead_in = [lead.meta.og_image, lead.meta.image_alt, stamps(lead.meta.og_image)] \
        if lead else None
    chunks = paginate(mine, settings.bundles.per_page)
    owner = f"{code} tag {tag.slug}" if tag else f"{code} index"
    for number, chunk in enumerate(chunks, 1):
        part = ListPart(number, len(chunks), (number - 1) * settings.bundles.per_page + 1,
                        [r["entry"] for _, r in chunk], lead, tag,
                        cluster if number == 1 else ())
        inputs = [part.entries, number, part.pages, lead_in, tag and [tag.key, tag.name],
                  [[a.hreflang, a.href] for a in part.cluster]]
        add(urls.list_page(settings, code, tag.slug if tag else "", number).file, owner,
            inputs, partial(_list_bytes, site, kit, part))


def _list_bytes(site: Site, kit: LocaleKit, part: ListPart) -> bytes:
    return pages.list_page(site, kit, part).encode()


def _search_bytes(site: Site, kit: LocaleKit, merged: list[str]) -> bytes:
    return pages.search_page(site, kit, merged).encode()


def feed_pages(site: Site, kit: LocaleKit, add: AddPage, entries: list[JSONObject]) -> None:
    """The locale's feeds (``[feeds] formats``) of its newest ``[feeds] entries``."""
    settings = site.settings
    code, say = kit.locale.code, kit.translations.gettext
    newest = entries[:settings.feeds.entries]
    for kind in settings.feeds.formats:
        address = urls.feed(settings, code, kind)
        info = feeds.FeedInfo(
            title=f"{settings.site.name} ({kit.locale.name})",
            description=say(pages.INDEX_DESCRIPTION) % {"site": settings.site.name},
            lang=kit.locale.hreflang, direction=kit.locale.direction,
            home=urls.list_page(settings, code).url, self_url=address.url,
            publisher=settings.site.publisher or settings.site.name)
        add(address.file, f"{code} feed", [newest, kind],
            partial(feeds.WRITERS[kind], info, newest))


def assets(site: Site, dist: FolderRun, owners: dict[str, str], findings: list[Finding],
           force: bool = False) -> None:
    """Every file under ``public/`` at the same path in the output folder, copied by the
    operating system (never read into Python); hashed only when its size or time changed."""
    settings = site.settings
    public = str(settings.path("public"))
    if not os.path.isdir(public):
        return
    cache = settings.path("cache")
    state = read_state(cache, ASSETS_STATE, "1", AssetsDoc)
    known: dict[str, tuple[int, int, str]] = {} if force else state.get("files", {})
    seen: dict[str, tuple[int, int, str]] = {}
    tree = tree_of(settings.path("public"))
    for relpath, item in tree.files.items():
        shown = f"{settings.paths.public}/{relpath}"
        if not tree.inside(item):
            findings.append(Finding(shown, 1, 1, "BN204", Severity.WARNING,
                                    "symlink points outside public/; not copied"))
            continue
        if "/" not in relpath and any(fnmatch.fnmatchcase(relpath, p) for p in OTHER_STAGES):
            findings.append(Finding(shown, 1, 1, "BN202", Severity.WARNING,
                                    f"{relpath} is written by another stage; not copied",
                                    "remove it from public/"))
            continue
        if relpath in owners:
            findings.append(Finding(shown, 1, 1, "BN201", Severity.ERROR,
                                    f"{relpath} is also written for {owners[relpath]}",
                                    "rename the file under public/"))
            continue
        if not stat.S_ISREG(item.mode):
            continue  # validate reports it (FM006, FM008); nothing to copy
        old = known.get(relpath)
        sha = old[2] if old and old[0] == item.size and old[1] == item.mtime_ns \
            else file_digest(item.path)
        seen[relpath] = (item.size, item.mtime_ns, sha)
        if dist.current.get(relpath) == sha:
            dist.written(relpath, sha)  # held as it is: no copy, no path to make
        else:
            dist.put_copy(relpath, Path(item.path), sha)
        owners[relpath] = shown
    if seen != state.get("files"):
        write_state(cache, ASSETS_STATE, "1", {"files": seen})


def manifest_bytes(bundles: list[Listed], addresses: dict[str, PageAddress],
                   dist: FolderRun, files: list[str]) -> bytes:
    """``manifest.json``: every article (locale, slug, key, URL, page, JSON, source hash)
    and every file written with its SHA-256; every value a plain ``str``. ``addresses``
    are the articles' of ``bundles``, in the same order."""
    return manifest.manifest_bytes(
        [{"locale": str(a.locale), "slug": str(a.slug), "translationKey": str(a.translation_key),
          "url": str(address.url), "page": str(r["page"]), "json": str(r["json"]),
          "sourceHash": str(source_hash(a))}
         for (a, r), address in zip(bundles, addresses.values(), strict=True)],
        {rel: str(dist.files[rel]) for rel in files})
