"""Bundles: localized article pages and JSON into the output folder (``dist/``).

Writes ``<locale>/<slug>/index.html`` and ``article.json`` per article, ``<locale>/index.html``,
the root language chooser ``index.html``, ``404.html``, the stylesheet, every file of
``public/`` and ``manifest.json`` (every file written, with its SHA-256).

Each file that differs from the output folder's copy is staged as it is rendered (a
temp file beside its target, ``fsutil.Staging``), so memory holds hashes, not pages.
When anything is an error the staged files are discarded and the previous output stays
as it was; otherwise they are synced once and renamed into place. Unchanged files are
left alone, and files an earlier run listed in its manifest but this run no longer
produces are removed. Files other stages write into
the output folder (sitemaps, robots.txt, key files) are never touched.

Codes: BN0xx configuration, BN1xx content rendering, BN2xx output, BN3xx catalogs.
"""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import json
import os
from importlib import resources
from pathlib import Path
from typing import Any

from pipeline.content.translations import source_hash
from pipeline.core import fsutil
from pipeline.core.model import Finding, Severity, Site, StageResult, has_errors
from pipeline.core.settings import CONFIG_NAME
from pipeline.render import catalogs, pages
from pipeline.render.bundle import ArticleBundle, LocaleKit, article_json, build_bundle, render_bodies
from pipeline.render.i18n import numbering_problem
from pipeline.render.markdown import policy_of, problem_with_policy

MANIFEST_FILE = "manifest.json"
MANIFEST_SCHEMA = "seo-pipeline/bundles-manifest/1"
# Written into the output folder by other stages; public/ files of these names are skipped.
OTHER_STAGES = ("robots.txt", "sitemap*.xml", "sitemap*.xml.gz")


class Plan:
    """Output files by path relative to the output folder, with who produces each.

    A file that differs from what the output folder holds is staged (written to a temp
    file beside its target) as it is added; only its SHA-256 stays in memory. ``commit``
    puts every staged file in place; ``discard`` leaves the output folder as it was.
    """

    def __init__(self, output: Path):
        self.output = output
        self.files: dict[str, str] = {}  # relative path -> SHA-256 of its content
        self.staging = fsutil.Staging()
        self.targets: dict[str, Path] = {}  # checked by safe_join when added
        self.owners: dict[str, str] = {}
        self.findings: list[Finding] = []

    def add(self, relpath: str, data: bytes | str | Path, owner: str, line: int = 1) -> None:
        try:
            target = fsutil.safe_join(self.output, *relpath.split("/"))
        except fsutil.OutputPathError as exc:
            self.findings.append(Finding(owner, line, 1, "BN203", Severity.ERROR,
                                         f"output path is outside the output folder: {exc}",
                                         "fix the slug or site.url_pattern"))
            return
        if relpath in self.files:
            self.findings.append(Finding(owner, line, 1, "BN201", Severity.ERROR,
                                         f"{relpath} is also written for {self.owners[relpath]}",
                                         "each page needs its own slug and locale"))
            return
        content = data.encode("utf-8") if isinstance(data, str) else data
        self.files[relpath] = sha256(content)
        self.targets[relpath] = target
        self.owners[relpath] = owner
        if not unchanged(target, content):
            self.staging.stage(target, content)

    def commit(self) -> list[Path]:
        return self.staging.commit()

    def discard(self) -> None:
        self.staging.discard()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--jobs", type=int, default=0,
                        help="processes rendering Markdown (default: one per CPU)")


def run(site: Site, options: object = None) -> StageResult:
    settings = site.settings
    findings = check_settings(site)
    if has_errors(findings):
        return StageResult("bundles", findings)
    kits: dict[str, LocaleKit] = {}
    for locale in site.locales:
        translations, problems = catalogs.load_translations(
            settings.path("locales"), locale, settings.root)
        findings += problems
        kits[locale.code] = LocaleKit(locale, translations)
    output = settings.path("output")
    plan = Plan(output)
    try:
        bundles = plan_articles(site, kits, plan, findings, options)
        plan_site_pages(site, kits, bundles, plan)
        plan_assets(site, plan, findings)
    except BaseException:
        plan.discard()
        raise
    findings += plan.findings
    manifest = manifest_data(bundles, plan)
    data = {"articles": len(bundles), "files": len(plan.files) + 1,
            "words": {code: sum(b.rendered.words for b in bundles if b.article.locale == code)
                      for code in settings.locale_codes}}
    if has_errors(findings):
        plan.discard()
        return StageResult("bundles", findings, data=data)
    plan.commit()
    remove_stale(output, previous_files(output), set(plan.files))
    write_if_changed(output / MANIFEST_FILE, fsutil.dumps_json(manifest).encode())
    # The report lists what this input produces, not what this run had to rewrite, so two
    # runs on the same input give the same report.
    outputs = [plan.targets[rel] for rel in sorted(plan.files)] + [output / MANIFEST_FILE]
    return StageResult("bundles", findings, outputs=outputs, data=data)


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


