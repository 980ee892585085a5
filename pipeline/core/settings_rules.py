"""Rules for ``site.toml`` values beyond their types: the site origin, the URL pattern,
numeric bounds and the folders. Each returns problems as text; ``settings`` locates them.

Codes: CF101 required section or key missing, CF102 ``base_url``, CF103 ``url_pattern``,
CF104 number out of bounds, CF105 folders overlapping or outside the project,
CF106 ``site.toml`` not readable as UTF-8 text, CF107 a ``[build]`` executor or file mode
that does not exist, CF108 a ``SEO_PIPELINE_NOW`` that is not a date (``core.clock``),
CF112 a ``[feeds]`` content or format, or a ``[tags]`` name, that cannot be used.
"""

from __future__ import annotations

import argparse
import ipaddress
import math
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from string import Formatter
from urllib.parse import quote, urlsplit

import idna

PLACEHOLDERS = ("locale", "slug")
INPUT_FOLDERS = ("content", "public", "locales")
OUTPUT_FOLDERS = ("output", "sitemap", "reports", "cache")
_HOST = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?")
_PATH_SAFE = "/%-._~!$&'()*+,;=:@"


@dataclass(frozen=True)
class Bound:
    """Allowed range of a number: ``low <= x`` (or ``low < x`` when ``open_low``) and ``x <= high``."""

    low: float | None = None
    high: float | None = None
    open_low: bool = False

    def problem(self, value: float) -> str:
        if isinstance(value, float) and not math.isfinite(value):
            return "must be a finite number"
        if self.low is not None and (value <= self.low if self.open_low else value < self.low):
            return f"must be {'greater than' if self.open_low else 'at least'} {_num(self.low)}"
        if self.high is not None and value > self.high:
            return f"must be at most {_num(self.high)}"
        return ""


