"""``site.toml`` -> frozen, typed ``Settings``.

Every section is a frozen dataclass; one generic reader checks each key against the
dataclass's annotations, rejects unknown keys and wrong types, and collects every
problem as a located ``Finding`` (code ``CF1xx``) instead of stopping at the first.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar, get_args, get_origin, get_type_hints

from babel import Locale as BabelLocale
from babel import UnknownLocaleError

from pipeline import __version__
from pipeline.core import settings_rules as rules
from pipeline.core.model import Finding, Locale, Severity
from pipeline.core.settings_rules import Bound, NumberOption, at_least, positive

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

CONFIG_NAME = "site.toml"
MAX_CONFIG_BYTES = 1024 * 1024
REQUIRED: dict[str, tuple[str, ...]] = {"site": ("name", "base_url")}
_D = TypeVar("_D", bound="DataclassInstance")


class _Err(Protocol):
    """How the readers report a problem: ``parse_settings``'s ``err``."""

    def __call__(self, section: str, key: str, message: str, hint: str = "",
                 code: str = "CF100") -> None: ...


class ConfigError(Exception):
    """Raised by ``load_settings`` with every problem found in the configuration."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("; ".join(f"{f.path}:{f.line}: {f.message}" for f in findings))


@dataclass(frozen=True)
class SiteSection:
    name: str = ""  # required
    base_url: str = ""  # required: an origin with an optional path
    url_pattern: str = "/{locale}/{slug}/"
    x_default: str = "en"
    publisher: str = ""
    publisher_logo: str = ""
    twitter_site: str = ""


@dataclass(frozen=True)
class PathsSection:
    content: str = "content"
    public: str = "public"
    locales: str = "locales"
    output: str = "dist"
    sitemap: str = "sitemap"
    reports: str = "reports"
    cache: str = ".cache"


@dataclass(frozen=True)
class LocaleSection:
    code: str = ""
    hreflang: str = ""
    og_locale: str = ""
    direction: str = ""
    name: str = ""
    numbering: str = "latn"


@dataclass(frozen=True)
class ValidateSection:
    max_file_bytes: int = 5 * 1024 * 1024
    BOUNDS: ClassVar[dict[str, Bound]] = {"max_file_bytes": at_least(1, 50 * 1024 * 1024)}


# Keys that moved: title and excerpt lengths are checked once, by the metadata stage.
MOVED_KEYS = {"validate.title_max": "metadata.title_max",
              "validate.excerpt_min": "metadata.description_min",
              "validate.excerpt_max": "metadata.description_max"}


@dataclass(frozen=True)
class LinksSection:
    workers: int = 64
    per_host: int = 32  # ceiling: each host starts at 2 and adapts (links/hosts.py)
    rate_per_host: float = 0.0
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    retries: int = 2
    max_redirects: int = 10
    max_retry_after: float = 60.0
    max_bytes: int = 2 * 1024 * 1024
    max_cache_age: float = 86400.0
    accept: tuple[int, ...] = (200, 203, 204, 206)
    exclude: tuple[str, ...] = ()
    allow_private: bool = False
    user_agent: str = f"seo-pipeline-linkcheck/{__version__} (+https://example.org/bot)"
    backoff: float = 0.25  # first retry wait in seconds; doubles per attempt, plus jitter
    check_fragments: bool = True
    BOUNDS: ClassVar[dict[str, Bound]] = {
        "workers": at_least(1, 256), "per_host": at_least(1, 64), "rate_per_host": at_least(0),
        "connect_timeout": positive(300), "read_timeout": positive(300),
        "retries": at_least(0, 10), "max_redirects": at_least(0, 30),
        "max_retry_after": at_least(0, 3600), "max_bytes": at_least(1, 100 * 1024 * 1024),
        "max_cache_age": at_least(0), "accept": at_least(100, 599), "backoff": at_least(0, 60)}


@dataclass(frozen=True)
class SitemapsSection:
    max_urls: int = 50_000
    max_bytes: int = 50 * 1024 * 1024
    gzip: bool = False
    # max_urls and max_bytes: checked by the sitemaps stage (SM codes), against the protocol


@dataclass(frozen=True)
class MetadataSection:
    """Metadata lint limits; lengths are user-perceived characters (grapheme clusters)."""

    title_min: int = 10
    title_max: int = 60
    description_min: int = 50
    description_max: int = 160
    image_min_width: int = 1200
    image_min_height: int = 630
    # Per-locale overrides of the four length limits, e.g. ["ar:title_max=70"].
    locale_limits: tuple[str, ...] = ()
    BOUNDS: ClassVar[dict[str, Bound]] = {
        "title_min": at_least(0), "title_max": at_least(1), "description_min": at_least(0),
        "description_max": at_least(1), "image_min_width": at_least(0),
        "image_min_height": at_least(0)}


@dataclass(frozen=True)
class BundlesSection:
    raw_html: str = "escape"
    allowed_tags: tuple[str, ...] = ()
    words_per_minute: int = 200
    per_page: int = 30  # articles per index or tag page (``/en/``, ``/en/page/2/``...)
    related: int = 4  # related articles per article page (0: none; render/related.py)
    search: bool = False  # a Pagefind search page and index per locale (render/search.py)
    BOUNDS: ClassVar[dict[str, Bound]] = {"words_per_minute": at_least(1, 10_000),
                                          "per_page": at_least(1, 1000),
                                          "related": at_least(0, 10)}


@dataclass(frozen=True)
class FeedsSection:
    """Per-locale feeds (``render/feeds.py``): the newest ``entries`` articles."""

    entries: int = 20
    content: str = "summary"  # "summary" (the excerpt) or "full" (the article's HTML)
    formats: tuple[str, ...] = ("atom", "rss", "json")
    BOUNDS: ClassVar[dict[str, Bound]] = {"entries": at_least(1, 1000)}


@dataclass(frozen=True)
class TagsSection:
    """Tag names per locale (``content/tags.py``), each ``"LOCALE:TAG=NAME"``."""

    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class RedirectsSection:
    """Old URLs kept alive (``pipeline/redirects``): what is written, and the detector."""

    pages: bool = True  # a redirect page (meta refresh, canonical, noindex) per old path
    netlify: str = "_redirects"  # Netlify / Cloudflare Pages file in the output; "" for none
    nginx_map: str = "redirects.map"  # nginx ``map`` include in the output; "" for none
    rules: tuple[str, ...] = ()  # "OLD NEW": site paths, for what no article's aliases say
    gone: tuple[str, ...] = ()  # site paths removed on purpose: the detector keeps quiet
    detect: bool = True  # compare published URLs with the last published sitemap
    previous: str = ""  # a sitemap (path or URL) instead of the last published output


@dataclass(frozen=True)
class AnalyzeSection:
    """Content analysis thresholds (``pipeline/analysis``); ``overrides`` sets them per
    locale (``["ar:sentence_words_max=25"]``) over the language defaults of
    ``analysis.limits``. Percentages are of words, sentences or paragraphs."""

    words_min: int = 300
    density_min: float = 0.5  # keyphrase occurrences per 100 words
    density_max: float = 3.0
    flesch_min: float = 50.0  # English only: Flesch reading ease, 0 (hard) .. 100 (easy)
    sentence_words_max: int = 20
    long_sentences_max: float = 25.0  # % of sentences over sentence_words_max
    word_letters_max: float = 6.0  # average letters per word (Arabic readability)
    paragraph_words_max: int = 150
    subheading_words_max: int = 300  # words of text under one heading
    internal_links_min: int = 1
    outbound_links_min: int = 0
    review_max_days: int = 365  # validate: a medical review older than this (AN201)
    placeholder_authors: tuple[str, ...] = ("JJ Kasper", "Tim Neutkens", "Joe Haddad",
                                            "جيه جيه كاسبر", "John Doe", "Jane Doe")
    overrides: tuple[str, ...] = ()
    BOUNDS: ClassVar[dict[str, Bound]] = {
        "words_min": at_least(0, 100_000), "density_min": at_least(0, 100),
        "density_max": at_least(0, 100), "flesch_min": at_least(-100, 121),
        "sentence_words_max": at_least(1, 1000), "long_sentences_max": at_least(0, 100),
        "word_letters_max": at_least(1, 50), "paragraph_words_max": at_least(1, 10_000),
        "subheading_words_max": at_least(1, 100_000), "internal_links_min": at_least(0, 1000),
        "outbound_links_min": at_least(0, 1000), "review_max_days": at_least(1, 36_500)}


@dataclass(frozen=True)
class SubmitSection:
    indexnow_endpoint: str = "https://api.indexnow.org/indexnow"
    indexnow_key: str = ""
    search_console_endpoint: str = "https://www.googleapis.com/webmasters/v3"
    search_console_site: str = ""
    token_uri: str = ""
    credentials_env: str = "GOOGLE_APPLICATION_CREDENTIALS"
    batch_size: int = 10_000
    retries: int = 3
    retry_backoff: float = 1.0  # first retry delay in seconds, doubled per attempt
    max_retry_after: float = 60.0  # longest wait honoured from Retry-After
    timeout: float = 30.0
    BOUNDS: ClassVar[dict[str, Bound]] = {
        "retries": at_least(0, 10),  # batch_size: checked by the submit stage (SUB003)
        "retry_backoff": at_least(0, 60), "max_retry_after": at_least(0, 3600),
        "timeout": positive(300)}


@dataclass(frozen=True)
class BuildSection:
    """Where the engine's work units run (``engine/executors.py``)."""

    executor: str = "local"  # "local", "dask-local" or "dask://HOST:PORT"
    dask_files: str = "shared"  # "shared": workers write outputs; "return": the client does
    lastmod: str = "front-matter"  # or "git": the author date of a source's last commit


