"""hreflang: code checks (Babel/CLDR), cluster checks, and the ``hreflang`` command."""