def _num(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else str(value)


def positive(high: float | None = None) -> Bound:
    return Bound(0, high, open_low=True)


def at_least(low: float, high: float | None = None) -> Bound:
    return Bound(low, high)


_OVERRIDE = re.compile(r"\s*([a-z0-9-]+)\s*:\s*([a-z_]+)\s*=\s*([-+]?[0-9]+(?:\.[0-9]+)?)\s*")


def parse_override(entry: str) -> tuple[str, str, float] | None:
    """``"ar:sentence_words_max=25"`` -> ``("ar", "sentence_words_max", 25.0)``, or None."""
    match = _OVERRIDE.fullmatch(entry)
    return (match[1], match[2], float(match[3])) if match else None


def override_problems(entries: tuple[str, ...], locales: set[str],
                      bounds: dict[str, Bound]) -> list[tuple[str, str]]:
    """``(problem, code)`` per per-locale override entry that is malformed (CF100), names
    an unknown locale or key (CF100) or leaves its key's bounds (CF104)."""
    problems = []
    for entry in entries:
        parsed = parse_override(entry)
        if parsed is None:
            problems.append((f"override {entry!r} is not '<locale>:<key>=<number>'", "CF100"))
        elif parsed[0] not in locales:
            problems.append((f"override {entry!r}: locale '{parsed[0]}' is not configured",
                             "CF100"))
        elif parsed[1] not in bounds:
            problems.append((f"override {entry!r}: unknown key '{parsed[1]}' (known: "
                             f"{', '.join(sorted(bounds))})", "CF100"))
        elif problem := bounds[parsed[1]].problem(parsed[2]):
            problems.append((f"override {entry!r}: '{parsed[1]}' {problem}", "CF104"))
    return problems


JOBS_PER_CORE = 4  # worker processes a command line may ask for, per usable CPU core
PORT = at_least(0, 65_535)  # serve --port (0: any free port)


def cores() -> int:
    """CPU cores this process may run on (its affinity mask, else the machine's count)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def jobs_bound(auto: bool) -> Bound:
    """``--jobs``: at most ``JOBS_PER_CORE`` processes per core; 0 (one per core) when
    ``auto``, else at least 1."""
    return at_least(0 if auto else 1, JOBS_PER_CORE * cores())


@dataclass(frozen=True)
class NumberOption:
    """An argparse ``type`` for a number flag: parsed as ``kind`` and held to ``bound``,
    the very bound of the ``site.toml`` key it overrides. Any problem is an
    ``ArgumentTypeError``, which argparse reports naming the option (exit 2)."""

    kind: type[int] | type[float]
    bound: Bound
    key: str = ""  # the site.toml key it overrides ('' when it has none)

    def __call__(self, text: str) -> int | float:
        try:
            value = self.kind(text)
        except (ValueError, OverflowError):
            wanted = "a whole number" if self.kind is int else "a number"
            raise argparse.ArgumentTypeError(f"must be {wanted}, got {text!r}") from None
        if problem := self.bound.problem(value):
            also = f" (as {self.key} in site.toml)" if self.key else ""
            raise argparse.ArgumentTypeError(f"{problem}{also}, got {text!r}")
        return value


PATTERN_HINT = ("patterns use RE2 syntax: no backreferences (\\1) and no lookaround "
               "((?=...), (?!...), (?<=...), (?<!...)); escape literal characters with '\\'")


def pattern_problem(pattern: str) -> str:
    """Why RE2 refuses a user's regular expression ('' when it compiles)."""
    from pipeline.links.patterns import compile_one  # the one compiler of user patterns

    return compile_one(pattern)[1]


def _invisible(text: str) -> bool:
    return any(c.isspace() or unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn")
               for c in text)


def origin(base_url: str) -> tuple[str, str]:
    """``base_url`` normalised (IDN host as punycode, lower-case), or ('', why not)."""
    if _invisible(base_url):
        return "", "must not contain whitespace or control characters"
    try:
        parts = urlsplit(base_url)
        host = parts.hostname or ""
    except ValueError as exc:  # 'https://[' (an unclosed IPv6 literal)
        return "", f"is not a valid URL: {exc}"
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return "", "must be an absolute http(s) URL such as https://example.org"
    if "?" in base_url or "#" in base_url:
        return "", "must not have a query or fragment"
    if "@" in parts.netloc:
        return "", "must not contain user info (user:password@)"
    try:
        port = parts.port
    except ValueError:
        return "", "has an invalid port"
    if ":" in host:
        try:
            host = f"[{ipaddress.IPv6Address(host).compressed}]"
        except ValueError:
            return "", f"has an invalid IPv6 address {host!r}"
    elif not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError as exc:
            return "", f"has a host that is not a valid internationalised domain name: {exc}"
    elif not _HOST.fullmatch(host.lower()):
        return "", f"has an invalid host name {host!r}"
    netloc = host.lower() + (f":{port}" if port is not None else "")
    path = quote(parts.path, safe=_PATH_SAFE)
    return f"{parts.scheme.lower()}://{netloc}{path}", ""


def url_pattern_problem(pattern: str) -> str:
    """Why ``pattern`` cannot build page paths, or ''."""
    if not pattern.startswith("/"):
        return "must start with '/'"
    if _invisible(pattern) or any(c in pattern for c in "?#\\"):
        return "must not contain whitespace, control characters, '?', '#' or '\\'"
    try:
        parsed = list(Formatter().parse(pattern))
    except ValueError as exc:
        return f"is not a valid pattern: {exc}"
    names = []
    for literal, name, spec, conversion in parsed:
        if "{" in literal or "}" in literal:
            return "must not contain literal braces"
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            shown = "{" + name + (f"!{conversion}" if conversion else "") + \
                    (f":{spec}" if spec else "") + "}"
            return (f"may use only {{locale}} and {{slug}}, without format specs or attribute "
                    f"access; got {shown}")
        names.append(name)
    if "slug" not in names:
        return "must contain {slug}"
    if ".." in pattern.split("/") or "." in pattern.split("/"):
        return "must not contain '.' or '..' segments"
    return ""


def folder_problems(root: Path, folders: dict[str, str]) -> dict[str, str]:
    """``[paths]`` key -> problem: outside the project, or an output overlapping another folder."""
    resolved = {key: (root / value).resolve() for key, value in folders.items()}
    problems: dict[str, str] = {}
    for key, path in resolved.items():
        if path == root or root not in path.parents:
            problems[key] = (f"'{folders[key]}' must be a folder inside the project (symlinks "
                             "followed), not the project itself or outside it")
    for key in OUTPUT_FOLDERS:
        if key not in resolved or key in problems:
            continue
        mine = resolved[key]
        for other, path in resolved.items():
            if other == key or other in problems:
                continue
            if mine == path or path in mine.parents or mine in path.parents:
                problems[key] = (f"'{folders[key]}' overlaps paths.{other} ('{folders[other]}'): "
                                 "an output folder must be a folder of its own")
                break
    return problems


def decode_problem(raw: bytes) -> tuple[str, int, int]:
    """('', 0, 0) when ``raw`` is UTF-8, else (message, line, col) of the first bad byte."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return f"site.toml is not UTF-8 (byte 0x{raw[exc.start]:02X})", line, col
    return "", 0, 0


def line_of(text: str, section: str, key: str) -> int:
    """Line of ``key`` inside ``[section]``; ``locales[2]`` is the third ``[[locales]]`` table.

    TOML parsers give no positions; this finds the table's header, then the key before
    the next header, and falls back to the header line.
    """
    lines = text.splitlines()
    head, _, index = section.partition("[")
    nth = int(index.rstrip("]")) if index.rstrip("]").isdigit() else 0
    start = 0
    if head:
        headers = [i for i, line in enumerate(lines)
                   if re.match(rf"\s*\[+\s*{re.escape(head)}\s*\]+", line)]
        if headers:
            start = headers[min(nth, len(headers) - 1)]
    for i in range(start, len(lines)):
        if i > start and head and re.match(r"\s*\[", lines[i]):
            break
        if re.match(rf"\s*{re.escape(key)}\s*=", lines[i]) or re.match(
            rf"\s*\[+\s*{re.escape(key)}\s*\]+", lines[i]
        ):
            return i + 1
    return start + 1


EXECUTORS = ("local", "dask-local", "dask://HOST:PORT")
DASK_FILES = ("shared", "return")


def executor_problem(spec: str) -> str:
    """Why ``spec`` names no executor ('' when it does): local, dask-local, dask://HOST:PORT."""
    if spec in ("local", "dask-local"):
        return ""
    if spec.startswith("dask://"):
        parts = urlsplit("tcp://" + spec.removeprefix("dask://"))
        try:
            port = parts.port
        except ValueError:
            port = None
        if parts.hostname and port and not parts.path and not parts.query:
            return ""
    return f"must be one of {', '.join(EXECUTORS)}, got {spec!r}"


LASTMOD_SOURCES = ("front-matter", "git")


def build_problems(executor: str, dask_files: str,
                   lastmod: str = "front-matter") -> dict[str, str]:
    """The ``[build]`` keys with a problem, and the problem."""
    problems = {}
    if lastmod not in LASTMOD_SOURCES:
        problems["lastmod"] = f"must be one of {', '.join(LASTMOD_SOURCES)}, got {lastmod!r}"
    if problem := executor_problem(executor):
        problems["executor"] = problem
    if dask_files not in DASK_FILES:
        problems["dask_files"] = f"must be one of {', '.join(DASK_FILES)}, got {dask_files!r}"
    return problems


FEED_FORMATS = ("atom", "rss", "json")
FEED_CONTENT = ("summary", "full")


def tag_name_parts(entry: str) -> tuple[str, str, str] | None:
    """``"ar:laser=ليزر"`` -> ``("ar", "laser", "ليزر")``; None when malformed."""
    locale, colon, rest = entry.partition(":")
    tag, equals, name = rest.partition("=")
    if not (colon and equals and locale.strip() and tag.strip() and name.strip()):
        return None
    return locale.strip(), unicodedata.normalize("NFC", tag.strip()), \
        unicodedata.normalize("NFC", name.strip())


def listing_problems(content: str, formats: tuple[str, ...], names: tuple[str, ...],
                     locales: list[str]) -> list[tuple[str, str, str]]:
    """Problems of ``[feeds] content``/``formats`` and ``[tags] names`` as
    (section, key, message)."""
    problems = []
    if content not in FEED_CONTENT:
        problems.append(("feeds", "content", f"must be one of {', '.join(FEED_CONTENT)}, "
                         f"got {content!r}"))
    for fmt in formats:
        if fmt not in FEED_FORMATS:
            problems.append(("feeds", "formats", f"lists unknown format {fmt!r} (known: "
                             f"{', '.join(FEED_FORMATS)})"))
    if len(set(formats)) != len(formats):
        problems.append(("feeds", "formats", "lists a format twice"))
    seen: set[tuple[str, str]] = set()
    for entry in names:
        parts = tag_name_parts(entry)
        if parts is None:
            problems.append(("tags", "names", f"entry {entry!r} is not LOCALE:TAG=NAME "
                             "(e.g. \"ar:laser=ليزر\")"))
        elif parts[0] not in locales:
            problems.append(("tags", "names", f"entry {entry!r} names unknown locale "
                             f"{parts[0]!r}"))
        elif parts[:2] in seen:
            problems.append(("tags", "names", f"entry {entry!r} names tag {parts[1]!r} "
                             f"of locale {parts[0]!r} twice"))
        else:
            seen.add(parts[:2])
    return problems


def rule_parts(rule: str) -> tuple[str, str] | None:
    """``"OLD NEW"`` of ``[redirects] rules`` as its two paths, or None."""
    parts = rule.split()
    return (parts[0], parts[1]) if len(parts) == 2 else None


def redirect_problems(section: dict[str, object]) -> list[tuple[str, str]]:
    """Problems of ``[redirects]`` as (key, message): rules of two site paths, gone
    paths, output file names inside the output folder."""
    from pipeline.redirects.paths import alias_problem

    problems = []
    for rule in section["rules"]:  # type: ignore[attr-defined]  # a tuple of str (checked)
        parts = rule_parts(rule)
        if parts is None:
            problems.append(("rules", f"entry {rule!r} is not \"OLD NEW\" (two site paths)"))
            continue
        problems += [("rules", f"entry {rule!r}: {p!r} {why}")
                     for p in parts if (why := alias_problem(p))]
    problems += [("gone", f"entry {p!r} {why}") for p in section["gone"]  # type: ignore[attr-defined]  # a tuple of str (checked)
                 if (why := alias_problem(p))]
    for key in ("netlify", "nginx_map"):
        name = str(section[key])
        if name and (name.startswith("/") or "\\" in name
                     or any(s in ("", ".", "..") for s in name.split("/"))):
            problems.append((key, f"{name!r} must be a file path inside the output folder "
                             "(relative, no '..'), or \"\" for none"))
    previous = str(section["previous"])
    if previous and "://" in previous and urlsplit(previous).scheme not in ("http", "https"):
        problems.append(("previous", f"{previous!r} must be a path or an http(s) URL"))
    return problems
