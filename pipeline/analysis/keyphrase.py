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
    texts = [(textnorm.words(text), weight) for text, weight in ((title, 3), (excerpt, 2),
                                                                 (body, 1))]
    counts: dict[tuple[str, ...], float] = {}
    usable: dict[tuple[str, ...], bool] = {}
    for written, weight in texts:
        forms = list(map(textnorm.stem, written))
        for size, factor in ((3, 1.5), (2, 1.0)):
            shifted = (forms[i:] for i in range(size))
            grams = Counter(zip(*shifted, strict=False))  # counted in C
            for gram, seen in grams.items():
                ok = usable.get(gram)
                if ok is None:
                    ok = usable[gram] = _usable(gram, stop)
                if ok:  # sums of multiples of 0.5: exact in any order
                    counts[gram] = counts.get(gram, 0.0) + seen * weight * factor
    if not counts:
        words = textnorm.words(title)
        return " ".join(words[:3]) if words else title
    best = max(counts.items(), key=lambda item: (item[1], item[0]))[0]
    phrase = _first_written(best, [written for written, _ in texts])
    return phrase if textnorm.is_arabic(phrase) else phrase.lower()


def _usable(gram: tuple[str, ...], stop: frozenset[str]) -> bool:
    """A candidate: no stop word at either end, distinct words, none a digit run or
    shorter than two letters."""
    return not (gram[0] in stop or gram[-1] in stop or len(set(gram)) < len(gram)
                or any(len(g) < 2 or g.isdigit() for g in gram))


def _first_written(gram: tuple[str, ...], texts: list[list[str]]) -> str:
    """``gram`` as first written in ``texts`` (title, excerpt, body, in that order)."""
    size = len(gram)
    for written in texts:
        forms = list(map(textnorm.stem, written))
        at = -1
        while True:
            try:
                at = forms.index(gram[0], at + 1)
            except ValueError:
                break
            if tuple(forms[at:at + size]) == gram:
                return " ".join(written[at:at + size])
    raise AssertionError(f"{gram} was counted, so it occurs")  # pragma: no cover
