"""urllib3 connections that connect only to addresses a ``Vetting`` approved.

The host name is never resolved again at connect time: the socket goes to one of the
vetted addresses (tried in order), and its peer is checked before the first byte (the
TLS ClientHello included) is written. The host name stays the connection's ``host``,
so the ``Host`` header, SNI and certificate checks are unchanged. Every socket a
request opens or reuses is attached to that request's ``deadline``.
"""

from __future__ import annotations

import socket
import sys
from typing import TYPE_CHECKING, Any

import urllib3
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util import connection

from pipeline.net import deadline
from pipeline.net.addresses import RefusedAddress, Vetting, non_global, parse_address

if TYPE_CHECKING:  # what the mixin is mixed into, for the type checker only
    _Connection = urllib3.connection.HTTPConnection
else:
    _Connection = object


class _Pinned(_Connection):
    """Mixin for urllib3's HTTP(S)Connection; ``vetting`` is set by ``pinned_adapter``."""

    vetting: Vetting

    def _new_conn(self) -> socket.socket:
        error: Exception | None = None
        for address in self.vetting.pinned(self.host, self.port):
            try:
                sock = connection.create_connection(
                    (address, self.port), self.timeout, source_address=self.source_address,
                    socket_options=self.socket_options)
            except TimeoutError as exc:
                error = ConnectTimeoutError(self, f"Connection to {self.host} timed out. "
                                                  f"(connect timeout={self.timeout})")
                error.__cause__ = exc
                continue
            except OSError as exc:
                error = NewConnectionError(self, f"Failed to establish a new connection: {exc}")
                error.__cause__ = exc
                continue
            _check_peer(sock, address, self.vetting.allow_private)
            deadline.attach(sock)
            sys.audit("http.client.connect", self, self.host, self.port)
            return sock
        assert error is not None
        raise error

    # Any: forwarded unchanged to urllib3's request, whose signature this override keeps.
    def request(self, *args: Any, **kwargs: Any) -> None:
        deadline.attach(self.sock)  # a reused connection joins this request's deadline
        super().request(*args, **kwargs)


def _check_peer(sock: socket.socket, pinned: str, allow_private: bool) -> None:
    peer = parse_address(sock.getpeername()[0])
    if peer is None or str(peer) != pinned or (not allow_private and non_global(peer)):
        sock.close()
        raise RefusedAddress(f"private-address {peer} (at connect)")


def pinned_adapter(vetting: Vetting, pool_connections: int = 10, pool_maxsize: int = 10,
                   max_retries: int = 0) -> HTTPAdapter:
    """A requests adapter whose pools connect only to ``vetting``'s addresses."""
    http = type("PinnedHTTPConnection", (_Pinned, urllib3.connection.HTTPConnection),
                {"vetting": vetting})
    https = type("PinnedHTTPSConnection", (_Pinned, urllib3.connection.HTTPSConnection),
                 {"vetting": vetting})
    pools = {"http": type("PinnedHTTPPool", (urllib3.HTTPConnectionPool,),
                          {"ConnectionCls": http}),
             "https": type("PinnedHTTPSPool", (urllib3.HTTPSConnectionPool,),
                           {"ConnectionCls": https})}

    class PinnedAdapter(HTTPAdapter):
        # Any: urllib3's pool arguments, forwarded unchanged (typed Any by requests' stubs).
        def init_poolmanager(self, *args: Any, **kw: Any) -> None:
            super().init_poolmanager(*args, **kw)
            self.poolmanager.pool_classes_by_scheme = pools

        # Any: urllib3's proxy manager arguments, forwarded unchanged (as requests types them).
        def proxy_manager_for(self, proxy: str, **kw: Any) -> urllib3.PoolManager:
            manager = super().proxy_manager_for(proxy, **kw)
            manager.pool_classes_by_scheme = pools
            return manager

    return PinnedAdapter(pool_connections=pool_connections, pool_maxsize=pool_maxsize,
                         max_retries=max_retries)
