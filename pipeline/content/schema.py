"""Front-matter schema (JSON Schema, ``schemas/frontmatter.schema.json``) and typing.

jsonschema checks types, required fields and formats; each error becomes a located
``Finding``. ``to_front_matter`` turns valid data into the typed ``FrontMatter``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Mapping
from functools import cache, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, cast
from urllib.parse import unquote, urlsplit

from pipeline.content.parsing import Parsed
from pipeline.core import urls
from pipeline.core.jsontypes import JSONObject, JSONValue
from pipeline.core.model import Author, Finding, FrontMatter, Reviewer, Severity
from pipeline.core.text import invisible_chars, sanitize_line
from pipeline.redirects.paths import alias_problem, normal

if TYPE_CHECKING:  # imported when a front matter is not plainly valid (``_validator``)
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
SLUG_FORBIDDEN = set("/\\?#%<>\"'`|^{}[]:*")
# ASCII letters, digits, '-' and '_', Arabic letters and Arabic-Indic digits: no space,
# dot, forbidden, control or bidi character, and text of them alone is NFC (every pair
# of them was checked with ``unicodedata``).
_PLAIN_SLUG = re.compile("[0-9A-Za-z_\\-\u0621-\u063a\u0641-\u064a\u0660-\u0669]+")


def parse_datetime(text: str) -> dt.datetime | None:
    """ISO 8601 date or date-time -> aware datetime (UTC assumed when no offset)."""
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        return None
    offset = value.utcoffset()
    if offset is not None and offset % dt.timedelta(minutes=1):
        return None  # '+05:30:15': W3C datetime (sitemaps) and RFC 3339 allow minutes only
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def slug_problem(slug: str) -> str:
    """Why ``slug`` cannot be used in a URL path segment, or '' when it can."""
    if _PLAIN_SLUG.fullmatch(slug):  # the usual slug: passes every check below
        return ""
    if slug != slug.strip():
        return "has leading or trailing spaces"
    chars = set(slug)  # each check below asks about characters, not positions
    if any(c.isspace() for c in chars):
        return "contains whitespace (use '-')"
    if ".." in slug or slug.startswith("."):
        return "contains '..' or starts with '.' (path traversal)"
    if bad_chars := chars & SLUG_FORBIDDEN:
        bad = "".join(sorted(bad_chars))
        return f"contains characters not allowed in a slug: {bad}"
    if chars & BIDI_CONTROLS:
        return "contains bidirectional control characters"
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn") for c in chars):
        return "contains control or invisible characters"
    if not unicodedata.is_normalized("NFC", slug):
        return "is not in Unicode NFC form"
    return ""


def url_or_path_problem(value: str) -> str:
    """Why an image/URL field is unusable, or ''."""
    if not isinstance(value, str):
        return ""
    return _url_or_path_problem(value)


@lru_cache(maxsize=4096)  # a pure function of the text; covers and pictures repeat
def _url_or_path_problem(value: str) -> str:
    if hidden := invisible_chars(value):
        return f"contains control or invisible characters ({', '.join(hidden)})"
    try:
        parts = urlsplit(value)
    except ValueError as exc:  # e.g. 'https://[' (an unclosed IPv6 literal)
        return f"is not a valid URL: {exc}"
    if parts.netloc and not parts.scheme:
        return "is a protocol-relative URL; write it with https://"
    if parts.scheme:
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return "must be an http(s) URL or a site path starting with '/'"
        try:
            urls.iri_to_uri(value)
        except ValueError as exc:
            return f"is not a valid URL: {exc}"
        return ""
    if ".." in unquote(parts.path).split("/"):  # PurePosixPath(...).parts keeps '..' as is
        return "must not contain '..' (also when percent-encoded)"
    return ""


@cache
def schema() -> JSONObject:
    text = resources.files("pipeline").joinpath("schemas/frontmatter.schema.json").read_text()
    return json.loads(text)


@cache
def _validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator, FormatChecker

    checker = FormatChecker()
    checker.checks("iso8601")(lambda v: not isinstance(v, str) or parse_datetime(v) is not None)
    checker.checks("slug")(lambda v: not isinstance(v, str) or not slug_problem(v))
    checker.checks("url-or-path")(lambda v: not url_or_path_problem(v))
    checker.checks("alias")(lambda v: not alias_problem(v))
    return Draft202012Validator(schema(), format_checker=checker)


def check(parsed: Parsed, shown: str) -> list[Finding]:
    """Every schema problem of one article's front matter, located at its key."""
    if _fast_valid(parsed.data):
        return []
    errors = sorted(_validator().iter_errors(parsed.data), key=lambda e: list(e.absolute_path))
    findings: list[Finding] = []
    for error in errors:
        if error.validator == "additionalProperties":
            findings += _unknown_fields(error, parsed, shown)
        else:
            findings.append(_to_finding(error, parsed, shown))
    return findings


