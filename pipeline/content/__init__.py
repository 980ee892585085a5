"""Reading the sources: discovery, parsing, the front-matter schema, translations, import."""
