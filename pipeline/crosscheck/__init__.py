"""Cross-article checks over the whole site (stage ``crosscheck``).

Codes (all warnings but CROSS006, which is information):

- CROSS001 keyword cannibalization: articles of one locale with the same or near-same
  focus keyphrase or title; one finding per cluster, locating every member (``cannibal``).
- CROSS002 near-duplicate text within a locale, with the similarity and the shared
  paragraphs (``duplicates``).
- CROSS003 a text that is not a translation of its ``translationKey`` partner: wrong
  script, or a shape (paragraphs, words) far from its source's (``translations``).
- CROSS004 a translation missing whole sections (headings) of its source.
- CROSS005 orphan: no other article links to the page (``linking``).
- CROSS006 internal-link suggestion: a phrase naming another article's focus keyphrase or
  title, with the line and the target URL.

Each article's part (keyphrase, MinHash signature, word pairs, headings, links) is its
``summary``, computed in the article's work unit and stored with the unit's result; the
cross step (``check``) works on these small summaries only, through indexes (LSH buckets,
a phrase map, the link graph), so no article text is read in the main process.
"""