# The schema the hand-written check below was written against; when the schema file
# says anything else, every document goes through jsonschema.
_FAST_SCHEMA_TEXT = (
    '{"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"https://seo-pip'
    'eline.invalid/schemas/frontmatter.schema.json","title":"Article front matter","d'
    'escription":"Next.js blog-starter fields plus what a multilingual site needs.","'
    'type":"object","required":["title","excerpt","coverImage","date","author"],"prop'
    'erties":{"title":{"type":"string","minLength":1,"pattern":"\\\\S"},"excerpt":{"t'
    'ype":"string","minLength":1,"pattern":"\\\\S"},"coverImage":{"type":"string","mi'
    'nLength":1,"format":"url-or-path"},"coverAlt":{"type":"string","minLength":1,"pa'
    'ttern":"\\\\S"},"date":{"type":"string","format":"iso8601"},"lastmod":{"type":"s'
    'tring","format":"iso8601"},"expiryDate":{"type":"string","format":"iso8601"},"au'
    'thor":{"type":"object","required":["name"],"properties":{"name":{"type":"string"'
    ',"minLength":1},"picture":{"type":"string","minLength":1,"format":"url-or-path"}'
    ',"type":{"enum":["Person","Organization"]},"url":{"type":"string","minLength":1,'
    '"format":"url-or-path"},"sameAs":{"type":"array","items":{"type":"string","patte'
    'rn":"^https?://\\\\S+$"},"uniqueItems":true}},"additionalProperties":false},"ogI'
    'mage":{"type":"object","required":["url"],"properties":{"url":{"type":"string","'
    'minLength":1,"format":"url-or-path"}},"additionalProperties":false},"slug":{"typ'
    'e":"string","minLength":1,"format":"slug"},"translationKey":{"type":"string","mi'
    'nLength":1,"pattern":"^[A-Za-z0-9][A-Za-z0-9._-]*$"},"translationOf":{"type":"st'
    'ring","pattern":"^[0-9a-f]{64}$"},"locale":{"type":"string","minLength":1},"draf'
    't":{"type":"boolean"},"tags":{"type":"array","items":{"type":"string","minLength'
    '":1},"uniqueItems":true},"aliases":{"type":"array","items":{"type":"string","min'
    'Length":1,"format":"alias"},"uniqueItems":true},"keyphrase":{"type":"string","mi'
    'nLength":1,"pattern":"\\\\S"},"keyphraseSynonyms":{"type":"array","items":{"type'
    '":"string","minLength":1,"pattern":"\\\\S"},"uniqueItems":true},"reviewedBy":{"t'
    'ype":"object","required":["name"],"properties":{"name":{"type":"string","minLeng'
    'th":1,"pattern":"\\\\S"},"credentials":{"type":"string","minLength":1},"url":{"t'
    'ype":"string","minLength":1,"format":"url-or-path"},"type":{"enum":["Person","Or'
    'ganization"]}},"additionalProperties":false},"lastReviewed":{"type":"string","fo'
    'rmat":"iso8601"},"medicalSpecialty":{"type":"string","minLength":1,"pattern":"'
    '\\\\S"},"about":{"type":"string","minLength":1,"pattern":"\\\\S"}},"additionalPr'
    'operties":false}')
