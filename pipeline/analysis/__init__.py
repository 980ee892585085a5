"""Per-article content analysis: focus keyphrase, readability, length, images and links.

``keyphrase`` finds an article's focus keyphrase (front matter or proposed from the text),
``textnorm`` normalises English and Arabic words so a phrase matches its inflected forms,
``document`` reads the Markdown body into located blocks, ``checks`` holds one function
per finding (codes AN0xx, catalogued in ``catalogue``), ``article`` runs them for one
article in its work unit.
"""
