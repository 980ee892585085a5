"""site.toml loading: typed settings, every problem located, Babel-checked locales."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SITE_TOML

from pipeline.cli import main
from pipeline.core.settings import ConfigError, load_settings

REPO = Path(__file__).resolve().parent.parent


def _load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    (tmp_path / "site.toml").write_text(text, encoding="utf-8")
    return load_settings(tmp_path)


def _problems(tmp_path: Path, text: str) -> list[tuple[int, str]]:
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, text)
    return [(f.line, f.message) for f in info.value.findings]


def test_repository_config_loads() -> None:
    settings = load_settings(REPO)
    assert settings.locale_codes == ("en", "ar")
    ar = settings.locale("ar")
    assert (ar.direction, ar.og_locale, ar.babel, ar.numbering) == ("rtl", "ar_AR", "ar", "arab")
    assert settings.base_url.startswith("https://")


def test_defaults_and_types(tmp_path: Path) -> None:
    settings = _load(tmp_path, SITE_TOML + "\n[links]\nworkers = 8\nconnect_timeout = 2\n")
    assert settings.links.workers == 8
    assert settings.links.connect_timeout == 2.0 and isinstance(settings.links.connect_timeout, float)
    assert settings.sitemaps.max_urls == 50_000
    assert settings.path("content") == (tmp_path / "content").resolve()


def test_unknown_keys_and_sections_are_errors_naming_the_key(tmp_path: Path) -> None:
    text = SITE_TOML.replace('x_default = "en"', 'x_default = "en"\nbase_ulr = "x"')
    text += "\n[linkz]\nworkers = 3\n"
    problems = _problems(tmp_path, text)
    assert (6, "unknown key 'site.base_ulr'") in problems
    assert any("unknown section or key 'linkz'" in m for _, m in problems)


def test_wrong_types_are_errors(tmp_path: Path) -> None:
    problems = _problems(tmp_path, SITE_TOML + '\n[links]\nworkers = "many"\nallow_private = 1\n')
    messages = [m for _, m in problems]
    assert any("'links.workers' must be int, got str 'many'" in m for m in messages)
    assert any("'links.allow_private' must be bool" in m for m in messages)


@pytest.mark.parametrize("code", ["xx-invalid-tag-123", "zz", "en_GB!"])
def test_invalid_locale_codes_rejected_by_babel(tmp_path: Path, code: str) -> None:
    problems = _problems(tmp_path, SITE_TOML.replace('hreflang = "ar"', f'hreflang = "{code}"'))
    assert any("is not a valid BCP 47 locale" in m for _, m in problems)


def test_direction_must_match_cldr_and_og_locale_form(tmp_path: Path) -> None:
    text = SITE_TOML.replace('direction = "rtl"', 'direction = "ltr"').replace(
        'og_locale = "en_US"', 'og_locale = "en-us"')
    messages = [m for _, m in _problems(tmp_path, text)]
    assert any("disagrees with CLDR ('rtl')" in m for m in messages)
    assert any("og_locale 'en-us'" in m for m in messages)


def test_x_default_and_base_url_checked(tmp_path: Path) -> None:
    text = SITE_TOML.replace('x_default = "en"', 'x_default = "fr"').replace(
        '"https://example.org"', '"example.org"')
    messages = [m for _, m in _problems(tmp_path, text)]
    assert any("x_default 'fr' is not a configured locale" in m for m in messages)
    assert any("must be an absolute http(s) URL" in m for m in messages)


def test_invalid_toml_and_missing_file_exit_2(tmp_path: Path, capsys) -> None:
    assert main(["validate", "--root", str(tmp_path)]) == 2
    (tmp_path / "site.toml").write_text("[site\nname=1", encoding="utf-8")
    assert main(["validate", "--root", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "configuration file not found" in err and "site.toml:1:6: error CF100 invalid TOML" in err
    assert "seo-pipeline init ." in err  # the missing file's hint says how to start a site


def test_missing_configuration_hint_names_init(tmp_path: Path, capsys) -> None:
    assert main(["build", "--root", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "CF100 configuration file not found" in err and "(hint: " in err
    assert "'seo-pipeline init .'" in err


@pytest.mark.parametrize("spec", ["local", "dask-local", "dask://127.0.0.1:8786",
                                  "dask://scheduler.internal:8786"])
def test_build_executors_accepted(tmp_path: Path, spec: str) -> None:
    settings = _load(tmp_path, SITE_TOML + f'\n[build]\nexecutor = "{spec}"\n'
                     'dask_files = "return"\n')
    assert (settings.build.executor, settings.build.dask_files) == (spec, "return")


@pytest.mark.parametrize("spec", ["spark://x:1", "dask://host", "dask://host:0x",
                                  "dask://host:8786/path", "tcp://host:8786", ""])
def test_unknown_build_executor_is_cf107_at_its_line(tmp_path: Path, spec: str) -> None:
    text = SITE_TOML + f'\n[build]\nexecutor = "{spec}"\ndask_files = "ftp"\n'
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, text)
    lines = text.splitlines()
    found = {(f.code, lines[f.line - 1].split(" =")[0]) for f in info.value.findings}
    assert found == {("CF107", "executor"), ("CF107", "dask_files")}
