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
    counts: dict[tuple[str, ...], float] = {}
    for text, weight in zip(forms, (3, 2, 1), strict=True):
        for size, factor in ((3, 1.5), (2, 1.0)):
            found = _candidates(text, size, bad, bad | stop)
            if not counts:
                counts = {gram: seen * weight * factor for gram, seen in found.items()}
                continue
            for gram, seen in found.items():  # sums of multiples of 0.5: exact in any order
                counts[gram] = counts.get(gram, 0.0) + seen * weight * factor
    if not counts:
        words = textnorm.words(title)
        return " ".join(words[:3]) if words else title
    top = max(counts.values())
    best = max(gram for gram, score in counts.items() if score == top)
    phrase = _first_written(best, texts, forms)
    return phrase if textnorm.is_arabic(phrase) else phrase.lower()


def _candidates(forms: list[str], size: int, bad: set[str],
                edge: set[str]) -> dict[tuple[str, ...], int]:
    """How often each run of ``size`` words occurs that may be a keyphrase: no stop word
    (``edge``) at either end, no word of ``bad`` (digits, one letter), distinct words."""
    if size == 2:
        return {g: n for g, n in Counter(zip(forms, forms[1:], strict=False)).items()
                if g[0] not in edge and g[1] not in edge and g[0] != g[1]}
    return {g: n for g, n in Counter(zip(forms, forms[1:], forms[2:], strict=False)).items()
            if g[0] not in edge and g[2] not in edge and g[1] not in bad
            and g[0] != g[1] != g[2] != g[0]}


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