_NOT_SPACE = re.compile(r"\S")
_KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_HASH_PATTERN = re.compile(r"^[0-9a-f]{64}$")
_TOP_KEYS = frozenset(("title", "excerpt", "coverImage", "coverAlt", "date", "lastmod",
                       "author", "ogImage", "slug", "translationKey", "translationOf",
                       "locale", "draft", "tags", "expiryDate", "aliases"))


@cache
def _fast_path() -> bool:
    """True when the schema file is the one ``_fast_valid`` implements."""
    return schema() == json.loads(_FAST_SCHEMA_TEXT)


def _text(value: object) -> bool:
    """``{"type": "string", "minLength": 1, "pattern": "\\S"}``."""
    return type(value) is str and _NOT_SPACE.search(value) is not None


def _link(value: object) -> bool:
    """``{"type": "string", "minLength": 1, "format": "url-or-path"}``."""
    return type(value) is str and value != "" and not url_or_path_problem(value)


def _date(value: object) -> bool:
    return type(value) is str and parse_datetime(value) is not None


def _fast_valid(data: JSONValue) -> bool:
    """True only when jsonschema would find no error in ``data`` (the common case);
    otherwise jsonschema runs and words the findings. Errs towards ``False``."""
    if type(data) is not dict or not _fast_path() or not _TOP_KEYS.issuperset(data):
        return False
    get = data.get
    author, og = get("author"), get("ogImage", {"url": "/"})
    if not (_text(get("title")) and _text(get("excerpt")) and _link(get("coverImage"))
            and _date(get("date")) and type(author) is dict
            and {"name", "picture"}.issuperset(author)
            and type(author.get("name")) is str and author["name"] != ""
            and ("picture" not in author or _link(author["picture"]))
            and type(og) is dict and len(og) == 1
            and _link(og.get("url"))):
        return False
    if "coverAlt" in data and not _text(data["coverAlt"]):
        return False
    if "lastmod" in data and not _date(data["lastmod"]):
        return False
    if "expiryDate" in data and not _date(data["expiryDate"]):
        return False
    if "slug" in data:
        slug = data["slug"]
        if type(slug) is not str or slug == "" or slug_problem(slug):
            return False
    if "translationKey" in data:
        key = data["translationKey"]
        if type(key) is not str or key == "" or _KEY_PATTERN.search(key) is None:
            return False
    if "translationOf" in data:
        of = data["translationOf"]
        if type(of) is not str or _HASH_PATTERN.search(of) is None:
            return False
    if "locale" in data and (type(data["locale"]) is not str or data["locale"] == ""):
        return False
    if "draft" in data and type(data["draft"]) is not bool:
        return False
    if "tags" in data:
        tags = data["tags"]
        if type(tags) is not list or not all(type(t) is str and t != "" for t in tags) \
                or len(set(tags)) != len(tags):
            return False
    if "aliases" in data:
        aliases = data["aliases"]
        if type(aliases) is not list or not all(type(a) is str and a != "" and not
                                                alias_problem(a) for a in aliases) \
                or len(set(aliases)) != len(aliases):
            return False
    return True


def _unknown_fields(error: ValidationError, parsed: Parsed, shown: str) -> list[Finding]:
    """One warning per unknown field, each at its own key."""
    prefix = ".".join(str(p) for p in error.absolute_path if not isinstance(p, int))
    # The stubs also allow a hand-made error's Unset; a validator's errors carry both values.
    schema = cast("Mapping[str, JSONValue]", error.schema)
    extra = sorted(set(cast("JSONObject", error.instance)) - set(schema.get("properties", {})),
                   key=str)
    findings = []
    for key in extra:
        name = f"{prefix}.{key}" if prefix else str(key)
        findings.append(Finding(shown, parsed.key_lines.get(name, 1),
                                parsed.key_cols.get(name, 1), "FM103", Severity.WARNING,
                                f"unknown field '{name}'", "check the spelling; it is ignored"))
    return findings