@dataclass(frozen=True)
class Settings:
    """The whole configuration, resolved against ``root``."""

    root: Path
    site: SiteSection
    paths: PathsSection
    locales: tuple[Locale, ...]
    validate: ValidateSection = field(default_factory=ValidateSection)
    links: LinksSection = field(default_factory=LinksSection)
    sitemaps: SitemapsSection = field(default_factory=SitemapsSection)
    metadata: MetadataSection = field(default_factory=MetadataSection)
    bundles: BundlesSection = field(default_factory=BundlesSection)
    feeds: FeedsSection = field(default_factory=FeedsSection)
    tags: TagsSection = field(default_factory=TagsSection)
    redirects: RedirectsSection = field(default_factory=RedirectsSection)
    analyze: AnalyzeSection = field(default_factory=AnalyzeSection)
    submit: SubmitSection = field(default_factory=SubmitSection)
    build: BuildSection = field(default_factory=BuildSection)

    def locale(self, code: str) -> Locale:
        for loc in self.locales:
            if loc.code == code:
                return loc
        raise KeyError(code)

    @property
    def locale_codes(self) -> tuple[str, ...]:
        return tuple(loc.code for loc in self.locales)

    def path(self, name: str) -> Path:
        """Absolute path of a ``[paths]`` entry."""
        return _resolved(self.root, getattr(self.paths, name))

    @property
    def base_url(self) -> str:
        return self.site.base_url.rstrip("/")


