"""Machine-readable dates: W3C Datetime (a profile of ISO 8601) for sitemaps and metadata."""

from __future__ import annotations

from datetime import datetime


def w3c_datetime(value: datetime) -> str:
    """``2025-07-01T05:35:07+00:00``: seconds precision, the value's own offset kept."""
    return value.isoformat(timespec="seconds")
