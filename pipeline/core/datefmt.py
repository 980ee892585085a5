"""Machine-readable dates, one format everywhere: pages (``<time datetime>``), JSON-LD,
Open Graph, ``article.json`` and sitemaps.

W3C Datetime (a profile of ISO 8601) that is also an HTML "valid global date and time
string": ``2025-07-01T05:35:07+00:00``, or ``2025-07-01T05:35:07.322+00:00`` when the value
has a fraction of a second (milliseconds at most: HTML allows three fractional digits).
"""

from __future__ import annotations

from datetime import datetime


def w3c_datetime(value: datetime) -> str:
    """The value's own offset kept; milliseconds only when it has a fraction of a second."""
    return value.isoformat(timespec="milliseconds" if value.microsecond // 1000 else "seconds")
