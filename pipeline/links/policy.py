"""What may be checked and how: settings merged with flags, exclusions, address safety.

Content anyone may edit must not make CI probe its own network, so by default a target
whose host resolves to a non-global address (private, loopback, link-local, reserved)
is refused; ``allow_private`` lifts that for local testing.
"""

from __future__ import annotations

import argparse
import dataclasses
import ipaddress
import re
import socket
from dataclasses import dataclass

from pipeline.core.model import Finding, Severity
from pipeline.core.settings import ConfigError, LinksSection

CHECKED_SCHEMES = ("http", "https")
# Flag name on the command line -> LinksSection field it overrides.
OVERRIDES = {"workers": "workers", "per_host": "per_host", "timeout": "read_timeout",
             "max_cache_age": "max_cache_age", "max_redirects": "max_redirects",
             "retries": "retries", "user_agent": "user_agent"}


@dataclass(frozen=True)
class Policy:
    """Resolved link-checking policy (settings plus command-line overrides)."""

    rules: LinksSection
    exclude: tuple[re.Pattern[str], ...]
    use_cache: bool = True
    offline: bool = False

    @property
    def accept(self) -> frozenset[int]:
        return frozenset(self.rules.accept)

    def excluded(self, *forms: str) -> bool:
        return any(p.search(form) for p in self.exclude for form in forms)


def build_policy(rules: LinksSection, options: argparse.Namespace | None) -> Policy:
    """Merge flags into the ``[links]`` settings; a bad pattern raises ``ConfigError``."""
    changes = {}
    for flag, name in OVERRIDES.items():
        value = getattr(options, flag, None)
        if value is not None:
            changes[name] = value
    if "read_timeout" in changes:
        changes["connect_timeout"] = min(rules.connect_timeout, changes["read_timeout"])
    if getattr(options, "allow_private", False):
        changes["allow_private"] = True
    extra = tuple(getattr(options, "exclude", None) or ())
    if extra:
        changes["exclude"] = rules.exclude + extra
    rules = dataclasses.replace(rules, **changes)
    return Policy(rules, _compile(rules.exclude), use_cache=not getattr(options, "no_cache", False),
                  offline=bool(getattr(options, "offline", False)))


def _compile(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    compiled, problems = [], []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            problems.append(Finding("site.toml", 1, 1, "CF100", Severity.ERROR,
                                    f"links.exclude pattern {pattern!r} is not a valid regular "
                                    f"expression: {exc}", "fix the pattern"))
    if problems:
        raise ConfigError(problems)
    return tuple(compiled)


def non_global_address(host: str, port: int) -> str | None:
    """The first non-global address ``host`` resolves to, or ``None``.

    Raises ``socket.gaierror`` when the name does not resolve.
    """
    try:
        addresses = [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    for address in addresses:
        mapped = getattr(address, "ipv4_mapped", None)
        if not address.is_global or (mapped is not None and not mapped.is_global):
            return str(address)
    return None
