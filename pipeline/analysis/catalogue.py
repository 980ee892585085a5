"""The catalogue of analysis findings: code -> severity, what it means and what to do.

AN0xx come from ``seo-pipeline analyze`` (one article at a time), AN2xx from ``validate``
(health content: reviewer, review age, placeholder authors). Codes are stable; the
README's "Content analysis" section says how a publisher acts on each.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.core.model import Article, Finding, Severity

W, INFO, E = Severity.WARNING, Severity.INFO, Severity.ERROR


@dataclass(frozen=True)
class Check:
    code: str
    severity: Severity
    title: str
    hint: str


CHECKS: dict[str, Check] = {c.code: c for c in (
    Check("AN001", INFO, "focus keyphrase proposed from the text",
          "set  keyphrase: \"...\"  in the front matter to choose it yourself"),
    Check("AN002", W, "keyphrase not in the title", "put the keyphrase in the title, "
          "near its start"),
    Check("AN003", W, "keyphrase not in the excerpt (meta description)",
          "use the keyphrase once in the excerpt"),
    Check("AN004", W, "keyphrase not in the slug", "a slug with the keyphrase's words "
          "helps; changing a published slug needs a redirect"),
    Check("AN005", W, "keyphrase not in the first paragraph",
          "say what the article is about, with the keyphrase, in its first paragraph"),
    Check("AN006", W, "keyphrase in no subheading",
          "use the keyphrase (or a synonym) in at least one ## subheading"),
    Check("AN007", W, "keyphrase not in the cover's alt text",
          "describe the cover in coverAlt, with the keyphrase where it fits"),
    Check("AN008", W, "keyphrase density below the minimum",
          "use the keyphrase or its synonyms more often where it reads naturally"),
    Check("AN009", W, "keyphrase density above the maximum",
          "keyword stuffing: replace some occurrences with synonyms or pronouns"),
    Check("AN010", W, "text shorter than the minimum", "add substance: questions readers "
          "ask, steps, risks, costs"),
    Check("AN011", E, "image without alt text", "write what the image shows: ![what it "
          "shows](/assets/x.jpg)"),
    Check("AN012", W, "too few internal links", "link related articles of this site "
          "where they help the reader"),
    Check("AN013", W, "too few outbound links", "cite a trustworthy source"),
    Check("AN020", W, "hard to read (Flesch reading ease below the minimum)",
          "shorter sentences and shorter words raise the score"),
    Check("AN021", W, "too many long sentences", "split sentences over the limit"),
    Check("AN022", W, "paragraph too long", "split the paragraph"),
    Check("AN023", W, "too much text under one heading", "add a subheading"),
    Check("AN024", W, "words too long on average (Arabic)", "prefer common, shorter words"),
    Check("AN201", W, "health article without a medical reviewer",
          "add  reviewedBy: {name: ..., credentials: ...}  and  lastReviewed: YYYY-MM-DD"),
    Check("AN202", W, "medical review older than the configured age",
          "have the article reviewed again and update lastReviewed"),
    Check("AN203", W, "placeholder author", "credit a real author or the editorial team"),
)}


def finding(code: str, article: Article, line: int, message: str, col: int = 1,
            hint: str = "") -> Finding:
    """A finding of catalogue ``code`` at ``article``'s ``line``."""
    check = CHECKS[code]
    return Finding(article.source.as_posix(), line, col, code, check.severity,
                   f"{check.title}: {message}" if message else check.title,
                   hint or check.hint)
