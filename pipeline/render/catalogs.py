"""gettext catalogs of the UI strings: ``<locales>/<locale>/LC_MESSAGES/messages.po``.

The package ships default catalogs (``pipeline/locales/``, ``DEFAULT_LOCALES``) with the
template ``messages.pot``; a site's own ``[paths] locales`` folder overrides them one
locale at a time, so a site without a ``locales/`` folder still has translated UI
strings. The ``.po`` files are the source of truth and are committed. The build compiles them
in memory (``load_translations``), so it never reads a stale ``.mo``; ``make i18n``
also writes ``.mo`` files (git-ignored) for other gettext tools. English is the source
language: its strings are the msgids, so it needs no catalog.

``check_catalog`` reports untranslated and fuzzy entries; a shipped catalog with any
of them fails the tests and the bundles stage (code ``BN3xx``).
"""

from __future__ import annotations

import gettext
import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po

from pipeline.content.tree import shown as tree_shown
from pipeline.core.model import Finding, Locale, Severity

DOMAIN = "messages"
SOURCE_LANGUAGE = "en"
DEFAULT_LOCALES = Path(__file__).resolve().parent.parent / "locales"


def own_catalog_path(locales_dir: Path, locale: Locale) -> Path:
    """Where a catalog of ``locale`` sits under ``locales_dir``, existing or not."""
    return locales_dir / locale.babel / "LC_MESSAGES" / f"{DOMAIN}.po"


def catalog_path(locales_dir: Path, locale: Locale) -> Path:
    """The catalog a build uses: the site's own, else the package's default, else the
    site's (missing) path, which the BN304 finding names."""
    own = own_catalog_path(locales_dir, locale)
    if own.is_file():
        return own
    default = own_catalog_path(DEFAULT_LOCALES, locale)
    return default if default.is_file() else own


def shown(path: Path, root: Path) -> str:
    """``path`` as findings show it (``content.tree.shown``), resolved first."""
    return tree_shown(path.resolve(), root.resolve())


def read_catalog(path: Path, label: str) -> tuple[Catalog | None, list[Finding]]:
    """Parse one ``.po`` file; a syntax error becomes a located finding."""
    try:
        with path.open("rb") as fh:
            return read_po(fh, abort_invalid=True), []
    except (PoFileError, OSError, ValueError) as exc:
        line = getattr(exc, "lineno", 1) or 1
        return None, [Finding(label, line, 1, "BN301", Severity.ERROR,
                              f"cannot read catalog: {exc}", "run 'make i18n' and fix the file")]


def check_catalog(catalog: Catalog, label: str) -> list[Finding]:
    """Every untranslated or fuzzy entry of a catalog, located at its line."""
    findings = []
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        line = message.lineno or 1
        if message.fuzzy:
            findings.append(Finding(label, line, 1, "BN302", Severity.ERROR,
                                    f"fuzzy translation of {msgid!r}",
                                    "review it and remove the '#, fuzzy' flag"))
        elif not all(strings):
            findings.append(Finding(label, line, 1, "BN303", Severity.ERROR,
                                    f"untranslated string {msgid!r}",
                                    "translate every plural form in the catalog"))
    return findings


def load_translations(
    locales_dir: Path, locale: Locale, root: Path
) -> tuple[gettext.NullTranslations, list[Finding]]:
    """Compiled translations of a locale, and every problem of its catalog."""
    path = catalog_path(locales_dir, locale)
    label = shown(path, root)
    if not path.is_file():
        if locale.babel.split("_")[0] == SOURCE_LANGUAGE:
            return gettext.NullTranslations(), []
        return gettext.NullTranslations(), [Finding(
            label, 1, 1, "BN304", Severity.WARNING,
            f"no catalog for locale '{locale.code}'; its pages show English UI strings",
            f"run 'pybabel init -i {DEFAULT_LOCALES / 'messages.pot'} -d {shown(locales_dir, root)} "
            f"-l {locale.babel}'")]
    catalog, findings = read_catalog(path, label)
    if catalog is None:
        return gettext.NullTranslations(), findings
    findings += check_catalog(catalog, label)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer), findings


def shipped_catalogs(locales_dir: Path) -> list[Path]:
    """Every ``.po`` file under the catalogs folder, sorted."""
    return sorted(locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def main(locales_dir: Path = DEFAULT_LOCALES) -> int:
    """Check every shipped catalog; print the problems; 1 when there are any."""
    problems = []
    for path in shipped_catalogs(locales_dir):
        catalog, findings = read_catalog(path, path.as_posix())
        problems += findings + (check_catalog(catalog, path.as_posix()) if catalog else [])
    for finding in problems:
        print(f"{finding.path}:{finding.line}: {finding.code} {finding.message}")
    print(f"catalogs: {len(shipped_catalogs(locales_dir))} checked, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
