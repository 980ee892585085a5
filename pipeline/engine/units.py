"""Work units: one translation group's pages, JSON bundles and per-article metadata.

A unit is the smallest piece of the site whose outputs depend on nothing outside it (an
article page shows its translations' titles and links, and its JSON the translation state
against the group's source). Units run in batches through an executor (worker processes
on every core, or a Dask cluster: ``executors``); a worker writes the files that changed
straight into the output folder's spare buffer and returns only small results (hashes,
findings, index entries, metadata lines), or with ``[build] dask_files = "return"`` sends
the changed files' bytes for the client to write.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

from pipeline.analysis.article import analyze, subject_of
from pipeline.content.records import finding_record
from pipeline.core.fsutil import dumps_json_bytes
from pipeline.core.jsontypes import JSONObject, JSONValue
from pipeline.core.model import Article, Site
from pipeline.core.settings import Settings
from pipeline.crosscheck.summary import summarize
from pipeline.engine.executors import Executor, LocalExecutor
from pipeline.engine.publish import Writer, digest
from pipeline.render import catalogs, pages
from pipeline.render import images as responsive
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
    related: dict[str, list[list[str]]] | None = None  # source -> [[href, title]] (render.related)


class Context:
    """What every unit of a run shares: settings, render policy, UI catalogs, spare root."""

    def __init__(self, settings: Settings, spare: Path):
        self.settings = settings
        self.policy = policy_of(settings.bundles)
        self.public = settings.path("public")
        self.writer: Writer | Collector = Writer(spare)
        self.limits = lint.locale_limits_of(settings)
        self.kits = {}
        for locale in settings.locales:
            translations, _ = catalogs.load_translations(settings.path("locales"), locale,
                                                         settings.root)
            self.kits[locale.code] = LocaleKit(locale, translations)


def run_unit(ctx: Context, job: Job) -> JSONObject:
    """Render the group; write changed files; return ``{source: result}`` and the deps."""
    site = Site(ctx.settings, job.articles)
    results: JSONObject = {}
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
        page = pages.article_page(site, bundle, ctx.kits[article.locale],
                                  (job.related or {}).get(article.source.as_posix(), [])).encode()
        subject = subject_of(ctx.settings, article)
        analysis = analyze(ctx.settings, article, subject)
        data = dumps_json_bytes({**article_json(site, bundle), "analysis": analysis[0]})
        shas = {}
        for rel, content in ((bundle.page_file, page), (bundle.json_file, data)):
            shas[rel] = digest(content)
            if job.current.get(rel) != shas[rel]:
                ctx.writer.put(rel, content)
        deps.update(seen)
        deps.update(pages.FAVICONS)  # the page links the site's icon when public/ has one
        deps.update((article.meta.cover_image, article.meta.og_image,
                     article.meta.author.picture))
        results[article.source.as_posix()] = {
            "page": bundle.page_file, "json": bundle.json_file, "shas": shas,
            "findings": [finding_record(f) for f in findings],
            "metaFindings": [finding_record(f) for f in lint.article_findings(
                ctx.settings, article, ctx.limits[article.locale])],
            "entry": pages.index_entry(bundle, ctx.settings),
            "words": rendered.words,
            "variants": responsive.made_variants(ctx.settings, article.meta.cover_image)
            if bundle.cover else {},
            "analysis": _packed({"data": analysis[0],
                                 "findings": [finding_record(f) for f in analysis[1]]}),
            "cross": _packed(summarize(ctx.settings, subject)),
            "metadata": orjson.dumps({"page": f"{article.locale}/{article.slug}",
                                      "metadata": meta.data},
                                     option=orjson.OPT_SORT_KEYS).decode(),
        }
    return {"key": job.key, "articles": results, "deps": sorted(deps)}


def _packed(value: JSONValue) -> str:
    return orjson.dumps(value).decode()


def analysis_part(settings: Settings, article: Article) -> str:
    """The article's ``analysis`` part (``shapes.AnalysisPart``) as JSON text."""
    data, findings = analyze(settings, article)
    return _packed({"data": data, "findings": [finding_record(f) for f in findings]})


def cross_part(settings: Settings, article: Article) -> str:
    """The article's ``cross`` part (``crosscheck.summary.summarize``) as JSON text."""
    return _packed(summarize(settings, subject_of(settings, article)))


PARTS = {"analysis": analysis_part, "cross": cross_part}  # how each part is made


@dataclass(frozen=True)
class Shared:
    """What every batch of a run needs; ``files`` is "shared" (workers write into the
    spare) or "return" (workers send the bytes, the client writes them)."""

    settings: Settings
    spare: Path
    files: str = "shared"
    token: str = ""


class Collector:
    """A writer that keeps the files for the client instead of writing them."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def put(self, rel: str, data: bytes) -> None:
        self.files[rel] = data


_CONTEXTS: dict[str, Context] = {}  # per worker process, by run


def run_batch(shared: Shared, jobs: list[Job]) -> list[JSONObject]:
    """Run a batch of units in this worker process; its context is made once per run."""
    ctx = _CONTEXTS.get(shared.token)
    if ctx is None:
        _CONTEXTS.clear()
        ctx = _CONTEXTS[shared.token] = Context(shared.settings, shared.spare)
    if shared.files != "return":
        ctx.writer = Writer(shared.spare)  # a retried batch may find its files half made
        return [run_unit(ctx, job) for job in jobs]
    results = []
    for job in jobs:
        collector = Collector()
        ctx.writer = collector
        result = run_unit(ctx, job)
        result["files"] = collector.files
        results.append(result)
    return results


def batch_size(jobs: int, slots: int) -> int:
    """Units per batch: about eight batches per slot, within 8..128 units."""
    return max(8, min(128, jobs // (slots * 8) or 1))


def run_units(settings: Settings, spare: Path, jobs: list[Job], workers: int,
              executor: Executor | None = None) -> Iterator[JSONObject]:
    """Every job's result, in job order; through ``executor`` (default: ``workers`` local
    processes) when there are many, else in this process."""
    if len(jobs) < PARALLEL_FROM or (executor is None and workers <= 1):
        ctx = Context(settings, spare)
        yield from (run_unit(ctx, job) for job in jobs)
        return
    executor = executor or LocalExecutor(workers)
    shared = Shared(settings, spare, executor.files, uuid.uuid4().hex)
    size = batch_size(len(jobs), executor.slots())
    batches = [jobs[i : i + size] for i in range(0, len(jobs), size)]
    writer = Writer(spare)
    for batch in executor.map(run_batch, shared, batches):
        for result in batch:
            for rel, data in result.pop("files", {}).items():
                writer.put(rel, data)
            yield result


def default_workers(jobs: int = 0) -> int:
    return jobs or os.cpu_count() or 1
