"""Is an ``hreflang`` value a language code search engines understand? Checked with CLDR.

Accepted: ``x-default`` or ``language[-Script][-REGION]`` (BCP 47 subset that hreflang
uses), case-insensitive, with a language, script and region CLDR knows. Deprecated
aliases (``iw``, ``UK``) and a region where CLDR records no use of the language
(``ar-AR``: AR is Argentina) get a hint naming what was probably meant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from babel import Locale
from babel.core import get_global
from babel.languages import get_territory_language_info

from pipeline.core.model import Severity

X_DEFAULT = "x-default"
_UNKNOWN = {"und", "mul", "zxx", "mis", "ZZ"}  # CLDR's "unknown"/"no content" codes
_SHAPE = re.compile(r"(?P<lang>[A-Za-z]{2,3})(?:-(?P<script>[A-Za-z]{4}))?"
                    r"(?:-(?P<region>[A-Za-z]{2}|\d{3}))?")


@dataclass(frozen=True, slots=True)
class CodeProblem:
    code: str  # finding code: HL001 invalid, HL002 unusual combination
    severity: Severity
    message: str
    hint: str


@cache
def _names() -> Locale:
    return Locale("en")


@lru_cache(maxsize=4096)
def check_code(value: str) -> CodeProblem | None:
    """``None`` when ``value`` is a usable hreflang code, else what is wrong with it."""
    if value.lower() == X_DEFAULT:
        return None
    if "_" in value:
        return _bad(value, "uses '_'", f"BCP 47 separates subtags with '-': "
                    f"'{value.replace('_', '-')}'")
    match = _SHAPE.fullmatch(value)
    if match is None:
        return _bad(value, "is not of the form language[-Script][-REGION]",
                    "use e.g. 'en', 'en-GB', 'ar', 'ar-SA' or 'zh-Hant-TW'")
    lang = match["lang"].lower()
    script = match["script"].title() if match["script"] else None
    region = match["region"].upper() if match["region"] else None
    return (_language(value, lang) or _script(value, script)
            or _region(value, lang, region) or _combination(value, lang, region))


def _bad(value: str, why: str, hint: str) -> CodeProblem:
    return CodeProblem("HL001", Severity.ERROR, f"hreflang '{value}' {why}", hint)


def _language(value: str, lang: str) -> CodeProblem | None:
    alias = get_global("language_aliases").get(lang)
    if alias and alias != lang:
        return _bad(value, f"uses the deprecated language code '{lang}'", f"use '{alias}'")
    if lang not in _names().languages or lang in _UNKNOWN:
        return _bad(value, f"has an unknown language '{lang}'",
                    "use an ISO 639-1 code such as 'en' or 'ar'")
    return None


def _script(value: str, script: str | None) -> CodeProblem | None:
    if script is None or script in _names().scripts:
        return None
    return _bad(value, f"has an unknown script '{script}'", "use e.g. 'Latn', 'Arab', 'Hant'")


def _region(value: str, lang: str, region: str | None) -> CodeProblem | None:
    if region is None:
        return None
    aliases = get_global("territory_aliases").get(region)
    if aliases:
        better = f"{lang}-{aliases[0]}"
        return _bad(value, f"uses '{region}', which is not an ISO 3166-1 region code",
                    f"did you mean '{better}'?")
    if region not in _names().territories or region in _UNKNOWN:
        return _bad(value, f"has an unknown region '{region}'",
                    "use an ISO 3166-1 alpha-2 code such as 'GB' or 'SA'")
    return None


def _combination(value: str, lang: str, region: str | None) -> CodeProblem | None:
    if region is None or region.isdigit():
        return None
    spoken = {key.split("_")[0] for key in get_territory_language_info(region)}
    if lang in spoken:
        return None
    names = _names()
    place = names.territories.get(region, region)
    usual = ", ".join(sorted(spoken)[:5]) or "none recorded"
    return CodeProblem(
        "HL002", Severity.WARNING,
        f"hreflang '{value}' targets {names.languages.get(lang, lang)} speakers in {place}, "
        f"where CLDR records no use of it (languages there: {usual})",
        f"the region subtag is a country, not a language: use '{lang}' alone or a country "
        f"where it is spoken")
