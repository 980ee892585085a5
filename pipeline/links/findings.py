"""Verdicts -> located findings (one per place a problem is written) and report data.

Codes::

    LNK001 error    HTTP status not accepted (404, 410, 500, 429 beyond the wait cap)
    LNK002 error    no HTTP answer: dns, connection refused/reset, timeout, tls
    LNK003 error    redirect loop or too many redirects
    LNK004 warning  permanent redirect (301/308): the link should name the new target
    LNK005 error    '#fragment' not found on the page
    LNK006 error    refused by policy (private address, unsupported scheme)
    LNK007 error    URL cannot be parsed
    LNK010 error    internal link to an article that does not exist
    LNK011 error    internal link to a file that is not under public/
    LNK012 error    (--built) link to a file that is not in the output folder
    LNK030 error    (--sitemap) a sitemap that cannot be read
    LNK031 error    (--sitemap) a sitemaps.org or reading limit crossed: what was not read
    LNK032 error    (--sitemap) no URL read from the sitemaps: nothing was checked
    LNK050-053      usage: unknown git ref, --remap without --built, a --files path that is
                    not an article (warning), no built site
    LNK020-023 warning  suspicious encoding: double-encoded, invalid UTF-8, bare '%', space
"""

from __future__ import annotations

import functools

from pipeline.core.jsontypes import JSONObject
from pipeline.core.model import Finding, Severity
from pipeline.core.urls import ENCODING_KINDS, display, encoding_issues
from pipeline.links.fragments import has_fragment
from pipeline.links.types import Occurrence, State, Target, Verdict

ENCODING_CODES = {"double-encoded": "LNK020", "invalid-utf8": "LNK021",
                  "bare-percent": "LNK022", "space": "LNK023"}
NETWORK_TEXT = {
    "dns": "the host name does not resolve",
    "connection-refused": "the connection was refused",
    "connection-reset": "the connection was reset",
    "connect-timeout": "no connection within the connect timeout",
    "timeout": "no answer within the read timeout",
    "tls": "TLS handshake or certificate failure",
}


@functools.lru_cache(maxsize=65536)
def readable(uri: str) -> str:
    """The decoded form of ``uri``; an unparseable URI as written."""
    try:
        return display(uri)
    except ValueError:
        return uri


def shown(uri: str) -> str:
    """``encoded (decoded)`` when the two differ, else the URI alone."""
    decoded = readable(uri)
    return uri if decoded == uri else f"{uri} ({decoded})"


def fragment_states(target: Target) -> dict[str, str]:
    """``fragment -> ok | missing | unchecked`` for a target's fragments.

    Unchecked: the page was not HTML, not read, or cut at ``max_bytes`` before the id.
    """
    verdict = target.verdict
    anchors = verdict.anchors if verdict is not None and verdict.ok else None
    truncated = verdict is not None and verdict.truncated
    states = {}
    for frag in sorted(target.fragments):
        if anchors is None:
            states[frag] = "unchecked"
        elif has_fragment(anchors, frag):
            states[frag] = "ok"
        else:
            states[frag] = "unchecked" if truncated else "missing"
    return states


def target_findings(target: Target) -> list[Finding]:
    """Findings for every occurrence of one target."""
    verdict = target.verdict or Verdict(State.SKIPPED)
    findings = []
    problem = _problem(target, verdict)
    missing = {f for f, state in fragment_states(target).items() if state == "missing"}
    for occ in target.occurrences:
        if problem:
            findings.append(_at(occ, *problem))
        fragment = occ.raw.partition("#")[2]
        if fragment in missing:
            findings.append(_at(occ, "LNK005", Severity.ERROR,
                                f"fragment '#{fragment}' is not on {shown(target.uri)}",
                                "link to an existing id or drop the fragment"))
    return findings


