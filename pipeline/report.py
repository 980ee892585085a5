"""Formatters over findings: human (default), json, github workflow annotations.

Every stage writes ``reports/<stage>.json`` with this stable schema (version 1)::

    {"schema": "seo-pipeline/report/1", "stage": str, "ok": bool,
     "summary": {"errors": int, "warnings": int, "infos": int, "findings": int},
     "findings": [{"path", "line", "col", "code", "severity", "message", "hint"}],
     "outputs": [str, ...],   # files written, relative to the project root, sorted
     "data": {...}}           # stage-specific figures

The file holds no timestamps, so two runs on the same input give the same bytes.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from pathlib import Path

import orjson

from pipeline.commands import FORMATS as FORMATS
from pipeline.core.fsutil import dumps_json, write_text
from pipeline.core.jsonfmt import dumps_json_bytes, dumps_json_nested, dumps_plain_bytes
from pipeline.core.jsontypes import JSONObject
from pipeline.core.model import Finding, Severity, StageResult
from pipeline.engine.outputs import Outputs

REPORT_SCHEMA = "seo-pipeline/report/1"


def to_dict(result: StageResult, root: Path, with_findings: bool = True) -> JSONObject:
    findings = sorted(result.findings, key=Finding.sort_key) if with_findings else []
    return {
        "schema": REPORT_SCHEMA,
        "stage": result.stage,
        "ok": result.errors == 0,
        "summary": {
            "errors": result.errors,
            "warnings": result.warnings,
            "infos": sum(f.severity is Severity.INFO for f in result.findings),
            "findings": len(result.findings),
        },
        "findings": [f.to_dict() for f in findings],
        "outputs": sorted(_rel(p, root) for p in result.outputs),
        "data": result.data,
    }


def _rel(path: Path | str, root: Path) -> str:
    """``path`` relative to ``root`` as text (both absolute and resolved: no file access)."""
    text, base = str(path), str(root).rstrip("/") + "/"
    return text[len(base):] if text.startswith(base) else text


def write_report(result: StageResult, reports_dir: Path, root: Path) -> Path:
    """Write ``reports/<stage>.json`` atomically, outside a run's published folders."""
    return write_text(reports_dir / f"{result.stage}.json", dumps_json(to_dict(result, root)))


def put_report(result: StageResult, outputs: Outputs, root: Path) -> None:
    """Put ``reports/<stage>.json`` into the run's reports folder."""
    outputs.folder("reports").put(f"{result.stage}.json", report_bytes(result, root))


_SLOT = b'\n  "findings": [],\n'  # where the findings go in a report encoded without them
_LIST = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS


def report_bytes(result: StageResult, root: Path) -> bytes:
    """``dumps_json(to_dict(result, root))`` as bytes: the report without its findings
    (without the value scan for a stage that vouches for its data,
    ``StageResult.plain_data``), then the findings put in their place, encoded in one
    orjson call (a finding's fields are strings and integers, which orjson writes as the
    json module does; where orjson refuses one, such as a lone surrogate or an integer
    beyond 64 bits, each finding goes the general way)."""
    data = to_dict(result, root, with_findings=False)
    skeleton = (dumps_plain_bytes if result.plain_data else dumps_json_bytes)(data)
    if not result.findings:
        return skeleton
    head, slot, tail = skeleton.partition(_SLOT)
    if not slot:  # not laid out as expected: encoded whole instead
        return dumps_json_bytes(to_dict(result, root))
    dicts = [f.to_dict() for f in sorted(result.findings, key=Finding.sort_key)]
    try:
        listed = orjson.dumps(dicts, option=_LIST).replace(b"\n", b"\n  ")
    except orjson.JSONEncodeError:
        listed = b"".join((b"[\n", b",\n".join(b"    " + dumps_json_nested(d, 2) for d in dicts),
                           b"\n  ]"))
    return b"".join((head, b'\n  "findings": ', listed, b",\n", tail))


def human_line(f: Finding) -> str:
    hint = f" (hint: {f.hint})" if f.hint else ""
    return f"{f.path}:{f.line}:{f.col}: {f.severity.value} {f.code} {f.message}{hint}"


def findings_lines(findings: Iterable[Finding], limit: int = 10) -> list[str]:
    """The first ``limit`` findings as console lines, then how many more there are (a
    console that only counts warnings does not say which)."""
    listed = list(findings)
    lines = ["  " + human_line(f) for f in heapq.nsmallest(limit, listed, key=Finding.sort_key)]
    if len(listed) > limit:
        lines.append(f"  ... and {len(listed) - limit} more (every one is in reports/)")
    return lines


def github_line(f: Finding) -> str:
    """A GitHub Actions workflow command: ``::error file=...,line=...::message``."""
    level = {"error": "error", "warning": "warning"}.get(f.severity.value, "notice")
    message = f"{f.code} {f.message}" + (f" ({f.hint})" if f.hint else "")
    return (f"::{level} file={_esc_prop(f.path)},line={f.line},col={f.col},"
            f"title={f.code}::{_esc_data(message)}")


def _esc_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _esc_prop(text: str) -> str:
    return _esc_data(text).replace(":", "%3A").replace(",", "%2C")


def summary_line(result: StageResult) -> str:
    status = "FAILED" if result.errors else "ok"
    return (f"{result.stage}: {status}: {result.errors} error(s), "
            f"{result.warnings} warning(s)")


def markdown(result: StageResult) -> str:
    """A Markdown table of findings, for a CI step summary or an issue body."""
    lines = [f"## {summary_line(result)}", ""]
    if result.findings:
        lines += ["| location | severity | code | message | hint |", "|---|---|---|---|---|"]
        lines += [f"| `{f.path}:{f.line}:{f.col}` | {f.severity.value} | {f.code} | "
                  f"{_md_cell(f.message)} | {_md_cell(f.hint)} |"
                  for f in sorted(result.findings, key=Finding.sort_key)]
    return "\n".join(lines)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(result: StageResult, fmt: str, root: Path) -> str:
    """The whole console report of a stage in the chosen format."""
    if fmt == "json":
        return dumps_json(to_dict(result, root)).rstrip("\n")
    findings = sorted(result.findings, key=Finding.sort_key)
    if fmt == "github":
        return "\n".join(github_line(f) for f in findings)
    if fmt == "markdown":
        return markdown(result)
    lines = [human_line(f) for f in findings]
    lines.append(summary_line(result))
    return "\n".join(lines)
