"""Which addresses may be contacted, and names vetted once and then pinned.

Content anyone may edit must not make CI probe its own network. ``non_global`` refuses
every spelling of a loopback, private, link-local or reserved address, IPv6 forms that
embed an IPv4 address included: IPv4-mapped ``::ffff:a.b.c.d``, IPv4-compatible
``::a.b.c.d``, NAT64 ``64:ff9b::/96`` and ``64:ff9b:1::/48``, 6to4 ``2002::/16`` and
Teredo ``2001::/32`` (each judged by the IPv4 address it carries), plus site-local
``fec0::/10`` and unique-local ``fc00::/7``.

``Vetting`` resolves a host once per run, judges every address it got, and remembers
the result: connections then go only to those addresses (``pinning``), so a name that
resolves elsewhere later (DNS rebinding) never gets a byte sent to the new address.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[..., list[tuple]]  # socket.getaddrinfo's signature

_COMPATIBLE = ipaddress.ip_network("::/96")
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_SITE_LOCAL = ipaddress.ip_network("fec0::/10")
_UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")


def embedded_ipv4(address: Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries (mapped, compatible, NAT64, 6to4, Teredo)."""
    if address.version == 4:
        return []
    assert isinstance(address, ipaddress.IPv6Address)
    found = []
    low32 = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.ipv4_mapped is not None:
        found.append(address.ipv4_mapped)
    if address in _COMPATIBLE or any(address in net for net in _NAT64):
        found.append(low32)
    if address.sixtofour is not None:
        found.append(address.sixtofour)
    if address.teredo is not None:
        found.extend(address.teredo)
    return found


def non_global(address: Address) -> bool:
    """Whether ``address`` (in any spelling) is not a public Internet address."""
    if not address.is_global or address.is_multicast:
        return True
    if address.version == 6 and (address in _SITE_LOCAL or address in _UNIQUE_LOCAL):
        return True
    return any(non_global(inner) for inner in embedded_ipv4(address))


def parse_address(text: str) -> Address | None:
    """An IP literal (``[v6]``, zone ids dropped), or ``None`` for a host name."""
    try:
        return ipaddress.ip_address(text.strip("[]").split("%")[0])
    except ValueError:
        return None


class RefusedAddress(OSError):
    """A connection to an address that was not vetted, or not global, was refused."""


@dataclass(frozen=True)
class Vetted:
    """The outcome of vetting one host and port."""

    addresses: tuple[str, ...] = ()
    problem: str = ""  # "" | "dns" | "private-address <ip>"


class Vetting:
    """Resolve each host once, judge its addresses, remember them for ``pinned``."""

    def __init__(self, allow_private: bool, resolve: Resolver = socket.getaddrinfo):
        self.allow_private = allow_private
        self.resolve = resolve
        self._lock = threading.Lock()
        self._known: dict[tuple[str, int], Vetted] = {}

    def vet(self, host: str, port: int) -> Vetted:
        """Resolve and judge ``host`` (once per run)."""
        key = (host.lower().rstrip("."), port)
        with self._lock:
            known = self._known.get(key)
        if known is not None:
            return known
        vetted = self._judge(self._addresses(host, port))
        with self._lock:
            return self._known.setdefault(key, vetted)

    def allow(self, host: str, port: int) -> None:
        """Trust ``host`` without judging it (an operator-configured proxy)."""
        key = (host.lower().rstrip("."), port)
        with self._lock:
            if key in self._known:
                return
        addresses = self._addresses(host, port)
        with self._lock:
            self._known.setdefault(key, Vetted(tuple(str(a) for a in addresses or ())))

    def pinned(self, host: str, port: int) -> tuple[str, ...]:
        """The vetted addresses of ``host``; ``RefusedAddress`` when it was not vetted."""
        with self._lock:
            vetted = self._known.get((host.lower().rstrip("."), port))
        if vetted is None or vetted.problem or not vetted.addresses:
            raise RefusedAddress(f"unvetted-address {host}")
        return vetted.addresses

    def _addresses(self, host: str, port: int) -> list[Address] | None:
        literal = parse_address(host)
        if literal is not None:
            return [literal]
        try:
            infos = self.resolve(host, port, proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError):
            return None
        found: list[Address] = []
        for info in infos:
            address = parse_address(str(info[4][0]))
            if address is not None and address not in found:
                found.append(address)
        return found or None

    def _judge(self, addresses: list[Address] | None) -> Vetted:
        if addresses is None:
            return Vetted(problem="dns")
        if not self.allow_private:
            for address in addresses:
                if non_global(address):
                    return Vetted(problem=f"private-address {address}")
        return Vetted(tuple(str(a) for a in addresses))
