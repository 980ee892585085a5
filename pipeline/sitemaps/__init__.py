"""Sitemaps: entries from the site, a streaming splitting writer, the index, a reader,
and the XSDs they are checked against (``pipeline/schemas/sitemap.xsd``)."""