@lru_cache(maxsize=256)
def _resolved(root: Path, relative: str) -> Path:
    """``root / relative`` resolved once per run (stages ask for it per article)."""
    return (root / relative).resolve()


SECTIONS: dict[str, type] = {
    "site": SiteSection,
    "paths": PathsSection,
    "validate": ValidateSection,
    "links": LinksSection,
    "sitemaps": SitemapsSection,
    "metadata": MetadataSection,
    "bundles": BundlesSection,
    "feeds": FeedsSection,
    "tags": TagsSection,
    "redirects": RedirectsSection,
    "analyze": AnalyzeSection,
    "submit": SubmitSection,
    "build": BuildSection,
}


def option_type(section: str, key: str) -> NumberOption:
    """The argparse ``type`` of a flag overriding ``[section] key``: that key's type and
    ``BOUNDS``, so the command line and ``site.toml`` share one definition."""
    cls = SECTIONS[section]
    kind = get_type_hints(cls)[key]
    bounds: dict[str, Bound] = getattr(cls, "BOUNDS", {})  # SECTIONS holds plain classes
    return NumberOption(kind, bounds[key], f"{section}.{key}")


def load_settings(root: Path, config_path: Path | None = None) -> Settings:
    """Read and validate ``site.toml``; raise ``ConfigError`` with every problem."""
    path = config_path or root / CONFIG_NAME
    text = _read_config(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)(?:, column (\d+))?", str(exc))
        line = int(found.group(1)) if found else 1
        col = int(found.group(2)) if found and found.group(2) else 1
        raise ConfigError([_finding(path.name, line, f"invalid TOML: {exc}", col=col)]) from None
    settings, findings = parse_settings(data, root=path.parent.resolve(), text=text, name=path.name)
    if findings:
        raise ConfigError(findings)
    return settings


