"""Markdown, pages (Jinja2), bundles, i18n and catalogs."""
