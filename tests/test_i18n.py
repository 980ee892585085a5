"""Babel/CLDR formatting, plural forms through the gettext catalogs, catalog checks."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from sitetree import REPO

from pipeline.core.model import Locale
from pipeline.render import catalogs, i18n

EN = Locale("en", "en", "en_US", "ltr", "English", "en", "latn")
AR = Locale("ar", "ar", "ar_AR", "rtl", "العربية", "ar", "arab")
AR_LATN = Locale("ar", "ar", "ar_AR", "rtl", "العربية", "ar", "latn")
LOCALES = REPO / "locales"


def translations(locale: Locale):
    result, findings = catalogs.load_translations(LOCALES, locale, REPO)
    assert findings == []
    return result


def test_long_dates_per_locale_and_numbering():
    when = datetime(2025, 7, 1, 5, 35, tzinfo=UTC)
    assert i18n.format_long_date(when, EN) == "July 1, 2025"
    assert i18n.format_long_date(when, AR) == "١ يوليو ٢٠٢٥"
    assert i18n.format_long_date(when, AR_LATN) == "1 يوليو 2025"


def test_numbers_use_locale_separators_and_digits():
    assert i18n.format_number(1234567.5, EN) == "1,234,567.5"
    assert i18n.format_number(1234567.5, AR) == "١٬٢٣٤٬٥٦٧٫٥"
    assert i18n.localise_digits("2025-07", "arabext") == "۲۰۲۵-۰۷"
    assert i18n.numbering_problem("arab") == ""
    assert "unsupported" in i18n.numbering_problem("klingon")


def test_arabic_reading_time_has_six_plural_forms():
    catalog = translations(AR)
    labels = {n: i18n.reading_time_label(n, AR, catalog) for n in (0, 1, 2, 3, 11, 100)}
    assert len(set(labels.values())) == 6
    assert labels[1] == "مدة القراءة: دقيقة واحدة"
    assert labels[2] == "مدة القراءة: دقيقتان"
    assert labels[3] == "مدة القراءة: ٣ دقائق"
    assert labels[11] == "مدة القراءة: ١١ دقيقةً"
    assert labels[100] == "مدة القراءة: ١٠٠ دقيقة"
    # CLDR: 103 is "few" like 3, 111 is "many" like 11.
    assert i18n.reading_time_label(103, AR, catalog) == "مدة القراءة: ١٠٣ دقائق"
    assert i18n.reading_time_label(111, AR, catalog) == "مدة القراءة: ١١١ دقيقةً"


def test_english_reading_time_uses_source_strings():
    catalog = translations(EN)
    assert i18n.reading_time_label(1, EN, catalog) == "Reading time: 1 minute"
    assert i18n.reading_time_label(1200, EN, catalog) == "Reading time: 1,200 minutes"


def test_reading_minutes_round_up():
    assert [i18n.reading_minutes(w, 200) for w in (0, 1, 200, 201)] == [0, 1, 1, 2]


def test_shipped_catalogs_are_complete():
    shipped = catalogs.shipped_catalogs(LOCALES)
    assert shipped, "no catalogs in locales/"
    for path in shipped:
        catalog, findings = catalogs.read_catalog(path, path.name)
        assert findings == [] and catalog is not None
        assert catalogs.check_catalog(catalog, path.name) == [], path


def test_catalogs_cover_every_string_in_the_sources():
    """What babel.cfg extracts from Python and templates is in every shipped catalog."""
    with (REPO / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    extracted = {msgid if isinstance(msgid, str) else msgid[0]
                 for _, _, msgid, *_ in extract_from_dir(str(REPO), method_map, options_map,
                                                         keywords=keywords)}
    assert "Reading time: %(num)s minute" in extracted and "Skip to content" in extracted
    for path in catalogs.shipped_catalogs(LOCALES):
        with path.open("rb") as fh:
            ids = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
        assert extracted <= ids, f"{path}: run 'make i18n' ({sorted(extracted - ids)})"
    assert catalogs.ui_msgids() == extracted  # the build's own list is what babel.cfg gives


def test_check_flags_fuzzy_and_untranslated(tmp_path: Path):
    po = tmp_path / "ar" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: ar\\n"\n'
        '"Plural-Forms: nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : '
        'n%100>=3 && n%100<=10 ? 3 : n%100>=0 && n%100<=2 ? 4 : 5);\\n"\n\n'
        '#, fuzzy\nmsgid "Contents"\nmsgstr "المحتويات"\n\n'
        'msgid "Languages"\nmsgstr ""\n\n'
        'msgid "%(n)s min"\nmsgid_plural "%(n)s mins"\n'
        'msgstr[0] "a"\nmsgstr[1] "b"\nmsgstr[2] ""\nmsgstr[3] "d"\nmsgstr[4] "e"\n'
        'msgstr[5] "f"\n', encoding="utf-8")
    result, findings = catalogs.load_translations(tmp_path, AR, tmp_path)
    # One finding per kind, listing every string: fuzzy, untranslated (plain and plural),
    # and the strings the pages use that this catalog lacks (BN306).
    assert [(f.code, f.line) for f in findings] == [("BN302", 7), ("BN303", 10), ("BN306", 1)]
    assert "'Languages' (line 10), '%(n)s min' (line 13)" in findings[1].message
    assert "'Skip to content'" in findings[2].message
    assert result.gettext("Contents") == "Contents"  # fuzzy entries are not used
    assert catalogs.main(tmp_path) == 1


def test_missing_catalog_warns_for_non_source_locale(tmp_path: Path):
    fr = Locale("fr", "fr", "fr_FR", "ltr", "Français", "fr", "latn")
    _, findings = catalogs.load_translations(tmp_path, fr, tmp_path)
    assert [f.code for f in findings] == ["BN304"]
    assert "seo-pipeline i18n add fr" in findings[0].hint
    _, findings = catalogs.load_translations(tmp_path, fr, tmp_path, has_content=True)
    assert [(f.code, f.severity.value) for f in findings] == [("BN305", "error")]
    assert catalogs.load_translations(tmp_path, EN, tmp_path)[1] == []


def test_site_without_catalogs_uses_the_package_defaults(tmp_path: Path):
    result, findings = catalogs.load_translations(tmp_path / "locales", AR, tmp_path)
    assert findings == []
    assert catalogs.catalog_path(tmp_path / "locales", AR).is_relative_to(catalogs.DEFAULT_LOCALES)
    assert result.gettext("Contents") != "Contents"


def test_site_catalog_overrides_the_default(tmp_path: Path):
    own = catalogs.own_catalog_path(tmp_path, AR)
    own.parent.mkdir(parents=True)
    own.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                   'msgid "Contents"\nmsgstr "فهرس"\n', encoding="utf-8")
    result, findings = catalogs.load_translations(tmp_path, AR, tmp_path)
    # the site's catalog wins; the strings it lacks are one warning listing them
    assert [(f.code, f.severity.value) for f in findings] == [("BN306", "warning")]
    assert result.gettext("Contents") == "فهرس"
