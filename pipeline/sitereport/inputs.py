"""What the site report shows, gathered from the stage reports and the content."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from pipeline.content.translations import site_status
from pipeline.core.jsontypes import JSONObject
from pipeline.core.model import Site

OWN_REPORT = "report.json"
SEVERITIES = ("error", "warning", "info")


@dataclass
class Inputs:
    """The report's data; ``digest`` changes exactly when any of it does."""

    stages: dict[str, JSONObject]  # stage name -> its report (reports/<stage>.json)
    translations: list[JSONObject]
    locales: tuple[str, ...]
    digest: str = ""
    by_stage: dict[str, Counter[str]] = field(default_factory=dict)
    by_locale: dict[str, Counter[str]] = field(default_factory=dict)


def read_reports(folder: Path, names: set[str]) -> dict[str, JSONObject]:
    """Every stage report among ``names`` (file names in ``folder``) that reads as one."""
    found = {}
    for name in sorted(names):
        if "/" in name or not name.endswith(".json") or name == OWN_REPORT:
            continue
        try:
            data = orjson.loads((folder / name).read_bytes())
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("schema") == "seo-pipeline/report/1":
            found[str(data.get("stage", name[:-5]))] = data
    return found


def translation_rows(site: Site) -> list[JSONObject]:
    """Each translation key's state per locale (front matter and hashes; no text read)."""
    return [{"key": s.key, "source": s.source, "present": list(s.present),
             "missing": list(s.missing), "stale": list(s.stale),
             "untracked": list(s.untracked)} for s in site_status(site)]


def gather(reports: dict[str, JSONObject], translations: list[JSONObject],
           codes: tuple[str, ...]) -> Inputs:
    """Counts by stage and by locale, and the digest of everything the page shows."""
    inputs = Inputs(reports, translations, codes)
    for name, report in reports.items():
        stage = inputs.by_stage.setdefault(name, Counter())
        for finding in report.get("findings", []):
            severity = str(finding.get("severity", "info"))
            stage[severity] += 1
            inputs.by_locale.setdefault(locale_of(str(finding.get("path", "")), codes),
                                        Counter())[severity] += 1
    inputs.digest = hashlib.sha256(orjson.dumps(
        [reports, translations, codes], option=orjson.OPT_SORT_KEYS)).hexdigest()
    return inputs


def locale_of(path: str, codes: tuple[str, ...]) -> str:
    """The locale a finding's file belongs to (``content/<locale>/...``), else site-wide."""
    parts = path.split("/")
    for part in parts[:3]:
        if part in codes:
            return part
    return "site"
