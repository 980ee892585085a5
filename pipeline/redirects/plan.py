"""One redirect map from every claim (an article's ``aliases``, a ``[redirects] rules``
entry): each old path to its final target.

Chains are collapsed (A -> B and B -> C give A -> C); a chain that never ends is a loop
(RD001, at each claim in or leading into it); an old path an output already serves
shadows it (RD002: the page would be replaced by a redirect); one old path claimed for
two targets is RD003. Each finding is located where the claim is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.core.model import Finding, Severity
from pipeline.redirects.paths import output_file


@dataclass(frozen=True, slots=True)
class Claim:
    """``source`` should redirect to ``target`` (normal site paths), as written at
    ``path``:``line`` (a content file's ``aliases`` or ``site.toml``'s rules)."""

    source: str
    target: str
    path: str
    line: int


@dataclass(frozen=True, slots=True)
class Redirect:
    """An old path and the live path it ends at, with the claim that made it."""

    source: str
    target: str
    claim: Claim


def collapse(edges: dict[str, str]) -> tuple[dict[str, str], set[str]]:
    """Each source's final target (every chain followed) and the sources whose chain
    never ends (in a loop or leading into one). Linear in the number of edges."""
    final: dict[str, str] = {}
    looping: set[str] = set()
    for start in sorted(edges):
        trail: list[str] = []
        on_trail: set[str] = set()
        node = start
        while node in edges and node not in final and node not in looping \
                and node not in on_trail:
            trail.append(node)
            on_trail.add(node)
            node = edges[node]
        if node in looping or node in on_trail:
            looping.update(trail)
        else:
            end = final.get(node, node)
            final.update(dict.fromkeys(trail, end))
    return final, looping


def plan(claims: Iterable[Claim], taken: set[str]) -> tuple[list[Redirect], list[Finding]]:
    """The redirects, sorted by old path, and the findings of the claims left out.
    ``taken``: every file the outputs hold (relative to the output folder)."""
    findings: list[Finding] = []
    first: dict[str, Claim] = {}
    for claim in sorted(claims, key=lambda c: (c.path, c.line, c.source, c.target)):
        if _collides(output_file(claim.source), taken):
            findings.append(_error(claim, "RD002", f"old path {claim.source} is a live page of "
                                   "this site; a redirect would replace it",
                                   "remove the alias, or move the page that lives there"))
        elif claim.source in first and first[claim.source].target != claim.target:
            other = first[claim.source]
            findings.append(_error(claim, "RD003", f"old path {claim.source} also redirects "
                                   f"to {other.target} ({other.path}:{other.line})",
                                   "keep the old path in one place only"))
        else:
            first.setdefault(claim.source, claim)
    final, looping = collapse({s: c.target for s, c in first.items()})
    for source in sorted(looping):
        claim = first[source]
        findings.append(_error(claim, "RD001", f"redirect {source} -> {claim.target} never "
                               "reaches a page (a loop)", "break the loop: one of these "
                               "paths must be a page or redirect to one"))
    redirects = [Redirect(s, final[s], first[s]) for s in sorted(final)]
    return redirects, findings


def _collides(rel: str, taken: set[str]) -> bool:
    """``rel`` is taken, or one of its folders is a file that is (``_redirects/index.html``
    beside the ``_redirects`` file)."""
    parts = rel.split("/")
    return rel in taken or any("/".join(parts[:n]) in taken for n in range(1, len(parts)))


def _error(claim: Claim, code: str, message: str, hint: str) -> Finding:
    return Finding(claim.path, claim.line, 1, code, Severity.ERROR, message, hint)
