"""Check every unique target: internal ones offline, external ones concurrently.

External targets are answered from the cache when fresh (and, for links with a
fragment, when the page's ids were stored), otherwise checked over HTTP: in this
process for a few hundred URLs, else in one worker process per core (``shards``).
Each process runs ``THREADS_PER_WORKER`` threads per request slot: a thread waiting out
a backoff or a ``Retry-After`` holds no slot, so waits do not starve the others. Hosts
are interleaved in the queue so that one slow host does not hold every thread. Results
are written to the cache from the calling thread only, ``CACHE_BATCH`` per transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from itertools import chain, zip_longest
from typing import TYPE_CHECKING

from pipeline.core.model import Site
from pipeline.core.urls import display, host_of
from pipeline.engine.executors import Executor
from pipeline.links import internal, shards
from pipeline.links.cache import LinkCache
from pipeline.links.policy import Policy
from pipeline.links.types import State, Target, Verdict

if TYPE_CHECKING:
    from pipeline.links.http import HttpChecker

THREADS_PER_WORKER = 4
CACHE_BATCH = 200  # results per cache transaction


def check_all(site: Site, targets: list[Target], policy: Policy, cache: LinkCache | None,
              on_done: Callable[[Target], None] = lambda t: None, jobs: int | None = None,
              check_internal: Callable[[Target], Verdict] | None = None,
              executor: Executor | None = None) -> None:
    """Give every target a verdict (in place); ``jobs`` processes (default: per core), or
    shards on a Dask ``executor`` (default: one per worker slot).

    ``check_internal`` judges internal targets (default: against the loaded site)."""
    judge = check_internal or (lambda target: internal.check(site, target))
    pending = []
    for target in targets:
        if target.verdict is None:
            target.verdict = _without_network(judge, target, policy, cache)
        if target.verdict is None:
            pending.append(target)
        else:
            on_done(target)
    if not pending:
        return
    order = _interleave_hosts(pending)
    items = [(i, t.uri, _wants_anchors(t, policy)) for i, t in enumerate(order)]

    unsaved: list[tuple[str, Verdict]] = []

    def record(index: int, verdict: Verdict) -> None:
        target = order[index]
        target.verdict = verdict
        unsaved.append((target.key, verdict))
        if cache is not None and len(unsaved) >= CACHE_BATCH:
            cache.record_many(unsaved)
            unsaved.clear()
        on_done(target)

    distributed = executor is not None and executor.name == "dask"
    count = shards.processes_for(len(items), jobs)
    if distributed:
        assert executor is not None
        count = jobs or max(1, min(executor.slots(), len(items) // shards.MIN_PER_PROCESS))
    try:
        if distributed:
            assert executor is not None
            shards.run_on(executor, policy, shards.plan(items, count), check_shard, record)
        elif count == 1:
            check_shard(policy, shards.Shard(items), record)
        else:
            shards.run(policy, shards.plan(items, count), check_shard, record)
    finally:  # what was checked before an interruption is kept too
        if cache is not None:
            cache.record_many(unsaved)


def check_shard(policy: Policy, shard: shards.Shard,
                on_result: Callable[[int, Verdict], None]) -> None:
    """Check one shard's URLs with a thread pool; ``on_result`` runs on this thread."""
    from pipeline.links.http import HttpChecker  # requests and urllib3: only when needed

    workers = max(1, -(-policy.rules.workers // shard.processes))  # ceil: a share each
    checker = HttpChecker(policy, workers=workers, share=shard.share)
    try:
        threads = max(1, min(workers * THREADS_PER_WORKER, len(shard.items)))
        pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="links")
        try:
            futures = {pool.submit(_check_one, checker, uri, want): index
                       for index, uri, want in shard.items}
            for future in as_completed(futures):
                on_result(futures[future], future.result())
        finally:  # on Ctrl-C, drop what has not started instead of checking it all
            pool.shutdown(wait=True, cancel_futures=True)
    finally:
        checker.close()


def _without_network(judge: Callable[[Target], Verdict], target: Target, policy: Policy,
                     cache: LinkCache | None) -> Verdict | None:
    if target.internal:
        return judge(target)
    if policy.excluded(target.uri, display(target.uri)):
        return Verdict(State.EXCLUDED, detail="exclude pattern")
    if policy.offline:
        return Verdict(State.SKIPPED, detail="offline")
    if cache is not None:
        cached = cache.get(target.key)
        if cached is not None and (not _wants_anchors(target, policy) or
                                   cached.anchors is not None):
            return cached
    return None


def _check_one(checker: HttpChecker, uri: str, want_anchors: bool) -> Verdict:
    try:
        return checker.check(uri, want_anchors)
    except Exception as exc:  # noqa: BLE001 - one bad target must not stop the others
        return Verdict(State.NETWORK, detail=f"network ({type(exc).__name__}: {exc})")


def _wants_anchors(target: Target, policy: Policy) -> bool:
    return policy.rules.check_fragments and bool(target.fragments)


def _interleave_hosts(targets: list[Target]) -> list[Target]:
    by_host: dict[str, list[Target]] = defaultdict(list)
    for target in targets:
        by_host[host_of(target.uri)].append(target)
    rounds = zip_longest(*by_host.values())
    return [t for t in chain.from_iterable(rounds) if t is not None]
