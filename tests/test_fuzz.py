"""Property-based: generated front matter, file names, slugs, URLs and site.toml values.

Whatever goes in, nothing raises, every finding is located (path, line >= 1, col >= 1,
a stable code) and each example stays within time (hypothesis deadline) and memory.
Example counts are modest so the file runs in seconds.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import resource
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import EN_ARTICLE, SITE_TOML, build_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.content.load import load_article, load_site
from pipeline.core import urls
from pipeline.core.model import Finding
from pipeline.core.settings import load_settings, parse_settings
from pipeline.links.extract import extract
from pipeline.stages import validate

CODE = re.compile(r"[A-Z]{2,3}\d{3}")
FAST = settings(max_examples=100, deadline=1000, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=30, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
FIELDS = ["title", "excerpt", "coverImage", "date", "author", "ogImage", "slug", "tags",
          "translationKey", "locale", "lastmod", "draft", "translationOf", "name", "url"]

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                    st.text(max_size=40), st.dates().map(str), st.datetimes().map(str))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8),
                                                 inner, max_size=4)), max_leaves=12)
front_matters = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=10), values,
                                max_size=8)
yaml_noise = st.text(alphabet=st.sampled_from(list("&*[]{}:-,|>!%@#'\"\\ \t\nab0\u202e\x00é")),
                     max_size=200)


@pytest.fixture(scope="module")
def site_root() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        root = build_site(Path(tmp) / "site", {})
        (root / "content/en").mkdir(parents=True)
        yield root


def _status_kb(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


@settings(max_examples=3, database=None, deadline=None)
@given(st.text(min_size=1))
def _warm_up_text_strategies(text: str) -> None:
    """Hypothesis builds its Unicode tables on its first text example (a peak of about
    200 MB, freed at once): done before the baseline, as it is the tool's, not ours."""


@pytest.fixture(scope="module", autouse=True)
def memory_bound() -> Iterator[None]:
    """The whole module may not take the process's memory 100 MB above where it started.

    On Linux the peak (VmHWM) is reset to the current size first, so what earlier test
    modules allocated and freed counts for nothing; elsewhere the lifetime peak is used.
    Hypothesis's own Unicode tables are built first (``_warm_up_text_strategies``)."""
    _warm_up_text_strategies()
    try:
        Path("/proc/self/clear_refs").write_text("5")
        before, field = _status_kb("VmRSS"), "VmHWM"
    except OSError:
        before, field = None, ""
    if before is None:
        before, field = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, ""
    yield
    peak = _status_kb(field) if field else None
    if peak is None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    grown = peak - before
    assert grown < 100 * 1024, f"peak memory grew by {grown // 1024} MB"


def assert_located(findings: list[Finding], shown: str | None = None) -> None:
    for finding in findings:
        assert finding.line >= 1 and finding.col >= 1, finding
        assert CODE.fullmatch(finding.code), finding
        assert finding.message, finding
        assert shown is None or finding.path == shown, finding
        finding.path.encode("utf-8")  # printable: no lone surrogates


def _load_text(root: Path, text: str | bytes) -> list[Finding]:
    path = root / "content/en/fuzz.md"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
    article, findings = load_article(path, "en", load_settings(root))
    assert_located(findings, "content/en/fuzz.md")
    return findings


@FAST
@given(front_matters)
def test_generated_front_matter(site_root: Path, data: dict) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    _load_text(site_root, f"---\n{text}---\n\nBody.\n")


@FAST
@given(yaml_noise)
def test_yaml_noise(site_root: Path, noise: str) -> None:
    _load_text(site_root, f"---\ntitle: x\n{noise}\n---\nBody\n")


@FAST
@given(st.binary(max_size=300))
def test_arbitrary_bytes(site_root: Path, raw: bytes) -> None:
    _load_text(site_root, raw)
    _load_text(site_root, b"---\n" + raw + b"\n---\n")


