"""Redact secrets from text that came from a remote endpoint before it is printed or reported.

A token endpoint or API may echo what it was sent (a signed assertion, a bearer token,
an ``Authorization`` header) or quote a key. ``redact`` replaces bearer tokens,
``Authorization`` values, JWTs, Google access tokens, PEM private keys and the values of
secret-looking fields (``access_token``, ``private_key``, ``key=...``) with
``[redacted]``, plus any known secret passed in; it also strips control characters
(no terminal escapes in a CI log) and shortens the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pipeline.core.text import sanitize_line

MASK = "[redacted]"
MAX_CHARS = 300
_SECRET_NAMES = (r"access_token|refresh_token|id_token|client_secret|private_key(?:_id)?|"
                 r"assertion|api[_-]?key|apikey|key|token|password|passwd|secret|signature")
_PATTERNS = (
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|\Z)",
               re.S),
    re.compile(r"(?i)(authorization\s*[:=]\s*)(?:\"[^\"]*\"|'[^']*'|(?:\w+\s+)?[^\s,;\"']+)"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"),
    re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)?"),
    re.compile(r"ya29\.[A-Za-z0-9._-]+"),
    re.compile(rf"(?i)([\"']?\b(?:{_SECRET_NAMES})\b[\"']?\s*[:=]\s*)(?:\"[^\"]*\"|'[^']*'|"
               r"[^\s&,;\"'}]+)"),
)


def redact(text: str, known: Iterable[str] = ()) -> str:
    """``text`` with secrets masked, control characters removed, at most ``MAX_CHARS`` long."""
    for secret in sorted((s for s in known if s and len(s) >= 6), key=len, reverse=True):
        text = text.replace(secret, MASK)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.re.groups else "") + MASK, text)
    text = sanitize_line(text)
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1] + "…"
