"""Work units: one translation group's pages, JSON bundles and per-article metadata.

A unit is the smallest piece of the site whose outputs depend on nothing outside it (an
article page shows its translations' titles and links, and its JSON the translation state
against the group's source). Units run in worker processes on every core; a worker
writes the files that changed straight into the output folder's spare buffer and
returns only small results (hashes, findings, index entries, metadata lines).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from pipeline.content.records import finding_record
from pipeline.core.fsutil import dumps_json_bytes
from pipeline.core.model import Article, Site
from pipeline.core.settings import Settings
from pipeline.engine.publish import Writer, digest
from pipeline.render import catalogs, pages
from pipeline.render.bundle import (
    LocaleKit,
    article_json,
    build_bundle,
    image_exists,
    render_body,
)
from pipeline.render.markdown import policy_of
from pipeline.seo import lint
from pipeline.seo.metadata import page_metadata

PARALLEL_FROM = 64  # groups; fewer run in this process


@dataclass(frozen=True)
class Job:
    """One group: its articles and, per output file, the hash the spare holds now."""

    key: str
    articles: tuple[Article, ...]
    current: dict[str, str]


class Context:
    """What every unit of a run shares: settings, render policy, UI catalogs, spare root."""

    def __init__(self, settings: Settings, spare: Path):
        self.settings = settings
        self.policy = policy_of(settings.bundles)
        self.public = settings.path("public")
        self.writer = Writer(spare)
        self.limits = lint.locale_limits_of(settings)
        self.kits = {}
        for locale in settings.locales:
            translations, _ = catalogs.load_translations(settings.path("locales"), locale,
                                                         settings.root)
            self.kits[locale.code] = LocaleKit(locale, translations)


def run_unit(ctx: Context, job: Job) -> dict[str, Any]:
    """Render the group; write changed files; return ``{source: result}`` and the deps."""
    site = Site(ctx.settings, job.articles)
    results: dict[str, Any] = {}
    deps: set[str] = set()
    for article in job.articles:
        if article.meta.draft:
            continue
        seen: dict[str, bool] = {}

        def exists(src: str, seen: dict[str, bool] = seen) -> bool:
            seen[src] = image_exists(ctx.public, src)
            return seen[src]

        rendered = render_body(article, ctx.policy, ctx.public, exists)
        meta = page_metadata(site, article)
        bundle, findings = build_bundle(site, article, ctx.kits[article.locale], ctx.policy,
                                        rendered, meta)
        page = pages.article_page(site, bundle, ctx.kits[article.locale]).encode()
        data = dumps_json_bytes(article_json(site, bundle))
        shas = {}
        for rel, content in ((bundle.page_file, page), (bundle.json_file, data)):
            shas[rel] = digest(content)
            if job.current.get(rel) != shas[rel]:
                ctx.writer.put(rel, content)
        deps.update(seen)
        deps.update((article.meta.cover_image, article.meta.og_image,
                     article.meta.author.picture))
        results[article.source.as_posix()] = {
            "page": bundle.page_file, "json": bundle.json_file, "shas": shas,
            "findings": [finding_record(f) for f in findings],
            "metaFindings": [finding_record(f) for f in lint.article_findings(
                ctx.settings, article, ctx.limits[article.locale])],
            "entry": pages.index_entry(bundle),
            "words": rendered.words,
            "metadata": orjson.dumps({"page": f"{article.locale}/{article.slug}",
                                      "metadata": meta.data},
                                     option=orjson.OPT_SORT_KEYS).decode(),
        }
    return {"key": job.key, "articles": results, "deps": sorted(deps)}


_CONTEXT: Context | None = None


def _init(settings: Settings, spare: Path) -> None:
    global _CONTEXT
    _orphan_guard()
    _CONTEXT = Context(settings, spare)


def _batch(jobs: list[Job]) -> list[dict[str, Any]]:
    assert _CONTEXT is not None
    return [run_unit(_CONTEXT, job) for job in jobs]


def _orphan_guard() -> None:
    """A worker exits when the parent dies (kill -9 included), never lingering."""
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def run_units(settings: Settings, spare: Path, jobs: list[Job], workers: int,
              ) -> Iterator[dict[str, Any]]:
    """Every job's result, in job order; in ``workers`` processes when there are many."""
    if workers <= 1 or len(jobs) < PARALLEL_FROM:
        ctx = Context(settings, spare)
        yield from (run_unit(ctx, job) for job in jobs)
        return
    size = max(8, min(128, len(jobs) // (workers * 8) or 1))
    batches = [jobs[i : i + size] for i in range(0, len(jobs), size)]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init,
                             initargs=(settings, spare)) as pool:
        for batch in pool.map(_batch, batches):
            yield from batch


def default_workers(jobs: int = 0) -> int:
    return jobs or os.cpu_count() or 1
