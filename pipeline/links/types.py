"""Values passed between the links stage's parts: occurrences, targets and verdicts.

State of a checked target (what a report shows)::

    ok          accepted status (possibly after temporary redirects)
    redirected  ok, but through a permanent redirect: update the link (warning)
    broken      an HTTP status that is not accepted (4xx, 5xx, 429 beyond the wait cap)
    fragment    the page is fine but the '#fragment' is not on it
    network     no HTTP answer: dns, connect, reset, tls, timeout
    redirects   redirect loop or too many redirects
    refused     policy refused the request (private address, unsupported scheme)
    invalid     the URL cannot be parsed
    excluded    matched an exclude pattern; not checked
    skipped     not checkable here (mailto:, tel:, ...)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

OK_STATES = frozenset({"ok", "redirected", "excluded", "skipped"})


@dataclass(frozen=True, order=True)
class Source:
    """Where a link is written: ``path:line:col`` and which syntax wrote it."""

    path: str
    line: int
    col: int
    kind: str = "markdown"  # markdown | image | autolink | html | frontmatter

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Occurrence:
    """One link as written in one place."""

    raw: str  # the destination exactly as written (after Markdown unescaping)
    source: Source


@dataclass
class Verdict:
    """The outcome of checking one target (a normalised URL without fragment)."""

    state: str
    status: int | None = None
    detail: str = ""  # classification: http-404, dns, timeout, loop, private-address, ...
    final_url: str = ""
    redirects: list[tuple[int, str]] = field(default_factory=list)
    anchors: frozenset[str] | None = None  # ids on the page when it was read as HTML
    truncated: bool = False  # the page was longer than max_bytes; later ids are unknown
    cached: bool = False

    @property
    def ok(self) -> bool:
        return self.state in OK_STATES

    def to_cache(self) -> dict[str, Any]:
        return {"state": self.state, "status": self.status, "detail": self.detail,
                "final_url": self.final_url, "redirects": self.redirects,
                "anchors": sorted(self.anchors) if self.anchors is not None else None,
                "truncated": self.truncated}

    @classmethod
    def from_cache(cls, data: dict[str, Any]) -> Verdict:
        anchors = data.get("anchors")
        return cls(state=data["state"], status=data.get("status"), detail=data.get("detail", ""),
                   final_url=data.get("final_url", ""),
                   redirects=[(int(s), str(u)) for s, u in data.get("redirects") or []],
                   anchors=frozenset(anchors) if anchors is not None else None,
                   truncated=bool(data.get("truncated")), cached=True)


@dataclass
class Target:
    """A unique link target with every place it is written and its verdict."""

    key: str  # normalised URI without fragment (external) or site path (internal)
    uri: str  # encoded URI as it will be requested (fragment dropped)
    internal: bool
    occurrences: list[Occurrence] = field(default_factory=list)
    fragments: set[str] = field(default_factory=set)  # fragments as written
    verdict: Verdict | None = None
