"""The engine's command-line options, typed, read from a command's arguments in one place.

``RunOptions.of(args)`` is the only reader of these names on an ``argparse.Namespace``
(or any object): stages and the engine take the typed fields instead of ``getattr``.
``add_arguments`` defines ``--jobs`` and ``--executor`` for ``build`` and the stages that
run work units, with the bounds of ``core.settings_rules`` (importing no stage).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.core.settings_rules import JOBS_PER_CORE, NumberOption, jobs_bound

if TYPE_CHECKING:
    from pipeline.core.model import StageResult
    from pipeline.engine.executors import Executor
    from pipeline.engine.outputs import Outputs


@dataclass(frozen=True)
class RunOptions:
    """What a run of the engine takes from the command line, and what a build shares
    with the stages it runs (its ``Outputs`` and its executor)."""

    jobs: int = 0  # worker processes; 0: one per CPU
    force: bool = False  # trust no cache
    executor_spec: str | None = None  # --executor: local, dask-local, dask://HOST:PORT
    outputs: Outputs | None = None  # the build's shared output folders, when in a build
    executor: Executor | None = None  # the build's executor, when in a build
    # the results of the build's stages so far (the report stage reads them, not the files)
    results: tuple[StageResult, ...] = ()

    @classmethod
    def of(cls, args: object) -> RunOptions:
        if isinstance(args, RunOptions):
            return args
        jobs = getattr(args, "jobs", 0)
        return cls(jobs=jobs if isinstance(jobs, int) else 0,
                   force=bool(getattr(args, "force", False)),
                   executor_spec=getattr(args, "executor", None),
                   outputs=getattr(args, "outputs", None),
                   executor=getattr(args, "engine_executor", None),
                   results=tuple(getattr(args, "build_results", None) or ()))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--jobs`` and ``--executor``."""
    parser.add_argument("--jobs", type=NumberOption(int, jobs_bound(auto=True)), default=0,
                        help="worker processes (default, 0: one per CPU; dask-local: 2; at "
                        f"most {JOBS_PER_CORE} per CPU)")
    parser.add_argument("--executor", default=None, metavar="SPEC",
                        help="where work units run: local (default), dask-local (a local "
                        "Dask cluster) or dask://HOST:PORT (default: [build] executor)")
