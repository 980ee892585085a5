"""Independent validators on a built site: the Nu HTML Checker, Lighthouse 12 and the
sitemap schemas (``python -m pipeline.audit``, ``make audit``)."""
