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
from enum import StrEnum

from pipeline.core.jsontypes import JSONObject


class State(StrEnum):
    """A target's state; the values are what ``reports/links.json`` shows."""

    OK = "ok"
    REDIRECTED = "redirected"
    BROKEN = "broken"
    FRAGMENT = "fragment"
    NETWORK = "network"
    REDIRECTS = "redirects"
    REFUSED = "refused"
    INVALID = "invalid"
    EXCLUDED = "excluded"
    SKIPPED = "skipped"


OK_STATES = frozenset({State.OK, State.REDIRECTED, State.EXCLUDED, State.SKIPPED})


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

    state: State
    status: int | None = None
    detail: str = ""  # classification: http-404, dns, timeout, loop, private-address, ...
    final_url: str = ""  # where the last request went (after redirects)
    redirects: list[tuple[int, str]] = field(default_factory=list)
    anchors: frozenset[str] | None = None  # ids on the page when it was read as HTML
    truncated: bool = False  # the page was longer than max_bytes; later ids are unknown
    suggestion: str = ""  # an internal link's closest existing page ("did you mean")
    from_cache: bool = False  # answered by the link cache, not over the network

    @property
    def ok(self) -> bool:
        return self.state in OK_STATES

    def to_dict(self) -> JSONObject:
        """JSON-ready form (the cache and the checker processes use it)."""
        return {"state": self.state.value, "status": self.status, "detail": self.detail,
                "final_url": self.final_url, "redirects": self.redirects,
                "anchors": sorted(self.anchors) if self.anchors is not None else None,
                "truncated": self.truncated, "suggestion": self.suggestion}

    @classmethod
    def from_dict(cls, data: JSONObject, from_cache: bool = False) -> Verdict:
        """The inverse of ``to_dict``; ``ValueError`` or ``KeyError`` on foreign data."""
        anchors = data.get("anchors")
        return cls(state=State(data["state"]), status=data.get("status"),
                   detail=str(data.get("detail", "")), final_url=str(data.get("final_url", "")),
                   redirects=[(int(s), str(u)) for s, u in data.get("redirects") or []],
                   anchors=frozenset(map(str, anchors)) if anchors is not None else None,
                   truncated=bool(data.get("truncated")),
                   suggestion=str(data.get("suggestion", "")), from_cache=from_cache)


@dataclass
class Target:
    """A unique link target with every place it is written and its verdict."""

    key: str  # normalised URI without fragment (external) or site path (internal)
    uri: str  # encoded URI as it will be requested (fragment dropped)
    internal: bool
    occurrences: list[Occurrence] = field(default_factory=list)
    fragments: set[str] = field(default_factory=set)  # fragments as written
    verdict: Verdict | None = None
