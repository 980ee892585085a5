"""One machine date format: W3C Datetime that is also a valid HTML global date and time."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from pipeline.core.datefmt import w3c_datetime

# HTML's "valid global date and time string" with the W3C Datetime time-zone forms.
HTML_GLOBAL = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,3})?)?(Z|[+-]\d\d:\d\d)")


@pytest.mark.parametrize(("value", "expected"), [
    (datetime(2025, 7, 1, 5, 35, 7, 322000, tzinfo=UTC), "2025-07-01T05:35:07.322+00:00"),
    (datetime(2025, 7, 1, 5, 35, 7, 322999, tzinfo=UTC), "2025-07-01T05:35:07.322+00:00"),
    (datetime(2025, 7, 1, 5, 35, 7, 999, tzinfo=UTC), "2025-07-01T05:35:07+00:00"),
    (datetime(2025, 7, 1, tzinfo=UTC), "2025-07-01T00:00:00+00:00"),
    (datetime(2025, 8, 1, 10, tzinfo=timezone(timedelta(hours=2))), "2025-08-01T10:00:00+02:00"),
])
def test_w3c_datetime(value: datetime, expected: str) -> None:
    assert w3c_datetime(value) == expected
    assert HTML_GLOBAL.fullmatch(expected)
