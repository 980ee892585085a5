"""Announcing the site to search engines: IndexNow and the Search Console API.

- ``state``: the site's URLs with their lastmod, and what was already announced
  (``.cache/submit-state.json``), so only new, changed or removed URLs are sent.
- ``retry``: bounded retries with backoff for 429 and 5xx, honouring ``Retry-After``.
- ``indexnow``: the key, the key file, batches and the POST of ``{host, key,
  keyLocation, urlList}``, with a clear message per response status.
- ``search_console``: ``sitemaps.submit`` of the sitemap index with service-account
  credentials (google-auth); credentials and tokens are never printed.
- ``keytool``: the ``indexnow-key`` command.

The stage that drives them is ``pipeline.stages.submit``.
"""
