"""The schema.org types and properties the pipeline's JSON-LD uses, each checked by hand
against schema.org's definitions (the property's domain includes the type or one of its
ancestors). Tests compare every node the pages carry with this list."""

from __future__ import annotations

THING = {"@id", "@type", "name", "url", "description", "image", "sameAs"}
CREATIVE_WORK = THING | {"headline", "datePublished", "dateModified", "author", "publisher",
                         "inLanguage", "mainEntity", "keywords", "about", "mainEntityOfPage"}
WEB_PAGE = CREATIVE_WORK | {"reviewedBy", "lastReviewed", "specialty", "breadcrumb"}

PROPERTIES: dict[str, set[str]] = {
    # Thing > CreativeWork > Article > SocialMediaPosting > BlogPosting
    "BlogPosting": CREATIVE_WORK,
    # Thing > Organization (logo: Organization.logo)
    "Organization": THING | {"logo"},
    # Thing > Person (hasCredential: Person.hasCredential)
    "Person": THING | {"hasCredential"},
    # Thing > CreativeWork > EducationalOccupationalCredential
    "EducationalOccupationalCredential": CREATIVE_WORK,
    # Thing > CreativeWork > MediaObject > ImageObject (width, height: MediaObject)
    "ImageObject": CREATIVE_WORK | {"width", "height"},
    "WebPage": WEB_PAGE,
    # Thing > CreativeWork > WebPage > MedicalWebPage
    "MedicalWebPage": WEB_PAGE,
    # Thing > MedicalEntity > MedicalProcedure (relevantSpecialty: MedicalEntity)
    "MedicalProcedure": THING | {"relevantSpecialty"},
    # Thing > CreativeWork > WebPage > FAQPage
    "FAQPage": WEB_PAGE,
    # Thing > CreativeWork > Comment > Question (acceptedAnswer: Question)
    "Question": CREATIVE_WORK | {"acceptedAnswer"},
    # Thing > CreativeWork > Comment > Answer (text: CreativeWork.text)
    "Answer": CREATIVE_WORK | {"text"},
    # Thing > Intangible > ItemList > BreadcrumbList (itemListElement: ItemList)
    "BreadcrumbList": THING | {"itemListElement"},
    # Thing > Intangible > ListItem (position, item: ListItem)
    "ListItem": THING | {"position", "item"},
}
# Members of the MedicalSpecialty enumeration used as values of specialty/relevantSpecialty.
SPECIALTIES = {"https://schema.org/Dermatology"}

# Google's documented properties per rich result type used: FAQPage requires mainEntity
# (Question with name and acceptedAnswer.text); BreadcrumbList itemListElement (ListItem
# with position and name; item on all but the last); Article has no required property, these
# are the recommended ones.
GOOGLE_REQUIRED = {"FAQPage": {"mainEntity"}, "Question": {"name", "acceptedAnswer"},
                   "Answer": {"text"}, "BreadcrumbList": {"itemListElement"},
                   "ListItem": {"position", "name"}}
GOOGLE_RECOMMENDED = {"BlogPosting": {"headline", "image", "datePublished", "author"}}