def _name_strategy() -> st.SearchStrategy[str]:
    return st.text(st.characters(blacklist_characters="/\x00", blacklist_categories=["Cs"]),
                   min_size=1, max_size=60).filter(lambda n: n not in (".", ".."))


@SLOW
@given(stem=_name_strategy(), slug=st.one_of(st.none(), st.text(max_size=140)))
def test_file_names_and_slugs_through_validate(stem: str, slug: str | None) -> None:
    text = EN_ARTICLE
    if slug is not None:
        text = text.replace("slug: laser-basics", f"slug: {yaml.safe_dump(slug).strip()}"
                            .replace("\n...", ""))
    with tempfile.TemporaryDirectory() as tmp:
        root = build_site(Path(tmp) / "site", {})
        path = root / "content/en" / f"{stem}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            path.write_text(text, encoding="utf-8")
        except OSError:
            return  # a name this file system cannot store (too long, ...)
        site, _ = load_site(load_settings(root), use_cache=False)
        result = validate.run(site)
        assert_located(result.findings)


@SLOW
@given(st.binary(min_size=1, max_size=40).filter(lambda b: b"/" not in b and b"\x00" not in b
                                                  and b not in (b".", b"..")))
def test_undecodable_file_names(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = build_site(Path(tmp) / "site", {"content/en/ok.md": EN_ARTICLE})
        with open(bytes(root / "content/en") + b"/" + raw + b".md", "wb") as handle:
            handle.write(EN_ARTICLE.replace("laser-basics", "other").encode())
        site, _ = load_site(load_settings(root), use_cache=False)
        assert_located(validate.run(site).findings)


@FAST
@given(st.text(max_size=80))
def test_url_module_never_raises_unexpectedly(text: str) -> None:
    for func in (urls.iri_to_uri, urls.normalise):
        try:
            result = func(text)
        except ValueError:
            continue
        assert result.isascii(), (func.__name__, text, result)
    assert isinstance(urls.display(text), str)
    assert isinstance(urls.encoding_issues(text), list)
    assert urls.quote_component(text).isascii()
    assert isinstance(urls.decode_host(text), str)
    assert urls.decode_fragment(urls.encode_segment(text)) == text
    urls.asset_path(text)
    with contextlib.suppress(ValueError):
        urls.resolve("https://example.org/a/", text)


_ARTICLE_CACHE: dict[str, object] = {}


def _base_article(root: Path):  # type: ignore[no-untyped-def]
    if "a" not in _ARTICLE_CACHE:
        path = root / "content/en/base.md"
        path.write_text(EN_ARTICLE, encoding="utf-8")
        _ARTICLE_CACHE["a"] = load_article(path, "en", load_settings(root))[0]
    return _ARTICLE_CACHE["a"]


link_bodies = st.lists(st.one_of(
    st.text(max_size=30),
    st.builds(lambda t, u: f"[{t}]({u})", st.text(max_size=8), st.text(max_size=30)),
    st.builds(lambda u: f"<{u}>", st.text(max_size=30)),
    st.builds(lambda u: f'<a href="{u}">x</a>', st.text(max_size=30)),
    st.builds(lambda u: f"![i]({u})", st.text(max_size=30)),
    st.builds(lambda r, u: f"[x][{r}]\n\n[{r}]: {u}", st.text(max_size=5), st.text(max_size=30)),
), max_size=8).map("\n".join).map(lambda body: body.replace("\r\n", "\n").replace("\r", "\n"))


@FAST
@given(link_bodies)
def test_links_extraction_locates_every_link(site_root: Path, body: str) -> None:
    article = dataclasses.replace(_base_article(site_root), text=body)
    total_lines = article.body_line + body.count("\n") + 1
    for occurrence in extract(article):
        assert 1 <= occurrence.source.line <= max(total_lines, 20), occurrence
        assert occurrence.source.col >= 1, occurrence


toml_values = st.one_of(st.text(max_size=40), st.integers(), st.floats(), st.booleans(),
                        st.lists(st.one_of(st.integers(), st.text(max_size=5)), max_size=3))


@FAST
@given(base_url=st.one_of(st.text(max_size=40), st.from_regex(r"https?://[^/]{0,20}(/.{0,10})?",
                                                              fullmatch=True)),
       pattern=st.text(max_size=30), section=st.sampled_from(
           ["validate", "links", "sitemaps", "metadata", "bundles", "submit", "paths", "site"]),
       key=st.sampled_from(["workers", "timeout", "words_per_minute", "max_urls", "title_max",
                            "output", "cache", "name", "x_default", "excerpt_min", "accept"]),
       value=toml_values)
def test_site_toml_values(base_url: str, pattern: str, section: str, key: str,
                          value: object) -> None:
    import tomllib

    data = tomllib.loads(SITE_TOML)
    data["site"]["base_url"] = base_url
    data["site"]["url_pattern"] = pattern
    data.setdefault(section, {})[key] = value
    settings_, findings = parse_settings(data, Path("/nonexistent/project"), SITE_TOML)
    assert_located(findings, "site.toml")
    if not findings:
        assert settings_.base_url.isascii()
        urls.page_path(settings_, "en", "slug")


def _alias_document(draw_ops: list[tuple[int, int]]) -> str:
    """Anchored flow lists, each holding aliases of earlier anchors (or itself)."""
    lines = ["a0: &a0 [x, y]"]
    for index, (count, target) in enumerate(draw_ops, 1):
        refs = ", ".join(f"*a{min(target, index)}" for _ in range(count))
        lines.append(f"a{index}: &a{index} [{refs}]")
    return "\n".join(lines) + "\n"


def _count(value: object) -> int:
    if isinstance(value, dict):
        return 1 + sum(1 + _count(v) for v in value.values())
    if isinstance(value, list):
        return 1 + sum(_count(v) for v in value)
    return 1


@FAST
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 40)), max_size=25))
def test_alias_expansion_never_exceeds_the_limits(ops: list[tuple[int, int]]) -> None:
    from pipeline.content import yaml_limits
    from pipeline.content.parsing import split

    parsed, findings = split(f"---\n{_alias_document(ops)}---\n", "x.md")
    assert_located(findings, "x.md")
    if parsed is None:
        assert {f.code for f in findings} <= {"FM015", "FM017", "FM018"}
    else:
        assert _count(parsed.data) <= yaml_limits.MAX_NODES + 1


