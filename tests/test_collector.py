"""Python's cycle collector is paused for a build and back on after it, also in worker
processes forked during the build."""

from __future__ import annotations

import argparse
import gc
from pathlib import Path

from sitetree import copy_bundled

from pipeline.core.model import StageResult
from pipeline.engine import collector, executors
from pipeline.runner import build_project


def test_paused_restores_the_collector_and_nests() -> None:
    assert gc.isenabled()
    with collector.paused():
        assert not gc.isenabled()
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block restores
    assert gc.isenabled()


def test_a_build_runs_without_cycle_collection_and_restores_it(tmp_path: Path) -> None:
    root = copy_bundled(tmp_path / "site")
    seen: list[bool] = []

    def on_result(result: StageResult) -> None:
        seen.append(gc.isenabled())

    options = argparse.Namespace(jobs=1, format="human", strict=False)
    build_project(root, None, options, on_result=on_result)
    assert seen and not any(seen)
    assert gc.isenabled()


def _collects(_shared: object, _item: int) -> bool:
    return gc.isenabled()


def test_a_worker_forked_during_a_build_collects() -> None:
    with collector.paused():
        assert list(executors.LocalExecutor(2).map(_collects, None, [1, 2, 3])) == [True] * 3