def _read_config(path: Path) -> str:
    """The text of a regular, UTF-8 ``site.toml`` of at most ``MAX_CONFIG_BYTES``."""
    if not path.exists():
        raise ConfigError([_finding(path.name, 1, f"configuration file not found: {path}",
                                    "run this in the site's folder (the one holding site.toml), "
                                    "pass --root DIR, or start a site here: 'seo-pipeline init .'")])
    if not path.is_file():
        raise ConfigError([_finding(path.name, 1, "configuration is not a regular file",
                                    code="CF106")])
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError([_finding(path.name, 1, f"cannot read the configuration: "
                                    f"{exc.strerror or exc}", code="CF106")]) from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError([_finding(path.name, 1, f"configuration is over {MAX_CONFIG_BYTES:,} "
                                    "bytes", code="CF106")])
    message, line, col = rules.decode_problem(raw)
    if message:
        raise ConfigError([_finding(path.name, line, message, "save it as UTF-8", col=col,
                                    code="CF106")])
    return raw.decode("utf-8").removeprefix("\ufeff")


def parse_settings(
    data: Mapping[str, object], root: Path, text: str = "", name: str = CONFIG_NAME
) -> tuple[Settings, list[Finding]]:
    """Build ``Settings`` from parsed TOML, returning every problem found."""
    findings: list[Finding] = []

    def err(section: str, key: str, message: str, hint: str = "", code: str = "CF100") -> None:
        findings.append(_finding(name, rules.line_of(text, section, key), message, hint,
                                 code=code))

    for key in data:
        if key not in SECTIONS and key != "locales":
            err("", key, f"unknown section or key '{key}'", f"known: {', '.join(_known())}")
    _required(data, err)
    # Any: each section is a dataclass of its own type, which Settings(**sections) takes by name.
    sections: dict[str, Any] = {
        key: _read_section(cls, data.get(key, {}), key, err) for key, cls in SECTIONS.items()
    }
    locales = _read_locales(data.get("locales"), err)
    sections["site"] = _check_site(sections["site"], locales, err)
    _check_ranges(sections, err)
    for problem, code in rules.override_problems(
            sections["analyze"].overrides, {loc.code for loc in locales} or {"en"},
            AnalyzeSection.BOUNDS):
        err("analyze", "overrides", problem, 'e.g. overrides = ["ar:sentence_words_max=25"]',
            code=code)
    for pattern in sections["links"].exclude:
        if problem := rules.pattern_problem(pattern):
            err("links", "exclude", f"links.exclude pattern {pattern!r} is not a regular "
                f"expression RE2 accepts: {problem}", rules.PATTERN_HINT)
    for key, problem in rules.build_problems(sections["build"].executor,
                                             sections["build"].dask_files,
                                             sections["build"].lastmod).items():
        err("build", key, f"build.{key} {problem}", code="CF107")
    for section, key, problem in rules.listing_problems(
            sections["feeds"].content, sections["feeds"].formats, sections["tags"].names,
            [loc.code for loc in locales]):
        err(section, key, f"{section}.{key} {problem}", code="CF112")
    for key, problem in rules.redirect_problems(dataclasses.asdict(sections["redirects"])):
        err("redirects", key, f"redirects.{key} {problem}", code="CF113")
    for key, problem in rules.folder_problems(root, dataclasses.asdict(sections["paths"])).items():
        err("paths", key, f"paths.{key} {problem}", "use e.g. dist, sitemap, reports, .cache",
            code="CF105")
    settings = Settings(root=root, locales=tuple(locales), **sections)
    return settings, findings


