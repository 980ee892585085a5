"""The site health report: ``reports/index.html``, one self-contained page (stage ``report``).

``inputs`` gathers what the page shows from the stage reports (``reports/*.json``) and
the translation status; ``charts`` draws inline SVG bar charts; ``page`` writes the HTML
with an English and an Arabic section (right to left). No script, no external request.
"""
