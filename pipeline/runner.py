"""Stage runs and the build (the command registry is ``commands``): load once, run stages, write reports.

A stage is a function ``run(site, options) -> StageResult``. ``build`` runs the offline
stages in order and stops after the first one with errors.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from pipeline.commands import STAGES, Stage
from pipeline.content import assets, git_dates
from pipeline.content.site import blocked_by_content, open_site  # noqa: F401 (the runner's API)
from pipeline.core import clock
from pipeline.core.model import Site, StageResult
from pipeline.core.settings import CONFIG_NAME, Settings, load_settings
from pipeline.engine import collector, executors, lock, noop
from pipeline.engine.options import RunOptions
from pipeline.engine.outputs import FolderChanges, Outputs, run_outputs
from pipeline.engine.summary import Build
from pipeline.report import put_report


def stage(name: str) -> Stage:
    for item in STAGES:
        if item.name == name:
            return item
    raise KeyError(name)


def run_stage(item: Stage, site: Site, options: argparse.Namespace) -> StageResult:
    """Run one stage and put its report into ``reports/``; a stage run on its own
    publishes its outputs when it ends, one run by ``build`` when the build ends."""
    started = time.perf_counter()
    if RunOptions.of(options).outputs is None:
        assets.forget()
        noop.forget(site.settings)  # a stage run alone changes what a build would replay
    with run_outputs(site.settings, options) as outputs, \
            executors.session(site.settings, options) as executor:
        if item.needs_valid_content and any(f.is_error for f in site.load_findings):
            result = blocked_by_content(site, item.name)
        else:
            run, _ = item.load()
            shared = argparse.Namespace(**{**vars(options), "outputs": outputs,
                                           "engine_executor": executor})
            result = run(site, shared)
        put_report(result, outputs, site.settings.root)
    result.run_stats["seconds"] = time.perf_counter() - started
    return result


def build_project(root: Path, config: Path | None, options: argparse.Namespace,
                  on_result: Callable[[StageResult], None] | None = None) -> Build:
    """``build`` over the project at ``root``: nothing is rebuilt when nothing it reads
    changed since the last build (``engine.noop``); ``options.force`` rebuilds all."""
    started = time.perf_counter()
    settings = load_settings(root, config)
    with collector.paused(), executors.session(settings, options, eager=True) as executor, \
            lock.holding(settings.path("cache")):  # the executor first: it writes nothing
        assets.forget()  # one scan of public/ per run
        return _build_project(settings, root, config,
                              executors.with_executor(options, executor), on_result, started)


def _build_project(settings: Settings, root: Path, config: Path | None,
                   options: argparse.Namespace,
                   on_result: Callable[[StageResult], None] | None, started: float) -> Build:
    force = RunOptions.of(options).force
    stamp = noop.inputs(settings, config or root / CONFIG_NAME,
                        (force, *clock.previews(), git_dates.stamp(settings),
                         getattr(options, "previous_sitemap", None)))
    if not force and (results := noop.replay(settings, stamp)) is not None:
        for result in results:
            if on_result:
                on_result(result)
        return Build(settings, results, {}, time.perf_counter() - started, replayed=True)
    from pipeline.content.load import load_site  # not needed when nothing changed

    loading = time.perf_counter()
    site, _ = load_site(settings, use_cache=not force)
    loaded = time.perf_counter() - loading
    changes: dict[str, FolderChanges] = {}
    results = build(site, options, on_result, changes)
    # a build whose output the clock will change (something scheduled) is never replayed
    noop.record(settings, None if clock.depends_on_clock(results) else stamp, results,
                {name: c.stats for name, c in changes.items() if c.stats})
    return Build(settings, results, changes, time.perf_counter() - started, load_seconds=loaded)


def build(site: Site, options: argparse.Namespace,
          on_result: Callable[[StageResult], None] | None = None,
          changes: dict[str, FolderChanges] | None = None) -> list[StageResult]:
    """Run every offline stage in order; stop after a stage with errors. Each output
    folder is published once, at the end, holding what the stages without errors made."""
    results: list[StageResult] = []
    with run_outputs(site.settings, options) as outputs:
        # build_results: the stages' results so far (``RunOptions.results``), which the
        # report stage reads instead of the files
        shared = argparse.Namespace(**{**vars(options), "outputs": outputs,
                                       "build_results": results})
        for item in STAGES:
            if not item.offline:
                continue
            result = run_stage(item, site, shared)
            results.append(result)
            if on_result:
                on_result(result)
            if result.errors:
                break
        _drop_reports_of_stages_not_run(outputs, {r.stage for r in results})
    if changes is not None:
        changes.update(outputs.changes)
    return results


def _drop_reports_of_stages_not_run(outputs: Outputs, ran: set[str]) -> None:
    """A build that stopped early leaves no report of the stages it did not reach, so
    ``reports/`` always describes this input, as a clean build of it would."""
    reports = outputs.folder("reports")
    for item in STAGES:
        if item.offline and item.name not in ran:
            outputs.replace("reports", item.name, {rel for rel in reports.current
                                                   if rel.split(".")[0] == item.name
                                                   or rel in item.reports})
