"""What may be checked and how: settings merged with flags, exclusions, address safety.

Content anyone may edit must not make CI probe its own network, so by default a target
whose host resolves to a non-global address (private, loopback, link-local, reserved;
``pipeline.net.addresses``) is refused; ``allow_private`` lifts that for local testing.
Exclusions come from ``[links] exclude``, ``--exclude`` and the project's ``.linkignore``.
"""

from __future__ import annotations

import argparse
import dataclasses
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.model import Finding, Severity
from pipeline.core.settings import ConfigError, LinksSection
from pipeline.core.settings_rules import PATTERN_HINT
from pipeline.links.patterns import Pattern, compile_patterns

CHECKED_SCHEMES = ("http", "https")
# Flag name on the command line -> LinksSection field it overrides.
OVERRIDES = {"workers": "workers", "per_host": "per_host", "timeout": "read_timeout",
             "max_cache_age": "max_cache_age", "max_redirects": "max_redirects",
             "retries": "retries", "user_agent": "user_agent"}


@dataclass(frozen=True)
class Policy:
    """Resolved link-checking policy (settings plus command-line overrides)."""

    rules: LinksSection
    exclude: tuple[Pattern, ...]
    use_cache: bool = True
    offline: bool = False

    @property
    def accept(self) -> frozenset[int]:
        return frozenset(self.rules.accept)

    def excluded(self, *forms: str) -> bool:
        return any(p.search(form) for p in self.exclude for form in forms)


IGNORE_FILE = ".linkignore"


def build_policy(rules: LinksSection, options: argparse.Namespace | None,
                 root: Path | None = None) -> Policy:
    """Merge flags and ``root/.linkignore`` into the ``[links]`` settings; a pattern RE2
    refuses raises ``ConfigError`` located at its line or option."""
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
    configured = _compile(rules.exclude, "site.toml", "links.exclude pattern")
    flagged = _compile(extra, "--exclude", "--exclude pattern")
    rules = dataclasses.replace(rules, **changes)
    ignored = read_ignore_file(root / IGNORE_FILE) if root is not None else ()
    return Policy(rules, configured + flagged + ignored,
                  use_cache=not getattr(options, "no_cache", False),
                  offline=bool(getattr(options, "offline", False)))


def read_ignore_file(path: Path) -> tuple[Pattern, ...]:
    """``.linkignore``: one regular expression per line; blank lines and lines starting
    with ``#`` are skipped, surrounding whitespace is dropped. Missing file: nothing."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([Finding(IGNORE_FILE, 1, 1, "CF101", Severity.ERROR,
                                   f"cannot read {IGNORE_FILE}: {exc}",
                                   "save it as UTF-8 text")]) from None
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1)]
    return compile_patterns(
        [(p, n) for n, p in lines if p and not p.startswith("#")],
        lambda pattern, line, reason: Finding(
            IGNORE_FILE, line, 1, "CF101", Severity.ERROR,
            f"{pattern!r} is not a regular expression RE2 accepts: {reason}", PATTERN_HINT))


def _compile(patterns: tuple[str, ...], where: str, what: str) -> tuple[Pattern, ...]:
    return compile_patterns(
        [(p, 1) for p in patterns],
        lambda pattern, line, reason: Finding(
            where, line, 1, "CF100", Severity.ERROR,
            f"{what} {pattern!r} is not a regular expression RE2 accepts: {reason}",
            PATTERN_HINT))
