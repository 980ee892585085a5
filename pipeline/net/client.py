"""A keep-alive HTTP(S) client straight over urllib3 pools that connect only to vetted
addresses (``pinning``), for callers that send many small requests.

requests' ``Session.request`` costs about as much CPU again as the urllib3 request under
it (request preparation, environment and cookie merging, a CA-bundle ``stat`` per
request), so this client builds its pools with requests' adapter (same TLS and proxy
handling) once per origin, then calls ``urlopen`` on them directly. Nothing is
retried or redirected here: callers decide (``pipeline.net.retry``).
"""

from __future__ import annotations

import threading
from typing import cast
from urllib.parse import urlsplit

import requests
import urllib3
from requests.utils import select_proxy

from pipeline.net.addresses import Vetting
from pipeline.net.pinning import pinned_adapter

Proxies = dict[str, str]


class PinnedClient:
    """Send one request and hand back the streaming urllib3 response."""

    def __init__(self, vetting: Vetting, headers: dict[str, str], verify: bool | str = True,
                 pool_maxsize: int = 10):
        self.headers = headers
        self.verify = verify
        self._adapter = pinned_adapter(vetting, pool_connections=100,
                                       pool_maxsize=max(4, pool_maxsize), max_retries=0)
        self._pools: dict[tuple[str, str, tuple[tuple[str, str], ...]],
                          tuple[urllib3.HTTPConnectionPool, bool]] = {}
        self._lock = threading.Lock()

    def open(self, method: str, url: str, proxies: Proxies, connect_timeout: float,
             read_timeout: float) -> urllib3.BaseHTTPResponse:
        """Send ``method url``; raises urllib3's exceptions (or ``RefusedAddress`` inside)."""
        parts = urlsplit(url)
        pool, absolute = self._pool(parts.scheme, parts.netloc, url, proxies)
        target = url.partition("#")[0] if absolute else \
            (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return pool.urlopen(method, target, headers=self.headers, redirect=False,
                            retries=False, preload_content=False, release_conn=False,
                            assert_same_host=False,
                            timeout=urllib3.Timeout(connect=connect_timeout, read=read_timeout))

    def _pool(self, scheme: str, netloc: str, url: str, proxies: Proxies
              ) -> tuple[urllib3.HTTPConnectionPool, bool]:
        key = (scheme, netloc, tuple(sorted(proxies.items())))
        entry = self._pools.get(key)
        if entry is None or entry[0].pool is None:  # new, or closed by the pool manager
            origin = requests.Request("GET", f"{scheme}://{netloc}/").prepare()
            with self._lock:
                # The stubs give urllib3's ConnectionPool base; the adapter's pools are
                # HTTP(S)ConnectionPools (pinning.pinned_adapter).
                pool = cast(urllib3.HTTPConnectionPool, self._adapter.get_connection_with_tls_context(
                    origin, self.verify, proxies, None))
            entry = (pool, bool(select_proxy(url, proxies)) and scheme == "http")
            self._pools[key] = entry
        return entry

    def reset(self) -> None:
        """Close every kept-alive connection; later requests connect anew."""
        self._adapter.close()
        self._pools.clear()

    def close(self) -> None:
        self.reset()