def plan_articles(site: Site, kits: dict[str, LocaleKit], plan: Plan,
                  findings: list[Finding], options: object = None) -> list[ArticleBundle]:
    policy = policy_of(site.settings.bundles)
    articles = list(site.published())
    workers = getattr(options, "jobs", 0) or os.cpu_count() or 1
    bodies = render_bodies(articles, policy, site.settings.path("public"), workers,
                           site.settings.path("cache"))
    bundles = []
    for article, rendered in zip(articles, bodies, strict=True):
        kit = kits[article.locale]
        bundle, problems = build_bundle(site, article, kit, policy, rendered)
        findings += problems
        owner = article.source.as_posix()
        line = article.line_of("slug")
        plan.add(bundle.page_file, pages.article_page(site, bundle, kit), owner, line)
        plan.add(bundle.json_file, fsutil.dumps_json(article_json(site, bundle)), owner, line)
        bundles.append(bundle)
    return bundles


def plan_site_pages(site: Site, kits: dict[str, LocaleKit], bundles: list[ArticleBundle],
                    plan: Plan) -> None:
    for locale in site.locales:
        mine = [b for b in bundles if b.article.locale == locale.code]
        plan.add(f"{locale.code}/index.html", pages.index_page(site, kits[locale.code], mine),
                 f"{locale.code} index")
    plan.add(pages.ROOT_FILE, pages.chooser_page(site, kits), "language chooser")
    plan.add(pages.NOT_FOUND_FILE, pages.not_found_page(site, kits), "404 page")
    static = resources.files("pipeline.render").joinpath("static")
    for relpath, name in pages.STATIC_FILES.items():
        plan.add(relpath, static.joinpath(name).read_bytes(), "stylesheet")


def plan_assets(site: Site, plan: Plan, findings: list[Finding]) -> None:
    """Every file under ``public/`` at the same path in the output folder."""
    public = site.settings.path("public")
    if not public.is_dir():
        return
    for path in walk(public):
        relpath = path.relative_to(public).as_posix()
        shown = f"{site.settings.paths.public}/{relpath}"
        if path.is_symlink() and public not in path.resolve().parents:
            findings.append(Finding(shown, 1, 1, "BN204", Severity.WARNING,
                                    "symlink points outside public/; not copied"))
        elif "/" not in relpath and any(Path(relpath).match(p) for p in OTHER_STAGES):
            findings.append(Finding(shown, 1, 1, "BN202", Severity.WARNING,
                                    f"{relpath} is written by another stage; not copied",
                                    "remove it from public/"))
        else:
            plan.add(relpath, path, shown)  # copied when written, never held in memory


def walk(folder: Path) -> list[Path]:
    """Files below ``folder`` in sorted order, hidden names skipped."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found += [Path(dirpath) / n for n in sorted(filenames) if not n.startswith(".")]
    return found


def manifest_data(bundles: list[ArticleBundle], plan: Plan) -> dict[str, Any]:
    return {
        "schema": MANIFEST_SCHEMA,
        "bundles": [{"locale": b.article.locale, "slug": b.article.slug,
                     "translationKey": b.article.translation_key, "url": b.url,
                     "page": b.page_file, "json": b.json_file,
                     "sourceHash": source_hash(b.article)} for b in bundles],
        "files": dict(sorted(plan.files.items())),
    }


def sha256(data: bytes | Path) -> str:
    if isinstance(data, Path):
        with data.open("rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    return hashlib.sha256(data).hexdigest()


def unchanged(path: Path, data: bytes | Path) -> bool:
    """True when the file already holds exactly these bytes (or the source file's)."""
    if not path.is_file():
        return False
    if isinstance(data, Path):
        return filecmp.cmp(data, path, shallow=False)
    return path.stat().st_size == len(data) and path.read_bytes() == data


def write_if_changed(path: Path, data: bytes) -> Path | None:
    """Write atomically unless the file already holds exactly these bytes."""
    return None if unchanged(path, data) else fsutil.write_bytes(path, data)


def previous_files(output: Path) -> set[str]:
    """Files the last run listed in its manifest (empty when there is none or it is bad)."""
    try:
        data = json.loads((output / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    files = data.get("files") if isinstance(data, dict) else None
    return {str(k) for k in files} if isinstance(files, dict) else set()


def remove_stale(output: Path, before: set[str], now: set[str]) -> list[Path]:
    """Delete files this stage wrote before and no longer produces, then empty folders."""
    removed = []
    for relpath in sorted(before - now):
        try:
            path = fsutil.safe_join(output, *relpath.split("/"))
        except fsutil.OutputPathError:
            continue
        if path.is_file():
            path.unlink()
            removed.append(path)
            prune_empty(path.parent, output)
    return removed


def prune_empty(folder: Path, output: Path) -> None:
    while folder != output.resolve() and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
