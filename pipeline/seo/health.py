"""Health-content structured data: ``MedicalWebPage`` (reviewer, last review),
``MedicalProcedure`` and ``FAQPage``, joined with the ``BlogPosting`` and the publisher's
``Organization`` in one JSON-LD ``@graph`` (``seo.metadata``).

An article is health content when its front matter has ``about``, ``medicalSpecialty`` or
``reviewedBy``. ``FAQPage`` is added only when the body has at least ``FAQ_MIN`` question
subheadings (ending in ? or ؟) each followed by answer text; the answer is the visible
text of the paragraphs under the question, as the page shows it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pipeline.analysis.document import parse
from pipeline.core.datefmt import w3c_datetime
from pipeline.core.jsontypes import JSONObject
from pipeline.core.model import Article, Author, Reviewer

FAQ_MIN = 2
_SPECIALTY_NAME = re.compile(r"[A-Z][A-Za-z]+")


def faq(article: Article) -> list[tuple[str, str]]:
    """``(question, answer)`` per question subheading with answer text (see the module)."""
    doc = parse(article.body, article.body_line)
    blocks = sorted([(h.line, h.text, h.level) for h in doc.headings]
                    + [(p.line, p.text, 0) for p in doc.paragraphs])
    pairs: list[tuple[str, list[str]]] = []
    open_question = False
    for _, text, level in blocks:
        if level:
            open_question = level >= 2 and text.rstrip().endswith(("?", "؟"))
            if open_question:
                pairs.append((text.strip(), []))
        elif open_question:
            pairs[-1][1].append(text)
    found = [(q, " ".join(" ".join(a).split())) for q, a in pairs if a]
    return found if len(found) >= FAQ_MIN else []


def specialty(value: str) -> str:
    """A schema.org ``MedicalSpecialty`` member as its URL (``Dermatology``), else the text."""
    return f"https://schema.org/{value}" if _SPECIALTY_NAME.fullmatch(value) else value


def party(who: Author | Reviewer, absolute: Callable[[str], str]) -> JSONObject:
    """A JSON-LD ``Person`` or ``Organization`` for an author or reviewer."""
    data: JSONObject = {"@type": who.kind, "name": who.name}
    if who.url:
        data["url"] = absolute(who.url)
    if isinstance(who, Author):
        if who.picture:
            data["image"] = absolute(who.picture)
        if who.same_as:
            data["sameAs"] = list(who.same_as)
    elif who.credentials and who.kind == "Person":
        data["hasCredential"] = {"@type": "EducationalOccupationalCredential",
                                 "name": who.credentials}
    elif who.credentials:
        data["description"] = who.credentials
    return data


def health_nodes(article: Article, url: str, language: str,
                 absolute: Callable[[str], str]) -> list[JSONObject]:
    """``MedicalWebPage`` and, with ``about``, ``MedicalProcedure`` nodes."""
    meta = article.meta
    page: JSONObject = {"@type": "MedicalWebPage", "@id": url, "url": url,
                            "name": meta.title, "inLanguage": language,
                            "mainEntity": {"@id": f"{url}#article"}}
    if meta.reviewed_by:
        page["reviewedBy"] = party(meta.reviewed_by, absolute)
    if meta.last_reviewed:
        page["lastReviewed"] = w3c_datetime(meta.last_reviewed)[:10]
    if meta.medical_specialty:
        page["specialty"] = specialty(meta.medical_specialty)
    nodes = [page]
    if meta.about:
        procedure: JSONObject = {"@type": "MedicalProcedure", "@id": f"{url}#procedure",
                                     "name": meta.about}
        if meta.medical_specialty:
            procedure["relevantSpecialty"] = specialty(meta.medical_specialty)
        page["about"] = {"@id": f"{url}#procedure"}
        nodes.append(procedure)
    return nodes


def faq_node(pairs: list[tuple[str, str]], url: str, language: str) -> JSONObject:
    return {"@type": "FAQPage", "@id": f"{url}#faq", "url": url, "inLanguage": language,
            "mainEntity": [{"@type": "Question", "name": q,
                            "acceptedAnswer": {"@type": "Answer", "text": a}}
                           for q, a in pairs]}