# An example line per field, shown in hints (a hint names no file a user may not have).
EXAMPLES = {
    "title": 'title: "Laser Skin Resurfacing: A High-Tech Approach"',
    "excerpt": 'excerpt: "What the treatment does, in 50 to 160 characters."',
    "coverImage": 'coverImage: "/assets/blog/my-article/cover.jpg"',
    "coverAlt": 'coverAlt: "A clinician treating a patient\'s cheek with a laser"',
    "date": 'date: "2025-07-01"',
    "lastmod": 'lastmod: "2025-08-01"',
    "author": 'author: {name: "Editorial Team", picture: "/assets/authors/team.jpg"}',
    "author.name": 'author: {name: "Editorial Team"}',
    "author.picture": 'author: {name: "Editorial Team", picture: "/assets/authors/team.jpg"}',
    "ogImage": 'ogImage: {url: "/assets/blog/my-article/share.jpg"}',
    "ogImage.url": 'ogImage: {url: "/assets/blog/my-article/share.jpg"}',
    "slug": "slug: my-article",
    "translationKey": "translationKey: my-article",
    "locale": "locale: en",
    "draft": "draft: false",
    "tags": "tags: [laser, skin]",
    "expiryDate": 'expiryDate: "2026-12-31"',
    "aliases": 'aliases: ["/en/old-slug/"]',
    "keyphrase": 'keyphrase: "laser skin resurfacing"',
    "keyphraseSynonyms": 'keyphraseSynonyms: ["laser resurfacing"]',
    "reviewedBy": 'reviewedBy: {name: "Medical Team", type: Organization}',
    "reviewedBy.name": 'reviewedBy: {name: "Medical Team", type: Organization}',
    "lastReviewed": 'lastReviewed: "2025-08-01"',
}


def _to_finding(error: ValidationError, parsed: Parsed, shown: str) -> Finding:
    path = ".".join(str(p) for p in error.absolute_path if not isinstance(p, int))
    line = parsed.key_lines.get(path, 1)
    col = parsed.key_cols.get(path, 1)
    field = path or "front matter"
    value = error.instance
    code, message, hint = "FM108", f"'{field}': {error.message}", ""
    if error.validator == "required":
        missing = error.message.split("'")[1]
        name = f"{path}.{missing}" if path else missing
        code, message = "FM101", f"required field '{name}' is missing"
        hint = f"add a line such as  {EXAMPLES[name]}" if name in EXAMPLES else ""
    elif error.validator == "type":
        expected = error.validator_value
        code = "FM102"
        message = f"'{field}' must be {_article(expected)}, got {_json_type(value)} {value!r}"
        if field in ("date", "lastmod", "expiryDate"):
            hint = "quote it: date: \"2025-07-01T05:35:07Z\""
        elif field in EXAMPLES:
            hint = f"write it as {_article(expected)}, e.g.  {EXAMPLES[field]}"
    elif error.validator == "format":
        code, message, hint = _format_message(cast(str, error.validator_value), field, value)
    elif error.validator in ("minLength", "pattern") and isinstance(value, str) and not value.strip():
        code, message = "FM106", f"'{field}' is empty"
    elif field == "translationKey":
        code, message = "FM107", f"translationKey {value!r} must be ASCII letters, digits, '.', '_', '-'"
    return Finding(shown, line, col, code, Severity.ERROR, message, hint)


def _format_message(fmt: str, field: str, value: JSONValue) -> tuple[str, str, str]:
    if fmt == "iso8601":
        return ("FM104", f"'{field}' is not an ISO 8601 date: {value!r}",
                "use e.g. 2025-07-01 or 2025-07-01T05:35:07Z; an offset has hours and minutes only")
    if fmt == "alias":
        return ("FM111", f"alias {value!r} {alias_problem(value)}",
                "list old paths of this site, e.g.  aliases: [\"/en/old-slug/\"]")
    if fmt == "slug":
        return ("FM105", f"slug {value!r} {slug_problem(value)}",
                "use letters (Arabic allowed), digits and '-'")
    return ("FM109", f"'{field}' {url_or_path_problem(value)}: {value!r}",
            "use an absolute http(s) URL or a path under public/ such as /assets/x.jpg")


