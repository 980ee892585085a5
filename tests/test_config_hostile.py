"""Hostile ``site.toml`` values: each is a located CF1xx error, never a default or a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SITE_TOML

from pipeline.cli import main
from pipeline.core.settings import ConfigError, load_settings

BASE_LINE = 3  # base_url = ... in SITE_TOML


def _problems(tmp_path: Path, text: str | bytes) -> list[tuple[str, int, int, str]]:
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    (tmp_path / "site.toml").write_bytes(data)
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path)
    return [(f.code, f.line, f.col, f.message) for f in info.value.findings]


def _codes(tmp_path: Path, text: str | bytes) -> list[tuple[str, int]]:
    return [(code, line) for code, line, _, _ in _problems(tmp_path, text)]


def test_missing_site_section_and_keys_are_errors(tmp_path: Path) -> None:
    no_site = SITE_TOML[SITE_TOML.index("[[locales]]"):]
    assert ("CF101", 1) in _codes(tmp_path, no_site)
    text = SITE_TOML.replace('base_url = "https://example.org"\n', "").replace(
        'name = "Test Site"\n', "")
    assert _codes(tmp_path, text) == [("CF101", 1), ("CF101", 1)]


@pytest.mark.parametrize("url", [
    "https://example.org/?q=1", "https://example.org/#top", "https://example.org?",
    "https://user:pw@example.org", "https://exa mple.org", "https://example.org/a b",
    " https://example.org", "https://example.org\\t", "https://example.org/\\u0000",
    "https://example.org/\\u202e", "ftp://example.org", "//example.org", "example.org",
    "https://example.org:99999", "https://exa_mple.org", "https://xn--.org", "https://[",
    "https://[::1", "https://[zz::1]/",
])
def test_base_url_must_be_an_origin_with_optional_path(tmp_path: Path, url: str) -> None:
    text = SITE_TOML.replace('"https://example.org"', f'"{url}"')
    assert _codes(tmp_path, text) == [("CF102", BASE_LINE)]


@pytest.mark.parametrize(("url", "normal"), [
    ("https://bücher.example/blog/", "https://xn--bcher-kva.example/blog/"),
    ("HTTPS://Example.ORG:8443", "https://example.org:8443"),
    ("https://مثال.إختبار", "https://xn--mgbh0fb.xn--kgbechtv"),
    ("https://example.org/مدونة", "https://example.org/%D9%85%D8%AF%D9%88%D9%86%D8%A9"),
    ("http://[0:0::1]:8080/", "http://[::1]:8080/"), ("http://127.0.0.1:9", "http://127.0.0.1:9"),
])
def test_idn_host_becomes_punycode(tmp_path: Path, url: str, normal: str) -> None:
    (tmp_path / "site.toml").write_text(SITE_TOML.replace('"https://example.org"', f'"{url}"'),
                                        encoding="utf-8")
    settings = load_settings(tmp_path)
    assert settings.site.base_url == normal
    assert settings.base_url == normal.rstrip("/")


@pytest.mark.parametrize("pattern", [
    "/{locale}/{slug.__class__}/", "/{slug!r}/", "/{slug:>300}/", "/{0}/{slug}/",
    "/{locale}/{slug}/{page}/", "/{slug", "/{{slug}}/", "{slug}/", "/{locale}/", "/a?{slug}",
    "/#{slug}", "/../{slug}/", "/{slug} /", "/{locale[0]}/{slug}/",
])
def test_url_pattern_takes_only_locale_and_slug(tmp_path: Path, pattern: str) -> None:
    text = SITE_TOML.replace('url_pattern = "/{locale}/{slug}/"', f'url_pattern = "{pattern}"')
    assert _codes(tmp_path, text) == [("CF103", 4)]


@pytest.mark.parametrize(("extra", "key_line"), [
    ("[bundles]\nwords_per_minute = 0\n", 2),
    ("[bundles]\nwords_per_minute = -5\n", 2),
    ("[links]\nworkers = 0\n", 2),
    ("[links]\nconnect_timeout = 0.0\n", 2),
    ("[links]\nread_timeout = nan\n", 2),
    ("[links]\nread_timeout = inf\n", 2),
    ("[links]\naccept = [200, 999]\n", 2),
    ("[links]\nretries = 11\n", 2),
    ("[submit]\ntimeout = 0\n", 2),
    ("[validate]\nmax_file_bytes = 0\n", 2),
    ("[metadata]\ndescription_min = 200\n", 2),
    ("[metadata]\ntitle_min = 80\n", 2),
])
def test_numbers_have_bounds(tmp_path: Path, extra: str, key_line: int) -> None:
    offset = SITE_TOML.count("\n") + 1
    assert _codes(tmp_path, SITE_TOML + "\n" + extra) == [("CF104", offset + key_line)]


@pytest.mark.parametrize(("paths", "bad"), [
    ('output = "public"', "output"), ('output = "content/site"', "output"),
    ('output = "."', "output"), ('cache = "dist/.cache"', "cache"),
    ('reports = "dist"', "reports"), ('sitemap = "public/sitemap"', "sitemap"),
    ('output = "../elsewhere"', "output"), ('output = "/tmp"', "output"),
    ('cache = "public"', "cache"), ('public = "dist/assets"', "output"),
])
def test_output_folders_must_not_overlap(tmp_path: Path, paths: str, bad: str) -> None:
    text = SITE_TOML + "\n[paths]\n" + paths + "\n"
    problems = _problems(tmp_path, text)
    assert [c for c, *_ in problems] == ["CF105"]
    assert f"paths.{bad} " in problems[0][3]


def test_non_utf8_config_is_located(tmp_path: Path, capsys) -> None:
    raw = SITE_TOML.replace("Test Site", "Caf\udce9").encode("utf-8", "surrogateescape")
    assert _problems(tmp_path, raw) == [("CF106", 2, 12, "site.toml is not UTF-8 (byte 0xE9)")]
    assert main(["validate", "--root", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "site.toml:2:12: error CF106" in err and "Traceback" not in err


def test_config_that_is_not_a_regular_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "site.toml").mkdir()
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path)
    assert [f.code for f in info.value.findings] == ["CF106"]


def test_locale_error_is_reported_at_its_own_table(tmp_path: Path) -> None:
    text = SITE_TOML.replace('direction = "rtl"', 'direction = "sideways"')
    lines = text.splitlines()
    want = next(i for i, line in enumerate(lines) if "sideways" in line) + 1
    assert [(c, line) for c, line, _, m in _problems(tmp_path, text)] == [("CF100", want)]
    text = SITE_TOML.replace('og_locale = "ar_AR"\n', "")
    second = [i for i, line in enumerate(text.splitlines()) if line == "[[locales]]"][1] + 1
    assert [(c, line) for c, line, *_ in _problems(tmp_path, text)] == [("CF100", second)]


def test_bundled_configuration_stays_valid() -> None:
    settings = load_settings(Path(__file__).resolve().parent.parent)
    assert settings.site.base_url == "https://o9medical.com"


def test_unreadable_config_is_an_error(tmp_path: Path) -> None:
    import os

    if os.geteuid() == 0:
        (tmp_path / "site.toml").symlink_to("/proc/self/mem")  # a regular file root cannot read
    else:
        (tmp_path / "site.toml").write_text(SITE_TOML, encoding="utf-8")
        (tmp_path / "site.toml").chmod(0)
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path)
    assert [f.code for f in info.value.findings] == ["CF106"]
