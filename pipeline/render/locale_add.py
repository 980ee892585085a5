"""``seo-pipeline i18n add LOCALE``: add a language to a site in one command.

It adds the ``[[locales]]`` entry to ``site.toml`` (tomlkit: comments and layout kept;
hreflang, Open Graph locale, direction, name and digits taken from CLDR unless given),
creates the content tree ``content/<code>/`` and the UI catalog
``locales/<locale>/LC_MESSAGES/messages.po`` from the template (``locales/messages.pot``
when the project has one, plus every string of the installed package: Babel's API, no
``pybabel`` process), and prints exactly the strings still to translate. Run again, it
changes nothing that exists and merges new UI strings into the catalog, keeping every
translation. The new configuration is checked before it is written (exit 2 otherwise).
"""

from __future__ import annotations

import argparse
import io
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import tomlkit
from babel import Locale as BabelLocale
from babel import UnknownLocaleError
from babel.core import get_global
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from pipeline.core.fsutil import write_bytes, write_text
from pipeline.core.model import Locale
from pipeline.core.settings import CONFIG_NAME, ConfigError, Settings, load_settings, parse_settings
from pipeline.render import catalogs
from pipeline.render.i18n import ZERO_DIGITS

TEMPLATE_FILE = "messages.pot"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["add"], help="add: add a language to the site")
    parser.add_argument("locale", help="BCP 47 language tag, e.g. fr, pt-BR, ur, he")
    parser.add_argument("--name", help="the language's name in itself (default: CLDR's)")
    parser.add_argument("--og-locale", help="Open Graph locale ll_CC (default: CLDR's likely "
                        "country, e.g. fr_FR)")
    parser.add_argument("--numbering", choices=sorted(ZERO_DIGITS),
                        help="digits of dates and numbers (default: CLDR's for the locale)")


@dataclass(frozen=True)
class Plan:
    """The ``[[locales]]`` entry a tag stands for."""

    code: str
    hreflang: str
    og_locale: str
    direction: str
    name: str
    numbering: str
    babel: str

    def entry(self) -> dict[str, str]:
        return {"code": self.code, "hreflang": self.hreflang, "og_locale": self.og_locale,
                "direction": self.direction, "name": self.name, "numbering": self.numbering}

    def locale(self) -> Locale:
        return Locale(self.code, self.hreflang, self.og_locale, self.direction, self.name,
                      self.babel, self.numbering)


def plan_for(tag: str, name: str | None = None, og_locale: str | None = None,
             numbering: str | None = None) -> Plan:
    """The entry for a language tag, from CLDR; ``ValueError`` for an unknown tag."""
    try:
        cldr = BabelLocale.parse(tag.replace("_", "-"), sep="-")
    except (ValueError, UnknownLocaleError) as exc:
        raise ValueError(f"'{tag}' is not a language CLDR knows: {exc}") from None
    hreflang = str(cldr).replace("_", "-")
    own_name = cldr.get_display_name(cldr) or hreflang
    system = getattr(cldr, "default_numbering_system", "latn")
    return Plan(code=hreflang.lower(), hreflang=hreflang,
                og_locale=og_locale or _og_locale(cldr),
                direction=cldr.text_direction, name=name or own_name[:1].upper() + own_name[1:],
                numbering=numbering or (system if system in ZERO_DIGITS else "latn"),
                babel=str(cldr))


def _og_locale(cldr: BabelLocale) -> str:
    """``ll_CC``: the tag's own country, else CLDR's likely one (fr -> fr_FR, ur -> ur_PK)."""
    country = cldr.territory or str(get_global("likely_subtags").get(cldr.language, "")
                                    ).rpartition("_")[2]
    return f"{cldr.language}_{country}" if len(country) == 2 else f"{cldr.language}_{cldr.language.upper()}"


