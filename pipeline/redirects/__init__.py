"""Redirects that keep old URLs alive: ``aliases`` in front matter and ``[redirects] rules``.

``paths`` checks and normalises an old site path, ``plan`` turns every alias and rule
into one redirect map (chains collapsed; loops, shadowed pages and double claims are
errors), ``render`` writes the redirect pages, the ``_redirects`` file and the nginx
``map`` include, ``detect`` compares the published URLs with the last published sitemap,
and ``mv`` renames an article and records its old URL. Codes: FM111 a bad alias, RD0xx
the redirect map, RD1xx the detector, MV0xx ``seo-pipeline mv``.
"""
