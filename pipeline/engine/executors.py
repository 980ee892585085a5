"""Executors: where the engine's independent work runs, behind one interface.

``local`` (the default) is a pool of forked processes on this machine; ``dask-local``
starts a Dask ``LocalCluster`` on loopback; ``dask://HOST:PORT`` uses an existing Dask
scheduler. Every executor maps one function over a list of items and yields the results
in item order, so what the client does with them (and so every output) does not depend on
the executor, on how many workers there are or on which worker ran what.

A task gets ``shared`` (what every item needs: settings, paths) once per worker process
and one item (a batch of work units). Dask tasks are retried on another worker when a
worker dies or a task fails (``RETRIES``).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import multiprocessing
import os
import signal
import socket
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

from pipeline.core.model import Finding, Severity
from pipeline.core.settings import CONFIG_NAME, ConfigError, Settings
from pipeline.engine.options import RunOptions

S = TypeVar("S")  # what every item needs (shared)
T = TypeVar("T")  # one item
R = TypeVar("R")  # one item's result
RETRIES = 3
CONNECT_TIMEOUT = 10.0  # seconds to reach a scheduler


class Executor(Protocol):
    """Maps a task over items; results come back in item order."""

    name: str
    files: str  # "shared": workers write outputs themselves; "return": they send the bytes

    def slots(self) -> int:
        """How many tasks can run at once (for sizing batches)."""

    def map(self, task: Callable[[S, T], R], shared: S, items: list[T]) -> Iterator[R]:
        """``task(shared, item)`` for every item, yielded in item order."""


_SHARED: object = None


def _init(shared: object) -> None:
    global _SHARED
    _orphan_guard()
    gc.enable()  # a worker forked during a build (``collector.paused``) collects as usual
    _SHARED = shared


# Any: the task takes the worker's _SHARED, the very value its map was given as shared.
def _call(task: Callable[[Any, T], R], item: T) -> R:
    return task(_SHARED, item)


def _orphan_guard() -> None:
    """A worker exits when the parent dies (kill -9 included), never lingering."""
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class LocalExecutor:
    """Forked worker processes on this machine (one per CPU by default)."""

    name = "local"
    files = "shared"

    def __init__(self, workers: int = 0):
        self.workers = workers or os.cpu_count() or 1

    def slots(self) -> int:
        return self.workers

    def map(self, task: Callable[[S, T], R], shared: S, items: list[T]) -> Iterator[R]:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=self.workers, mp_context=context,
                                 initializer=_init, initargs=(shared,)) as pool:
            yield from pool.map(_call, [task] * len(items), items)


class DaskExecutor:
    """A Dask cluster: an existing scheduler (``address``) or a ``LocalCluster``."""

    name = "dask"

    def __init__(self, address: str | None = None, workers: int = 2, files: str = "shared"):
        self.address = address
        self.workers = workers
        self.files = files  # "shared": workers write outputs; "return": they send bytes
        # Any: distributed ships no types (its calls are untyped), so its objects are Any.
        self._client: Any = None
        self._cluster: Any = None  # Any: a distributed LocalCluster, as above

    def connect(self) -> None:
        """Reach the scheduler (or start the local cluster); ``ConfigError`` if it fails."""
        if self._client is not None:
            return
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise _error("EXE002", "the dask executor needs Dask: pip install "
                         "'seo-pipeline[dask]'") from None
        if self.address is None:
            self._cluster = LocalCluster(  # type: ignore[no-untyped-call]  # distributed is untyped
                n_workers=self.workers, threads_per_worker=1, processes=True,
                host="127.0.0.1", dashboard_address=None)
            self._client = Client(self._cluster)  # type: ignore[no-untyped-call]  # as above
            return
        try:
            _reachable(self.address)
            self._client = Client(  # type: ignore[no-untyped-call]  # distributed is untyped
                self.address, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            raise _error("EXE001", f"cannot reach the Dask scheduler at {self.address}: "
                         f"{exc}") from None

    @property
    def client(self) -> Any:  # Any: a distributed Client (untyped, as above)
        self.connect()
        return self._client

    def slots(self) -> int:
        return max(1, int(sum(self.client.nthreads().values())))

    def map(self, task: Callable[[S, T], R], shared: S, items: list[T]) -> Iterator[R]:
        client = self.client
        shared_future = client.scatter(shared, broadcast=True, hash=False)
        futures = deque(client.submit(task, shared_future, item, pure=False, retries=RETRIES)
                        for item in items)
        try:
            while futures:  # a result read is released on the cluster at once
                yield futures.popleft().result()
        finally:
            client.cancel(list(futures))
            client.cancel(shared_future)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None


def _reachable(address: str) -> None:
    """Fail at once when nothing listens at the scheduler's address (``OSError``)."""
    parts = urlsplit(address)
    with socket.create_connection((parts.hostname or "", parts.port or 0),
                                  timeout=CONNECT_TIMEOUT):
        pass


def _error(code: str, message: str,
           hint: str = "start a scheduler (dask scheduler) and workers, or use --executor "
           "local") -> ConfigError:
    return ConfigError([Finding(CONFIG_NAME, 1, 1, code, Severity.ERROR, message, hint)])


def make(spec: str, jobs: int = 0, files: str = "shared") -> LocalExecutor | DaskExecutor:
    """The executor ``spec`` names (``local``, ``dask-local``, ``dask://HOST:PORT``)."""
    from pipeline.core.settings_rules import executor_problem

    if problem := executor_problem(spec):
        raise _error("CF107", f"--executor {problem}", "e.g. --executor dask://127.0.0.1:8786")
    if spec == "local":
        return LocalExecutor(jobs)
    if spec == "dask-local":
        return DaskExecutor(None, workers=jobs or 2, files=files)
    return DaskExecutor("tcp://" + spec.removeprefix("dask://"), files=files)


def spec_of(settings: Settings, options: object) -> str:
    """``--executor`` when given, else ``[build] executor``."""
    return RunOptions.of(options).executor_spec or settings.build.executor


@contextlib.contextmanager
def session(settings: Settings, options: object,
            eager: bool = False) -> Iterator[LocalExecutor | DaskExecutor]:
    """The run's executor (``options.engine_executor``), or one opened for this block. A
    cluster is reached when first used; with ``eager`` a scheduler is reached first."""
    run = RunOptions.of(options)
    if isinstance(run.executor, LocalExecutor | DaskExecutor):
        yield run.executor
        return
    executor = make(spec_of(settings, run), run.jobs, settings.build.dask_files)
    if eager and isinstance(executor, DaskExecutor) and executor.address is not None:
        executor.connect()
    try:
        yield executor
    finally:
        if isinstance(executor, DaskExecutor):
            executor.close()


def with_executor(options: argparse.Namespace, executor: object) -> argparse.Namespace:
    return argparse.Namespace(**{**vars(options), "engine_executor": executor})