url_texts = st.one_of(
    st.text(max_size=60),
    st.builds(lambda scheme, host, path: f"{scheme}{host}{path}",
              st.sampled_from(["https://", "http://", "//", "ftp://", "", "javascript:"]),
              st.text(st.characters(blacklist_categories=["Cs"]), max_size=20),
              st.text(alphabet=st.sampled_from(list("/%.:?#@[]ab0 é\u202e\\")), max_size=30)),
)


@FAST
@given(cover=url_texts, picture=url_texts)
def test_generated_urls_in_front_matter(site_root: Path, cover: str, picture: str) -> None:
    text = (EN_ARTICLE.replace('coverImage: "/assets/blog/cover (1).jpeg"',
                               f"coverImage: {yaml.safe_dump(cover).strip().removesuffix('...').strip()}")
            .replace('  picture: "/assets/authors/team.jpeg"',
                     f"  picture: {yaml.safe_dump(picture).strip().removesuffix('...').strip()}"))
    path = site_root / "content/en/urls.md"
    path.write_text(text, encoding="utf-8")
    settings_ = load_settings(site_root)
    article, findings = load_article(path, "en", settings_)
    assert_located(findings, "content/en/urls.md")
    if article is not None:
        from pipeline.core.model import Site

        result = validate.run(Site(settings_, (article,), ()))
        assert_located(result.findings, "content/en/urls.md")
        for occurrence in extract(article):
            assert occurrence.source.line >= 1 and occurrence.source.col >= 1
