"""External targets checked by worker processes, each with a share of the hosts.

The request phase is bound by CPU (Python per request), so it runs in one forked process
per core, each with its own thread pool, connection pools and per-host limits. Hosts
are dealt out whole (largest first, to the least loaded process); a host holding more
than a process's fair share of the URLs is split across every process instead, and each
then gets ``1/n`` of that host's ``per_host`` ceiling and ``rate_per_host``, so the host
never sees more than the ceiling from the run as a whole. Workers report each verdict
as one JSON message over a pipe as soon as it is known; the parent alone touches the
cache and the progress bar. No pickle crosses the pipe.

On a Dask cluster (``run_on``) the same plan is dealt to the cluster's worker slots: each
shard is one task holding its hosts whole (or its ``1/n`` share of a split host), so a
host's limits hold across the cluster; a shard's verdicts come back when it ends and only
the client writes the cache. A shard whose worker dies runs again on another worker.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait

from pipeline.core.urls import host_of
from pipeline.engine.executors import Executor
from pipeline.links.policy import Policy
from pipeline.links.types import State, Verdict

Item = tuple[int, str, bool]  # (index, uri, want_anchors)
MIN_PER_PROCESS = 150  # fewer URLs than this per process: not worth a fork


@dataclass
class Shard:
    """One process's work: its items and how many processes share each host."""

    items: list[Item] = field(default_factory=list)
    share: dict[str, int] = field(default_factory=dict)  # hosts split across processes
    processes: int = 1  # how many processes run at once (they share ``workers``)


def processes_for(count: int, jobs: int | None) -> int:
    """How many processes check ``count`` URLs (``jobs`` from the command line wins)."""
    if jobs is not None:
        return max(1, jobs)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else \
        (os.cpu_count() or 1)
    return max(1, min(cores, count // MIN_PER_PROCESS))


def plan(items: list[Item], n: int) -> list[Shard]:
    """Deal ``items`` out to ``n`` shards by host; see the module docstring."""
    by_host: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_host[host_of(item[1])].append(item)
    shards = [Shard(processes=n) for _ in range(n)]
    fair = len(items) / n
    for host, group in sorted(by_host.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        if len(group) > fair and n > 1:
            for i, shard in enumerate(shards):
                shard.items += group[i::n]
                shard.share[host] = n
        else:
            shard = min(shards, key=lambda s: len(s.items))
            shard.items += group
    return [s for s in shards if s.items]


def run(policy: Policy, shards: list[Shard],
        check: Callable[[Policy, Shard, Callable[[int, Verdict], None]], None],
        on_result: Callable[[int, Verdict], None]) -> None:
    """Run ``check`` on every shard in its own forked process; results stream back."""
    context = multiprocessing.get_context("fork")
    workers: dict[Connection, multiprocessing.process.BaseProcess] = {}
    reader: object  # a pipe's end, then each end wait() says is ready
    proc: multiprocessing.process.BaseProcess
    expected: dict[Connection, set[int]] = {}
    try:
        for shard in shards:
            reader, writer = context.Pipe(duplex=False)
            proc = context.Process(target=_child, args=(writer, policy, shard, check),
                                   daemon=True)
            proc.start()
            writer.close()
            workers[reader] = proc
            expected[reader] = {item[0] for item in shard.items}
        open_readers = list(workers)
        while open_readers:
            for reader in wait(open_readers):
                assert isinstance(reader, Connection)
                try:
                    index, data = json.loads(reader.recv_bytes())
                except (EOFError, OSError):
                    open_readers.remove(reader)
                    continue
                expected[reader].discard(index)
                on_result(index, Verdict.from_dict(data))
        for reader, missing in expected.items():  # a process that died: say so per URL
            for index in sorted(missing):
                on_result(index, Verdict(State.NETWORK, detail="network (checker process "
                                         f"exited with {workers[reader].exitcode})"))
    finally:
        for proc in workers.values():
            if proc.is_alive():
                proc.terminate()
            proc.join(timeout=5)


def run_on(executor: Executor, policy: Policy, shards: list[Shard],
           check: Callable[[Policy, Shard, Callable[[int, Verdict], None]], None],
           on_result: Callable[[int, Verdict], None]) -> None:
    """Run ``check`` on every shard as one task of ``executor``; verdicts by shard."""
    for verdicts in executor.map(_collected, (policy, check), shards):
        for index, data in verdicts:
            on_result(index, Verdict.from_dict(data))


def _collected(shared: tuple[Policy, Callable[..., None]], shard: Shard,
               ) -> list[tuple[int, dict[str, object]]]:
    policy, check = shared
    verdicts: list[tuple[int, dict[str, object]]] = []
    check(policy, shard, lambda index, verdict: verdicts.append((index, verdict.to_dict())))
    return verdicts


def _child(writer: Connection, policy: Policy, shard: Shard,
           check: Callable[[Policy, Shard, Callable[[int, Verdict], None]], None]) -> None:
    def send(index: int, verdict: Verdict) -> None:
        writer.send_bytes(json.dumps([index, verdict.to_dict()]).encode())

    code = 0
    try:
        check(policy, shard, send)
    except BaseException:  # noqa: BLE001 - the parent reports the URLs left unanswered
        code = 1
    finally:
        writer.close()
        os._exit(code)  # no atexit handlers or finalizers of the parent's objects
