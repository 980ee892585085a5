"""Console, Markdown and JUnit views of a links result (JSON is the common report)."""

from __future__ import annotations

from collections import defaultdict

from pipeline.core.jsontypes import JSONObject
from pipeline.core.model import Finding, Severity, StageResult
from pipeline.links.types import OK_STATES
from pipeline.report import human_line, summary_line


def _by_article(findings: list[Finding]) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for finding in sorted(findings):
        grouped[finding.path].append(finding)
    return dict(grouped)


def counts_line(data: JSONObject) -> str:
    """Links counted twice, each unit named: places in the articles, unique links by state."""
    summary = data.get("summary", {})
    states = ", ".join(f"{n} {s}" for s, n in sorted(summary.get("states", {}).items()))
    return (f"{summary.get('occurrences', 0)} link(s) in the articles, "
            f"{summary.get('unique', 0)} unique ({summary.get('external', 0)} external, "
            f"{summary.get('internal', 0)} internal); unique links by state: "
            f"{states or 'nothing to check'}")


def problems_line(data: JSONObject) -> str:
    """How the unique links with a problem become findings: one per place they are used."""
    bad = [r for r in data.get("links", [])
           if r["state"] not in OK_STATES or "missing" in r["fragments"].values()]
    places = sum(len(r["sources"]) for r in bad)
    return (f"{len(bad)} unique link(s) with a problem (a state above or a missing "
            f"#fragment), used at {places} place(s): each place is one finding")


def human(result: StageResult, cached: int = 0) -> str:
    """Findings grouped by article, then the totals."""
    lines = []
    for path, findings in _by_article(result.findings).items():
        lines.append(f"{path}")
        for f in findings:
            hint = f"\n      -> {f.hint}" if f.hint else ""
            lines.append(f"  {f.line}:{f.col} {f.severity.value} {f.code} {f.message}{hint}")
    lines.append(counts_line(result.data) + (f"; {cached} answered from the cache"
                                             if cached else ""))
    if result.data.get("links"):
        lines.append(problems_line(result.data))
    network = result.data.get("summary", {}).get("network_errors", 0)
    if network and network == result.data.get("summary", {}).get("external_checked", -1):
        lines.append("note: no external link could be reached; is this machine offline?")
    lines.append(summary_line(result))
    return "\n".join(lines)


def markdown(result: StageResult) -> str:
    """A Markdown report for a CI step summary or an issue body."""
    status = "broken links found" if result.errors else "no broken links"
    out = [f"## Links: {status}", "", counts_line(result.data), ""]
    for path, findings in _by_article(result.findings).items():
        out += [f"### `{path}`", "", "| line | severity | code | problem | suggestion |",
                "|---|---|---|---|---|"]
        out += [f"| {f.line} | {f.severity.value} | {f.code} | {_cell(f.message)} | "
                f"{_cell(f.hint)} |" for f in findings]
        out.append("")
    return "\n".join(out).rstrip("\n")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def junit(result: StageResult) -> bytes:
    """JUnit XML: one test case per unique link, failed when it has an error."""
    from lxml import etree  # only when a JUnit file is asked for

    links = result.data.get("links", [])
    errors_by_source: dict[str, list[Finding]] = defaultdict(list)
    for f in result.findings:
        if f.severity is Severity.ERROR:
            errors_by_source[f"{f.path}:{f.line}:{f.col}"].append(f)
    suite = etree.Element("testsuite", name="links", tests=str(len(links)))
    failures = 0
    for link in links:
        case = etree.SubElement(suite, "testcase", classname="links",
                                name=link["display"] or link["url"])
        problems = [f for src in link["sources"] for f in errors_by_source.get(src, [])
                    if link["url"] and link["url"] in f.message]
        if link["state"] in ("skipped", "excluded"):
            etree.SubElement(case, "skipped", message=link["detail"] or link["state"])
        elif link["state"] not in OK_STATES or "missing" in link["fragments"].values():
            failures += 1
            first = problems[0] if problems else None
            failure = etree.SubElement(case, "failure",
                                       message=first.message if first else link["state"],
                                       type=first.code if first else link["detail"])
            failure.text = "\n".join(human_line(f) for f in problems)
    suite.set("failures", str(failures))
    suites = etree.Element("testsuites")
    suites.append(suite)
    return etree.tostring(suites, xml_declaration=True, encoding="UTF-8", pretty_print=True)