def _article(expected: JSONValue) -> str:
    names = {"string": "a string", "object": "a mapping", "array": "a list",
             "boolean": "true or false", "integer": "an integer", "number": "a number"}
    return names.get(expected, str(expected))


def _json_type(value: object) -> str:
    for py, name in ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"),
                     (list, "list"), (dict, "mapping")):
        if isinstance(value, py):
            return name
    return "null" if value is None else type(value).__name__


TEXT_FIELDS = ("title", "excerpt", "author.name", "tags")


def invisible_findings(parsed: Parsed, shown: str) -> list[Finding]:
    """A warning at each text field holding invisible or control characters (stripped on output)."""
    findings = []
    for key in TEXT_FIELDS:
        head, _, sub = key.partition(".")
        value = parsed.data.get(head)
        if sub and isinstance(value, dict):
            value = value.get(sub)
        values = value if isinstance(value, list) else [value]
        found = sorted({c for v in values if isinstance(v, str) for c in invisible_chars(v)})
        if found:
            findings.append(Finding(shown, parsed.key_lines.get(key, 1),
                                    parsed.key_cols.get(key, 1), "FM302", Severity.WARNING,
                                    f"'{key}' contains invisible or control characters: "
                                    f"{', '.join(found)}", "delete them; they are removed from "
                                    "the pages and sitemaps"))
    return findings


def to_front_matter(data: JSONObject, default_slug: str, default_key: str) -> FrontMatter:
    """Typed front matter from schema-valid data, with path-derived fallbacks."""
    date = parse_datetime(data["date"])
    assert date is not None  # guaranteed by the schema
    lastmod = parse_datetime(data["lastmod"]) if "lastmod" in data else None
    author = data["author"]
    og = data.get("ogImage") or {"url": data["coverImage"]}
    return FrontMatter(
        title=sanitize_line(data["title"]).strip(),
        excerpt=" ".join(sanitize_line(data["excerpt"]).split()),
        cover_image=data["coverImage"],
        date=date,
        author=Author(name=sanitize_line(author["name"]).strip(),
                      picture=author.get("picture", ""), url=author.get("url", ""),
                      same_as=tuple(author.get("sameAs", ())),
                      kind=author.get("type", "Person")),
        og_image=og["url"],
        slug=data.get("slug") or default_slug,
        translation_key=data.get("translationKey") or default_key,
        lastmod=lastmod,
        draft=bool(data.get("draft", False)),
        tags=tuple(dict.fromkeys(t for t in (unicodedata.normalize(
            "NFC", sanitize_line(x).strip()) for x in data.get("tags", ())) if t)),
        translation_of=data.get("translationOf"),
        locale=data.get("locale"),
        cover_alt=" ".join(data["coverAlt"].split()) if "coverAlt" in data else None,
        expiry=parse_datetime(data["expiryDate"]) if "expiryDate" in data else None,
        aliases=tuple(dict.fromkeys(normal(a) for a in data.get("aliases", ()))),
        keyphrase=_line_of(data.get("keyphrase")),
        keyphrase_synonyms=tuple(t for t in (_line_of(x) for x in data.get(
            "keyphraseSynonyms", ())) if t),
        reviewed_by=_reviewer(data.get("reviewedBy")),
        last_reviewed=parse_datetime(data["lastReviewed"]) if "lastReviewed" in data else None,
        medical_specialty=_line_of(data.get("medicalSpecialty")),
        about=_line_of(data.get("about")),
    )


def _line_of(value: str | None) -> str | None:
    """One clean line of a free-text field, or None when absent or blank."""
    text = " ".join(sanitize_line(value).split()) if value else ""
    return text or None


def _reviewer(data: JSONObject | None) -> Reviewer | None:
    if not data:
        return None
    return Reviewer(name=_line_of(data["name"]) or data["name"],
                    credentials=_line_of(data.get("credentials")) or "",
                    url=data.get("url", ""), kind=data.get("type", "Person"))
