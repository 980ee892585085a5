"""An article's focus keyphrase: from front matter, else proposed from its text.

``focus_keyphrase(article)`` is a small pure function other analyses (cannibalization,
link suggestions) call; it returns ``(phrase, source)`` with source ``"front matter"`` or
``"proposed"``. A proposal is the most frequent run of two or three content words (no stop
word at either end) counted over the title (weight 3), the excerpt (2) and the body (1),
compared by their matching forms (``textnorm.stem``) and written as first seen.
"""

from __future__ import annotations

from collections import Counter

from pipeline.analysis import textnorm
from pipeline.core.model import Article

FRONT_MATTER = "front matter"
PROPOSED = "proposed"


def focus_keyphrase(article: Article) -> tuple[str, str]:
    """``(phrase, source)``: front matter ``keyphrase`` when set, else a proposal."""
    if article.meta.keyphrase:
        return article.meta.keyphrase, FRONT_MATTER
    return propose(article.meta.title, article.meta.excerpt, article.body,
                   article.locale), PROPOSED


def propose(title: str, excerpt: str, body: str, locale: str) -> str:
    """The most frequent two- or three-word phrase of content words (see the module)."""
    stop = textnorm.stop_stems(locale)
    texts = [textnorm.words(title), textnorm.words(excerpt), textnorm.words(body)]
    forms = [list(map(textnorm.stem, written)) for written in texts]
    bad = {f for text in forms for f in set(text) if len(f) < 2 or f.isdigit()}
    edge = bad | stop
    best: tuple[float, tuple[str, ...]] | None = None
    for size, factor in ((3, 1.5), (2, 1.0)):
        head, lead, rest = (Counter(zip(*(text[i:] for i in range(size)), strict=False))
                            for text in forms)
        for gram in head.keys() | lead.keys():  # the few grams of the title and excerpt
            if _usable(gram, bad, edge):  # sums of multiples of 0.5: exact in any order
                score = (3 * head[gram] + 2 * lead[gram] + rest[gram]) * factor
                best = max(best, (score, gram)) if best else (score, gram)
        top = 0  # the body's other grams, most frequent first, until one may be a phrase
        for gram, seen in rest.most_common():
            if seen < top or (best and seen * factor < best[0]):
                break
            if gram not in head and gram not in lead and _usable(gram, bad, edge):
                top = seen
                best = max(best, (seen * factor, gram)) if best else (seen * factor, gram)
    if best is None:
        words = textnorm.words(title)
        return " ".join(words[:3]) if words else title
    phrase = _first_written(best[1], texts, forms)
    return phrase if textnorm.is_arabic(phrase) else phrase.lower()


def _usable(gram: tuple[str, ...], bad: set[str], edge: set[str]) -> bool:
    """A run of words that may be a keyphrase: no stop word (``edge``) at either end, no
    word of ``bad`` (digits, one letter), distinct words."""
    return gram[0] not in edge and gram[-1] not in edge and len(set(gram)) == len(gram) \
        and (len(gram) < 3 or gram[1] not in bad)


def _first_written(gram: tuple[str, ...], texts: list[list[str]],
                   forms: list[list[str]]) -> str:
    """``gram`` as first written in ``texts`` (title, excerpt, body, in that order), found
    by its matching ``forms``."""
    size = len(gram)
    for written, text in zip(texts, forms, strict=True):
        at = -1
        while True:
            try:
                at = text.index(gram[0], at + 1)
            except ValueError:
                break
            if tuple(text[at:at + size]) == gram:
                return " ".join(written[at:at + size])
    raise AssertionError(f"{gram} was counted, so it occurs")  # pragma: no cover
