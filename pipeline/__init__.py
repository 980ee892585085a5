"""seo-pipeline: a multilingual SEO content pipeline (validate, links, sitemaps, metadata,
bundles, submit) over Markdown articles with YAML front matter."""

__version__ = "0.1.0"
