"""One article as the cross-article checks see it: a small summary computed in the
article's work unit (``engine.units.run_unit``) from the analysis' reading of the body.

Numbers are stored compactly: the MinHash signature (``minhash``) of the article's set of
word pairs, its LSH band keys and the word-pair hashes, as base64 of unsigned 32-bit
arrays, and ``digest`` hashes the rest. Word pairs are consecutive content words of
the running text (no headings, stop words removed), in matching form
(``analysis.textnorm.stem``), in order of first use; ``pairLines`` says on which line
each run of them starts, so a suggestion is located without reading the text again.
"""

from __future__ import annotations

import base64
import hashlib
import operator
import re
import zlib
from array import array
from itertools import groupby
from urllib.parse import unquote, urljoin, urlsplit

import orjson

from pipeline.analysis import textnorm
from pipeline.analysis.checks import Subject
from pipeline.core.addresses import page_address
from pipeline.core.jsontypes import JSONObject
from pipeline.core.settings import Settings
from pipeline.crosscheck import minhash
from pipeline.links.internal import page_match

_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")  # a word in Arabic script starts here
_FIRST = operator.itemgetter(slice(0, 1))  # a word's first letter ("" for none)
MIN_PASSAGE_WORDS = 5  # shorter paragraphs are not compared as shared passages
HEADING_CHARS = 80  # a heading's text as kept for messages


def pack(values: list[int] | tuple[int, ...]) -> str:
    """Unsigned 32-bit integers as base64 text."""
    return base64.b64encode(array("I", values).tobytes()).decode("ascii")


def unpack(text: str) -> array[int]:
    return array("I", base64.b64decode(text))


_PAIR = "{} {}"


def pair_hash(first: str, second: str) -> int:
    """The hash of two consecutive content words (matching form); ``summarize`` maps the
    same formula over a paragraph."""
    return zlib.crc32(_PAIR.format(first, second).encode())


def text_hash(words: list[str]) -> int:
    return zlib.crc32(" ".join(words).encode())


def summarize(settings: Settings, subject: Subject) -> JSONObject:
    """The article's summary (JSON-ready, a few kilobytes at most)."""
    article, doc = subject.article, subject.doc
    lang = article.locale.split("-")[0]
    stop = textnorm.stop_stems(lang)
    url = page_address(settings.base_url, settings.site.url_pattern, article.locale,
                       article.slug).url
    words = counted = 0
    firsts: list[str] = []  # the first letter of every content word
    hashes: list[int] = []
    lines: list[int] = []
    passages: list[list[int]] = []
    for block, stems in zip(doc.paragraphs, subject.paragraph_stems, strict=True):
        words += len(stems)
        if len(stems) >= MIN_PASSAGE_WORDS:
            passages.append([block.line, text_hash(stems)])
        content = [s for s in stems if s not in stop]  # as textnorm.content_stems
        counted += len(content)
        firsts += map(_FIRST, content)
        found = list(map(zlib.crc32, map(str.encode, map(_PAIR.format, content, content[1:]))))
        hashes += found
        lines += [block.line] * len(found)
    first_line = dict(zip(reversed(hashes), reversed(lines), strict=True))  # first use wins
    pairs = list(dict.fromkeys(hashes))  # each pair once, in order of first use
    pair_lines = [[line, len(list(run))] for line, run in groupby(map(first_line.get, pairs))]
    seen = set(pairs)
    arabic = len(_ARABIC_SCRIPT.findall("".join(firsts)))
    signature = minhash.signature(seen)
    return with_digest({
        "locale": article.locale, "key": article.translation_key, "slug": article.slug, "url": url,
        "title": article.meta.title, "titleLine": article.line_of("title"),
        "phrase": subject.phrase, "phraseFrom": subject.source,
        "phraseWords": textnorm.content_stems(subject.phrase, lang),
        "titleWords": textnorm.content_stems(article.meta.title, lang),
        "signature": pack(signature), "bands": pack(minhash.bands(signature)),
        "words": words, "paragraphs": len(doc.paragraphs),
        "headings": [[h.level, h.line, h.text[:HEADING_CHARS]] for h in doc.headings],
        "arabic": round(arabic / counted, 3) if counted else 0.0,
        "links": sorted(f"{locale}/{slug}" for locale, slug in linked_pages(
            settings, url, [link.href for link in doc.links])),
        "passages": passages, "pairs": pack(pairs), "pairLines": pair_lines,
    })


def with_digest(row: JSONObject) -> JSONObject:
    """``row`` with ``digest``: a hash of everything else in it, so the cross step tells a
    changed summary from an unchanged one without reading it (``crosscheck.patch``)."""
    body = {k: v for k, v in row.items() if k != "digest"}
    row["digest"] = hashlib.blake2b(orjson.dumps(body, option=orjson.OPT_SORT_KEYS),
                                    digest_size=12).hexdigest()
    return row


def linked_pages(settings: Settings, own_url: str, hrefs: list[str]) -> set[tuple[str, str]]:
    """``(locale, slug)`` of every article page of the site among ``hrefs``."""
    base = settings.base_url
    found = set()
    for href in hrefs:
        if "://" in href and not href.startswith(base):
            continue  # another site: no need to resolve it
        url = urljoin(own_url, href.strip())
        if url.startswith(base + "/"):
            page = page_match(settings.site.url_pattern, unquote(urlsplit(url).path))
            if page is not None:
                found.add(page)
    return found
