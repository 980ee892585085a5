"""Check every unique target: internal ones offline, external ones concurrently.

External targets are answered from the cache when fresh (and, for links with a
fragment, when the page's ids were stored), otherwise checked by a thread pool of
``workers`` threads; ``HttpChecker`` caps requests per host. Hosts are interleaved in
the queue so that one slow host does not hold every worker. Results are written to
the cache from this (the calling) thread only.

``workers`` bounds requests in flight, not threads: a thread waiting out a backoff or a
``Retry-After`` holds no request slot, so the pool has ``THREADS_PER_WORKER`` times as
many threads and waits do not starve the others.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from itertools import chain, zip_longest

from pipeline.core.model import Site
from pipeline.core.urls import display, host_of
from pipeline.links import internal
from pipeline.links.cache import LinkCache
from pipeline.links.http import HttpChecker
from pipeline.links.policy import Policy
from pipeline.links.types import State, Target, Verdict

THREADS_PER_WORKER = 4


def check_all(site: Site, targets: list[Target], policy: Policy, cache: LinkCache | None,
              on_done: Callable[[Target], None] = lambda t: None) -> None:
    """Give every target a verdict (in place)."""
    pending = []
    for target in targets:
        if target.verdict is None:
            target.verdict = _without_network(site, target, policy, cache)
        if target.verdict is None:
            pending.append(target)
        else:
            on_done(target)
    if not pending:
        return
    checker = HttpChecker(policy)
    try:
        workers = max(1, min(policy.rules.workers * THREADS_PER_WORKER, len(pending)))
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="links")
        try:
            futures = {pool.submit(_check_one, checker, t, policy): t
                       for t in _interleave_hosts(pending)}
            for future in as_completed(futures):
                target = futures[future]
                target.verdict = future.result()
                if cache is not None:
                    cache.record(target.key, target.verdict)
                on_done(target)
        finally:  # on Ctrl-C, drop what has not started instead of checking it all
            pool.shutdown(wait=True, cancel_futures=True)
    finally:
        checker.close()


def _without_network(site: Site, target: Target, policy: Policy,
                     cache: LinkCache | None) -> Verdict | None:
    if target.internal:
        return internal.check(site, target)
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


def _check_one(checker: HttpChecker, target: Target, policy: Policy) -> Verdict:
    try:
        return checker.check(target.uri, _wants_anchors(target, policy))
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