def _required(data: Mapping[str, object], err: _Err) -> None:
    for section, keys in REQUIRED.items():
        table = data.get(section)
        if table is None:
            err("", section, f"[{section}] is required", f"add [{section}] with "
                f"{', '.join(keys)}", code="CF101")
            continue
        for key in keys:
            if isinstance(table, dict) and key not in table:
                err(section, section, f"'{section}.{key}' is required", code="CF101")


def _check_ranges(sections: Mapping[str, object], err: _Err) -> None:
    """Numbers inside their ``BOUNDS``, and each min no greater than its max."""
    for name, section in sections.items():
        for key, bound in getattr(section, "BOUNDS", {}).items():
            value = getattr(section, key)
            for item in value if isinstance(value, tuple) else (value,):
                if problem := bound.problem(item):
                    err(name, key, f"'{name}.{key}' {problem}, got {item!r}", code="CF104")
                    break
    pairs = (("metadata", "title_min", "title_max"),
             ("metadata", "description_min", "description_max"),
             ("analyze", "density_min", "density_max"))
    for name, low, high in pairs:
        section = sections[name]
        if getattr(section, low) > getattr(section, high):
            err(name, low, f"'{name}.{low}' ({getattr(section, low)}) is greater than "
                f"'{name}.{high}' ({getattr(section, high)})", code="CF104")


def _known() -> list[str]:
    return [*SECTIONS, "locales"]


def _read_section(cls: type[_D], raw: object, section: str, err: _Err) -> _D:
    """Type-check ``raw`` against dataclass ``cls``; unknown keys and bad types are errors."""
    if not isinstance(raw, dict):
        err(section, section, f"[{section}] must be a table")
        return cls()
    hints = get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    values: dict[str, object] = {}
    for key, value in raw.items():
        where = f"{section}.{key}"
        if where in MOVED_KEYS:
            new_section, _, new_key = MOVED_KEYS[where].partition(".")
            err(section, key, f"'{where}' has moved: lengths are checked once, by the "
                "metadata stage", f"write it as  [{new_section}] {new_key} = {value!r}")
            continue
        if key not in names:
            err(section, key, f"unknown key '{where}'", f"known keys: {', '.join(sorted(names))}")
            continue
        coerced, problem = _coerce(value, hints[key])
        if problem:
            err(section, key, f"'{where}' {problem}")
        else:
            values[key] = coerced
    return cls(**values)


# hint is Any: a class or a typing form such as ``tuple[str, ...]``, as get_type_hints returns it.
def _coerce(value: object, hint: Any) -> tuple[object, str]:
    """Return (value, '') when ``value`` fits ``hint``, else (None, problem)."""
    origin = get_origin(hint)
    if origin is tuple:
        item = get_args(hint)[0]
        if not isinstance(value, list):
            return None, f"must be a list of {item.__name__}"
        for element in value:
            if not _is_instance(element, item):
                return None, f"must be a list of {item.__name__}, got {element!r}"
        return tuple(value), ""
    if not _is_instance(value, hint):
        return None, f"must be {hint.__name__}, got {type(value).__name__} {value!r}"
    return (float(value) if hint is float and isinstance(value, int | float) else value), ""


