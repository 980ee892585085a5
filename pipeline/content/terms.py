"""An article's term summary: its most frequent words, made once when the file is loaded.

The title (counted three times), the excerpt and the start of the body are split into
words of at least three letters, case-folded and NFC; Arabic loses its diacritics and
tatweel and its alef variants become one letter, so spellings of one word meet. Common
function words of English and Arabic are left out. The summary is small (``TERMS`` pairs)
and kept in the source cache with the rest of what loading found, so related articles
(``render.related``) are computed from summaries, never by reading bodies again.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache
from operator import itemgetter

TERMS = 12  # terms kept per article
BODY_CHARS = 2000  # of the Markdown body; its start carries the topic
TITLE_WEIGHT = 3

Terms = tuple[tuple[str, int], ...]

_WORD = re.compile(r"[^\W\d_]{3,}")
_MARKUP = re.compile(r"\]\([^)]*\)|<[^>]*>|https?://\S+")
_ARABIC = re.compile("[\u0600-\u06ff]")
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ALEFS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
_STOP_WORDS = """
the and for with that this from your you are was were will can may have has had not but
all any our their they them its into about after before during over under more most such
than then there these those which what when where who how why also each other some only
في من على الى إلى عن مع هذا هذه ذلك التي الذي التى الذين كان كانت يكون تكون لا ما او أو
ثم قد كل بعد قبل عند بين حتى اذا إذا لكن غير هو هي هم انه أنه ان أن
"""


def normalise(text: str) -> str:
    """Case-folded NFC text; Arabic without diacritics or tatweel, alef variants unified."""
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = text.casefold()
    if text.isascii() or not _ARABIC.search(text):
        return text
    return _ARABIC_MARKS.sub("", text).translate(_ALEFS)


_STOP = frozenset(normalise(word) for word in _STOP_WORDS.split())


@lru_cache(maxsize=1 << 17)
def _words(token: str) -> tuple[str, ...]:
    """The terms in one whitespace-separated token (usually itself, or none)."""
    word = normalise(token)
    found = (word,) if word.isalpha() and len(word) >= 3 else tuple(_WORD.findall(word))
    return tuple(w for w in found if w not in _STOP)


def terms_of(title: str, excerpt: str, body: str) -> Terms:
    """The ``TERMS`` most frequent terms with their counts, most frequent first (ties by
    term)."""
    text = " ".join((*(title,) * TITLE_WEIGHT, excerpt, _MARKUP.sub(" ", body[:BODY_CHARS])))
    counts: dict[str, int] = {}
    get = counts.get
    for token, count in Counter(text.casefold().split()).items():  # C speed; then per
        for word in _words(token):  # distinct token, cached across articles
            counts[word] = get(word, 0) + count
    ranked = sorted(counts.items())  # by term, then (stable) by count, most first
    ranked.sort(key=itemgetter(1), reverse=True)
    return tuple(ranked[:TERMS])