def encoding_findings(occ: Occurrence) -> list[Finding]:
    """Suspicious encodings of one link as written.

    Spaces are legal in a Markdown ``<...>`` destination and in front-matter paths (both
    are encoded on output), so only raw HTML attributes are warned about them.
    """
    kinds = [k for k in encoding_issues(occ.raw) if k != "space" or occ.source.kind == "html"]
    return [_at(occ, ENCODING_CODES[kind], Severity.WARNING,
                f"suspicious URL encoding in {occ.raw!r}: {ENCODING_KINDS[kind]}",
                _ENCODING_HINTS[kind]) for kind in kinds]


_ENCODING_HINTS = {
    "double-encoded": "replace '%25XX' with '%XX' (encode once) or write the raw characters",
    "invalid-utf8": "percent-encode the UTF-8 bytes of the text, or write the raw characters",
    "bare-percent": "write a literal percent sign as '%25'",
    "space": "write spaces as '%20' (or wrap the destination in <...> in Markdown)",
}


def _problem(target: Target, verdict: Verdict) -> tuple[str, Severity, str, str] | None:
    url = shown(target.uri)
    state, detail = verdict.state, verdict.detail
    if state is State.BROKEN and target.internal:
        if detail == "no-such-article":
            hint = f"did you mean {verdict.suggestion}?" if verdict.suggestion else \
                "fix the slug or the locale"
            return "LNK010", Severity.ERROR, f"no article at {url}", hint
        if target.key.startswith("built:"):
            return "LNK012", Severity.ERROR, f"no file for {url} in the output folder", \
                "fix the link, or build the page it names"
        return "LNK011", Severity.ERROR, f"no file for {url} under public/", \
            "add the file under public/ or fix the path"
    if state is State.BROKEN:
        status = verdict.status
        return "LNK001", Severity.ERROR, f"broken link {url}: {detail or f'HTTP {status}'}", \
            _status_hint(status)
    if state is State.NETWORK:
        text = NETWORK_TEXT.get(detail, detail)
        return "LNK002", Severity.ERROR, f"cannot reach {url}: {detail} ({text})", \
            "check the host name, or run again when the site is reachable"
    if state is State.REDIRECTS:
        return "LNK003", Severity.ERROR, f"{detail} from {url} after " \
            f"{len(verdict.redirects)} hop(s)", "link to the page's final address"
    if state is State.REDIRECTED:
        return "LNK004", Severity.WARNING, f"{url} redirects permanently to " \
            f"{shown(verdict.final_url)}", f"update the link to {readable(verdict.final_url)}"
    if state is State.REFUSED:
        return "LNK006", Severity.ERROR, f"refused to check {url}: {detail}", \
            "private, loopback and link-local targets need --allow-private"
    if state is State.INVALID:
        return "LNK007", Severity.ERROR, f"invalid URL {target.uri!r}: {detail}", \
            "fix the URL"
    return None


def _status_hint(status: int | None) -> str:
    if status in (404, 410):
        return "the page is gone: remove the link or point it to a replacement"
    if status == 429:
        return "the host rate-limits us; lower links.rate_per_host or run later"
    if status is not None and status >= 500:
        return "the server failed; run again later"
    return "check the link in a browser"


def _at(occ: Occurrence, code: str, severity: Severity, message: str, hint: str) -> Finding:
    src = occ.source
    return Finding(src.path, src.line, src.col, code, severity, message, hint)


def link_record(target: Target) -> JSONObject:
    """One unique target as it appears in ``reports/links.json``."""
    verdict = target.verdict or Verdict(State.SKIPPED)
    problem = _problem(target, verdict)
    return {
        "url": target.uri,
        "display": readable(target.uri),
        "internal": target.internal,
        "state": verdict.state.value,
        "status": verdict.status,
        "detail": verdict.detail,
        "final_url": verdict.final_url if verdict.redirects else "",
        "redirects": [[status, url] for status, url in verdict.redirects],
        "fragments": fragment_states(target),
        "sources": [str(s) for s in sorted(o.source for o in target.occurrences)],
        "written": sorted({o.raw for o in target.occurrences}),
        "suggestion": problem[3] if problem else "",
    }