def add_to_config(config: Path, settings: Settings, plan: Plan) -> bool:
    """Append the ``[[locales]]`` entry (checked first); False when the code is there."""
    if plan.code in settings.locale_codes:
        return False
    document = tomlkit.parse(config.read_text(encoding="utf-8"))
    table = tomlkit.table()
    for key, value in plan.entry().items():
        table[key] = value
    table.add(tomlkit.nl())  # a blank line before whatever follows
    if "locales" in document:
        document["locales"].append(table)
    else:
        document["locales"] = tomlkit.aot()
        document["locales"].append(table)
    text = tomlkit.dumps(document)
    _, findings = parse_settings(tomllib.loads(text), settings.root, text, config.name)
    if findings:
        raise ConfigError(findings)
    write_text(config, text)
    return True


def template(locales_dir: Path) -> Catalog:
    """The project's ``messages.pot`` when it has one, plus every UI string of the package."""
    path = locales_dir / TEMPLATE_FILE
    if path.is_file():
        with path.open("rb") as fh:
            result = read_po(fh)
    else:
        result = Catalog(project="seo-pipeline", fuzzy=False)
    for message in catalogs.ui_template():
        if message.id and message.id not in result:
            result[message.id] = message
    return result


def write_catalog(locales_dir: Path, locale: Locale) -> tuple[Path, Catalog, bool]:
    """Create the locale's catalog, or merge new strings into the existing one."""
    path = catalogs.catalog_path(locales_dir, locale)
    created = not path.exists()
    if created:
        catalog = Catalog(locale=locale.babel, project="seo-pipeline", fuzzy=False)
    else:
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=locale.babel)
    catalog.update(template(locales_dir), no_fuzzy_matching=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, ignore_obsolete=True, include_previous=False)
    write_bytes(path, buffer.getvalue())
    with path.open("rb") as fh:  # read back: line numbers are the file's
        return path, read_po(fh), created


def todo_lines(catalog: Catalog) -> list[str]:
    """One line per string still to translate: where it is and what to fill."""
    lines = []
    for message in catalogs.untranslated(catalog):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        shown = " / ".join(f'"{i}"' for i in ids)
        fuzzy = ", then delete its '#, fuzzy' line" if message.fuzzy else ""
        lines.append(f"  line {message.lineno}: {shown}: fill "
                     f"{catalogs.what_to_fill(message, catalog)}{fuzzy}")
    return lines


def main(args: argparse.Namespace) -> int:
    root = Path(args.root)
    config = Path(args.config) if args.config else root / CONFIG_NAME
    settings = load_settings(root, args.config)
    try:
        plan = plan_for(args.locale, args.name, args.og_locale, args.numbering)
    except ValueError as exc:
        print(f"error I18N001 {exc} (hint: use a language tag such as fr, pt-BR, ur or he)",
              file=sys.stderr)
        return 2
    added = add_to_config(config, settings, plan)
    print(f"{config.name}: [[locales]] {plan.code!r} "
          + ("added" if added else "already configured; left as it is"))
    content = settings.path("content") / plan.code
    made = not content.is_dir()
    content.mkdir(parents=True, exist_ok=True)
    print(f"{_shown(content, settings)}/: " + ("created" if made else "already there")
          + f" (write the {plan.name} articles here)")
    if plan.babel.split("_")[0] == catalogs.SOURCE_LANGUAGE:
        print("UI strings: English is the source language; it needs no catalog")
        return 0
    path, catalog, created = write_catalog(settings.path("locales"), plan.locale())
    todo = todo_lines(catalog)
    print(f"{_shown(path, settings)}: " + ("created" if created else "updated")
          + f"; {len(todo)} of {sum(1 for m in catalog if m.id)} UI strings to translate"
          + (":" if todo else ""))
    if todo:
        print("\n".join(todo))
        print("Translate them in that file; 'seo-pipeline build' fails (BN303) while any is "
              "missing. For articles, copy a source article into "
              f"{_shown(content, settings)}/ with the same translationKey and translate it.")
    return 0


def _shown(path: Path, settings: Settings) -> str:
    path = path.resolve()
    root = settings.root.resolve()
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
