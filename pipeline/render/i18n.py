"""Locale helpers over Babel/CLDR: language tags, direction, dates, numbers, plurals.

Digits follow each locale's configured CLDR numbering system (``numbering`` in
``site.toml``, e.g. ``"arab"`` for Arabic-Indic digits): Babel localises separators
and month names, and ``localise_digits`` swaps the digits. Plural forms come from the
gettext catalogs (``pipeline.render.catalogs``), so Arabic gets its six forms.
"""

from __future__ import annotations

import gettext
import math
from datetime import date, datetime
from functools import lru_cache

from babel import Locale as BabelLocale
from babel.dates import format_date
from babel.numbers import UnsupportedNumberingSystemError, format_decimal

from pipeline.core.model import Locale

# Zero digit of each supported CLDR numbering system; its nine successors follow it.
ZERO_DIGITS: dict[str, str] = {
    "latn": "0",
    "arab": "\u0660",  # Arabic-Indic
    "arabext": "\u06f0",  # Extended Arabic-Indic (Persian, Urdu)
    "beng": "\u09e6",
    "deva": "\u0966",
    "thai": "\u0e50",
}


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext no-op marker
    """Mark a string for extraction without translating it here."""
    return message


def babel_locale(locale: Locale) -> BabelLocale:
    return BabelLocale.parse(locale.babel)


@lru_cache(maxsize=64)
def _babel(tag: str) -> BabelLocale:
    return BabelLocale.parse(tag)


def numbering_problem(numbering: str) -> str:
    """Why a numbering system cannot be used, or ''."""
    if numbering in ZERO_DIGITS:
        return ""
    return f"unsupported numbering system {numbering!r} (known: {', '.join(ZERO_DIGITS)})"


def localise_digits(text: str, numbering: str) -> str:
    """ASCII digits in ``text`` written in the numbering system's digits."""
    zero = ZERO_DIGITS.get(numbering, "0")
    if zero == "0":
        return text
    table = {ord("0") + i: chr(ord(zero) + i) for i in range(10)}
    return text.translate(table)


def format_number(value: float | int, locale: Locale) -> str:
    """A number with the locale's separators and digits: 1234 -> '1,234' / '١٬٢٣٤'."""
    kind: type = type(value)  # plain ``type``: mypy takes type[float] for unhashable
    return _format_number(kind, value, locale.babel, locale.numbering)


@lru_cache(maxsize=4096)  # reading times repeat a handful of numbers; the type keeps 1 and 1.0 apart
def _format_number(kind: type, value: float | int, tag: str, numbering: str) -> str:
    try:
        text = format_decimal(value, locale=_babel(tag), numbering_system=numbering)
    except UnsupportedNumberingSystemError:
        text = format_decimal(value, locale=_babel(tag), numbering_system="default")
    return localise_digits(_ascii_digits(text), numbering)


def format_long_date(value: datetime, locale: Locale) -> str:
    """The locale's CLDR long date: '1 July 2025' / '١ يوليو ٢٠٢٥'."""
    return _long_date(value.date(), locale.babel, locale.numbering)


@lru_cache(maxsize=4096)
def _long_date(day: date, tag: str, numbering: str) -> str:
    text = format_date(day, format="long", locale=_babel(tag))
    return localise_digits(_ascii_digits(text), numbering)


def _ascii_digits(text: str) -> str:
    """Digits of any Unicode decimal system back to ASCII (CLDR may already localise some)."""
    return "".join(str(int(c)) if c.isdecimal() and not c.isascii() else c for c in text)


def reading_minutes(words: int, words_per_minute: int) -> int:
    """Whole minutes to read ``words`` words, rounded up (0 only for no words)."""
    return math.ceil(words / max(1, words_per_minute))


def reading_time_label(minutes: int, locale: Locale, translations: gettext.NullTranslations) -> str:
    """'Reading time: 5 minutes' with the plural form the locale's catalog selects."""
    template = translations.ngettext(
        "Reading time: %(num)s minute", "Reading time: %(num)s minutes", minutes
    )
    return template % {"num": format_number(minutes, locale)}


def html_lang(locale: Locale) -> str:
    """The value of ``lang`` attributes: the BCP 47 tag (with '-')."""
    return locale.hreflang
