"""An article's focus keyphrase: from front matter, else proposed from its text.

``focus_keyphrase(article)`` is a small pure function other analyses (cannibalization,
link suggestions) call; it returns ``(phrase, source)`` with source ``"front matter"`` or
``"proposed"``. A proposal is the most frequent run of two or three content words (no stop
word at either end) counted over the title (weight 3), the excerpt (2) and the body (1),
compared by their matching forms (``textnorm.stem``) and written as first seen.
"""

from __future__ import annotations

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
    stop = {textnorm.stem(w) for w in textnorm.STOPWORDS.get(locale, frozenset())}
    counts: dict[tuple[str, ...], float] = {}
    shown: dict[tuple[str, ...], str] = {}
    for text, weight in ((title, 3), (excerpt, 2), (body, 1)):
        written = textnorm.words(text)
        forms = [textnorm.stem(w) for w in written]
        for size in (3, 2):
            for i in range(len(forms) - size + 1):
                gram = tuple(forms[i:i + size])
                if gram[0] in stop or gram[-1] in stop or len(set(gram)) < size \
                        or any(len(g) < 2 or g.isdigit() for g in gram):
                    continue
                counts[gram] = counts.get(gram, 0.0) + weight * (1.5 if size == 3 else 1.0)
                shown.setdefault(gram, " ".join(written[i:i + size]))
    if not counts:
        words = textnorm.words(title)
        return " ".join(words[:3]) if words else title
    best = max(counts.items(), key=lambda item: (item[1], item[0]))[0]
    phrase = shown[best]
    return phrase if textnorm.is_arabic(phrase) else phrase.lower()