def _is_instance(value: object, hint: type) -> bool:
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)


def _read_locales(raw: object, err: _Err) -> list[Locale]:
    if not isinstance(raw, list) or not raw:
        err("", "locales", "at least one [[locales]] table is required")
        return []
    locales: list[Locale] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        section = f"locales[{index}]"
        entry: LocaleSection = _read_section(LocaleSection, item, section, err)
        locale = _check_locale(entry, section, err)
        if locale is None:
            continue
        if locale.code in seen:
            err(section, "code", f"duplicate locale code '{locale.code}'")
            continue
        seen.add(locale.code)
        locales.append(locale)
    return locales


def _check_locale(entry: LocaleSection, section: str, err: _Err) -> Locale | None:
    ok = True
    for key in ("code", "hreflang", "og_locale", "direction", "name"):
        if not getattr(entry, key):
            err(section, key, f"'{section}.{key}' is required")
            ok = False
    if not ok:
        return None
    try:
        babel_locale = BabelLocale.parse(entry.hreflang, sep="-")
    except (ValueError, UnknownLocaleError) as exc:
        err(section, "hreflang", f"'{entry.hreflang}' is not a valid BCP 47 locale: {exc}",
            "use a language code such as 'en', 'en-GB' or 'ar-SA'")
        return None
    if not re.fullmatch(r"[a-z]{2,3}_[A-Z]{2}", entry.og_locale):
        err(section, "og_locale", f"og_locale '{entry.og_locale}' is not of the form 'll_CC'",
            "Open Graph wants e.g. 'en_US' or 'ar_AR'")
        ok = False
    if entry.direction not in ("ltr", "rtl"):
        err(section, "direction", f"direction must be 'ltr' or 'rtl', got '{entry.direction}'")
        ok = False
    elif entry.direction != babel_locale.text_direction:
        err(section, "direction",
            f"direction '{entry.direction}' disagrees with CLDR ('{babel_locale.text_direction}')")
        ok = False
    if not re.fullmatch(r"[a-z0-9-]+", entry.code):
        err(section, "code", f"locale code '{entry.code}' must be lowercase letters/digits/'-'")
        ok = False
    if not ok:
        return None
    return Locale(code=entry.code, hreflang=entry.hreflang, og_locale=entry.og_locale,
                  direction=entry.direction, name=entry.name, babel=str(babel_locale),
                  numbering=entry.numbering)


def _check_site(site: SiteSection, locales: list[Locale], err: _Err) -> SiteSection:
    """The site section with ``base_url`` normalised (IDN host as punycode)."""
    if site.base_url:
        normal, problem = rules.origin(site.base_url)
        if problem:
            err("site", "base_url", f"base_url {site.base_url!r} {problem}",
                "an origin with an optional path, e.g. https://example.org/blog", code="CF102")
        else:
            site = dataclasses.replace(site, base_url=normal)
    if problem := rules.url_pattern_problem(site.url_pattern):
        err("site", "url_pattern", f"url_pattern {site.url_pattern!r} {problem}",
            'e.g. "/{locale}/{slug}/"', code="CF103")
    if locales and site.x_default not in {loc.code for loc in locales}:
        err("site", "x_default", f"x_default '{site.x_default}' is not a configured locale")
    return site


def _line_of(text: str, section: str, key: str) -> int:
    """Line of ``key`` inside ``[section]`` (see ``settings_rules.line_of``)."""
    return rules.line_of(text, section, key)


def _finding(name: str, line: int, message: str, hint: str = "", col: int = 1,
             code: str = "CF100") -> Finding:
    return Finding(name, line, col, code, Severity.ERROR, message, hint)
