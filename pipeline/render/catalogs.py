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
import re
from collections.abc import Collection
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract
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


# What babel.cfg and `make i18n` extract: gettext calls in Python, {% trans %} in templates.
KEYWORDS: dict[str, tuple[int, ...] | None] = {"_": None, "gettext": None, "ngettext": (1, 2),
                                               "N_": None}
_MARKED = re.compile(r"\b(?:N_|_|n?gettext)\(")  # files without such a call are not parsed
PACKAGE = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def ui_template() -> Catalog:
    """The package's own UI strings as a template catalog, extracted with Babel the way
    `make i18n` writes ``locales/messages.pot`` (which pip installs do not have)."""
    catalog = Catalog(project="seo-pipeline", fuzzy=False)
    sources: list[tuple[Path, str, dict[str, str]]]
    sources = [(p, "python", {}) for p in sorted(PACKAGE.rglob("*.py"))
               if _MARKED.search(p.read_text(encoding="utf-8"))]
    sources += [(p, "jinja2.ext:babel_extract", {"extensions": "jinja2.ext.i18n"})
                for p in sorted((PACKAGE / "render" / "templates").rglob("*.html"))]
    for path, method, options in sources:
        where = path.relative_to(PACKAGE.parent).as_posix()
        with path.open("rb") as fh:
            for line, message, _, context in extract(method, fh, keywords=KEYWORDS,
                                                     options=options):
                catalog.add(message, None, [(where, line)], context=context)
    return catalog


@lru_cache(maxsize=1)
def ui_msgids() -> frozenset[str]:
    """The msgid of every UI string a page can show."""
    return frozenset(msgid_of(m) for m in ui_template() if m.id)


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
                              f"cannot read catalog: {exc}",
                              'fix that line; entries are pairs such as msgid "Contents" / '
                              'msgstr "Contenu"')]


def msgid_of(message: Message) -> str:
    """A message's singular msgid (the first of a plural pair)."""
    return message.id if isinstance(message.id, str) else message.id[0]


def untranslated(catalog: Catalog) -> list[Message]:
    """Entries (fuzzy ones included) whose translation is missing or not yet reviewed."""
    return [m for m in catalog if m.id and (m.fuzzy or not all(_strings(m)))]


def _strings(message: Message) -> tuple[str | None, ...]:
    """A message's translations: one, or one per plural form."""
    string = message.string
    return tuple(string) if isinstance(string, (tuple, list)) else (string,)


def what_to_fill(message: Message, catalog: Catalog) -> str:
    """Which lines of the ``.po`` file take the translation of ``message``."""
    if message.pluralizable:
        last = catalog.num_plurals - 1
        return (f"msgstr[0]..msgstr[{last}] (the {catalog.num_plurals} plural forms of "
                f"'{catalog.locale_identifier}')" if last else "msgstr[0]")
    return "msgstr"


def _listed(messages: list[Message]) -> str:
    return ", ".join(f"{msgid_of(m)!r} (line {m.lineno or 1})" for m in messages)


def _fill_hint(messages: list[Message], catalog: Catalog) -> str:
    """One hint for a list of untranslated strings: plural and plain ones say what to fill."""
    plain = [m for m in messages if not m.pluralizable]
    plural = [m for m in messages if m.pluralizable]
    parts = []
    if plain:
        parts.append("write each translation into the msgstr \"\" line under its msgid")
    if plural:
        names = ", ".join(repr(msgid_of(m)) for m in plural)
        parts.append(f"for {names} fill {what_to_fill(plural[0], catalog)}")
    return "; ".join(parts)


def check_catalog(catalog: Catalog, label: str, expected: Collection[str] = (),
                  severity: Severity = Severity.ERROR) -> list[Finding]:
    """The catalog's problems, one finding per kind listing every string concerned:
    fuzzy (BN302), untranslated (BN303), and strings the pages use that it lacks (BN306)."""
    findings = []
    fuzzy = [m for m in catalog if m.id and m.fuzzy]
    empty = [m for m in catalog if m.id and not m.fuzzy and not all(_strings(m))]
    if fuzzy:
        findings.append(Finding(
            label, fuzzy[0].lineno or 1, 1, "BN302", severity,
            f"{len(fuzzy)} fuzzy translation(s), not used until reviewed: {_listed(fuzzy)}",
            "review each one and delete its '#, fuzzy' line"))
    if empty:
        findings.append(Finding(
            label, empty[0].lineno or 1, 1, "BN303", severity,
            f"{len(empty)} untranslated string(s): {_listed(empty)}",
            _fill_hint(empty, catalog)))
    if missing := sorted(set(expected) - {msgid_of(m) for m in catalog if m.id}):
        code = catalog.locale_identifier or "LOCALE"
        findings.append(Finding(
            label, 1, 1, "BN306", severity,
            f"catalog lacks {len(missing)} string(s) the pages use: "
            f"{', '.join(repr(m) for m in missing)}",
            f"run 'seo-pipeline i18n add {code}' to add them, then translate them"))
    return findings


def load_translations(
    locales_dir: Path, locale: Locale, root: Path, has_content: bool = False
) -> tuple[gettext.NullTranslations, list[Finding]]:
    """Compiled translations of a locale, and every problem of its catalog.

    A locale with articles needs a complete catalog: its problems are errors (BN305 when
    it has none); for one without articles yet they are warnings (BN304 for none)."""
    path = catalog_path(locales_dir, locale)
    label = shown(path, root)
    if not path.is_file():
        if locale.babel.split("_")[0] == SOURCE_LANGUAGE:
            return gettext.NullTranslations(), []
        hint = f"run 'seo-pipeline i18n add {locale.code}' and translate the strings it lists"
        if has_content:
            return gettext.NullTranslations(), [Finding(
                label, 1, 1, "BN305", Severity.ERROR,
                f"no catalog for locale '{locale.code}', which has articles: its pages would "
                "show English UI strings", hint)]
        return gettext.NullTranslations(), [Finding(
            label, 1, 1, "BN304", Severity.WARNING,
            f"no catalog for locale '{locale.code}'; its pages show English UI strings", hint)]
    catalog, findings = read_catalog(path, label)
    if catalog is None:
        return gettext.NullTranslations(), findings
    findings += check_catalog(catalog, label, ui_msgids(),
                              Severity.ERROR if has_content else Severity.WARNING)
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
        problems += findings + (check_catalog(catalog, path.as_posix(), ui_msgids())
                                if catalog else [])
    for finding in problems:
        print(f"{finding.path}:{finding.line}: {finding.code} {finding.message} "
              f"(hint: {finding.hint})")
    print(f"catalogs: {len(shipped_catalogs(locales_dir))} checked, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
