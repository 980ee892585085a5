"""What the site report shows, gathered from the stage reports and the content.

The page shows counts and a few dozen items per list, so each stage report is reduced to
a small ``StageView`` first: from the stage's ``StageResult`` when the build that made it
hands it over (nothing re-read), else from ``reports/<stage>.json``. Both give the same
view, and the page's digest is that of the views, the translation counts, the settings
the page shows and the code: it changes exactly when the page would.
"""

from __future__ import annotations

import hashlib
import heapq
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from pipeline.content.translations import source_of, state_of
from pipeline.core.jsontypes import JSONObject
from pipeline.core.model import Severity, Site, StageResult
from pipeline.core.settings import Settings
from pipeline.engine import fingerprint

OWN_REPORT = "report.json"
REPORT_SCHEMA = "seo-pipeline/report/1"
SEVERITIES = ("error", "warning", "info")
MAX_ITEMS = 50  # items shown per list; the rest is counted and left to the JSON reports


@dataclass
class StageView:
    """What the page shows of one stage report: finding counts by severity and by the
    locale of the finding's file; for the stages whose lists it shows (``LISTED``), the
    report's data and first findings, stood for in the digest by the report file's SHA-256."""

    by_severity: dict[str, int] = field(default_factory=dict)
    by_locale: dict[str, dict[str, int]] = field(default_factory=dict)
    data: JSONObject = field(default_factory=dict)  # LISTED stages only
    findings: list[JSONObject] = field(default_factory=list)  # LISTED: the first MAX_ITEMS
    found: int = 0  # LISTED: how many findings in all
    sha: str = ""  # LISTED: the report file's SHA-256


LISTED = ("crosscheck", "links")


@dataclass
class Inputs:
    """The report's data; ``digest`` changes whenever the page would."""

    stages: dict[str, StageView]  # stage name -> its view, in report file name order
    translations: dict[str, dict[str, int]]  # locale -> translation state -> keys
    locales: tuple[str, ...]
    digest: str = ""
    by_stage: dict[str, Counter[str]] = field(default_factory=dict)
    by_locale: dict[str, Counter[str]] = field(default_factory=dict)


def report_names(names: Iterable[str]) -> list[str]:
    """The stage reports among the report folder's file names, in the page's order."""
    return sorted(n for n in names if "/" not in n and n.endswith(".json") and n != OWN_REPORT)


def read_views(folder: Path, shas: dict[str, str], codes: tuple[str, ...],
               handed: dict[str, StageResult] | None = None) -> dict[str, StageView]:
    """The view of every stage report in ``folder`` (``shas``: its files' SHA-256): of
    the ``StageResult`` handed over for ``<stage>.json`` (this build's), else of the
    file when it reads as a stage report."""
    handed = handed or {}
    views: dict[str, StageView] = {}
    places = Places(codes)  # shared by the stages
    for name in report_names(shas):
        if (result := handed.get(name[:-5])) is not None:
            views[result.stage] = view_of_result(result, places, shas[name])
            continue
        try:
            data = orjson.loads((folder / name).read_bytes())
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("schema") == REPORT_SCHEMA:
            views[str(data.get("stage", name[:-5]))] = view_of_report(data, places, shas[name])
    return views


class Places(dict[str, str]):
    """File -> the locale it belongs to (``locale_of``), worked out once per file."""

    def __init__(self, codes: tuple[str, ...]):
        super().__init__()
        self.codes = codes

    def __missing__(self, path: str) -> str:
        place = self[path] = locale_of(path, self.codes)
        return place


def view_of_result(result: StageResult, places: Places, sha: str) -> StageView:
    """The view of a stage's result as its report file would give it."""
    view = StageView()
    for severity in Severity:  # a pass each: comparing members is cheaper than hashing
        paths = [f.path for f in result.findings if f.severity is severity]
        if paths:
            name = severity.value
            view.by_severity[name] = len(paths)
            for place, n in Counter(map(places.__getitem__, paths)).items():
                view.by_locale.setdefault(place, {})[name] = n
    if result.stage in LISTED:
        view.data, view.found, view.sha = result.data, len(result.findings), sha
    if result.stage == "links":  # the page lists its first findings, as the file orders them
        view.findings = [f.to_dict() for f in heapq.nsmallest(MAX_ITEMS, result.findings)]
    return view


def view_of_report(report: JSONObject, places: Places, sha: str) -> StageView:
    """The view of a stage report as read from ``reports/<stage>.json``."""
    view = StageView()
    findings = report.get("findings", [])
    for finding in findings:
        name = str(finding.get("severity", "info"))
        view.by_severity[name] = view.by_severity.get(name, 0) + 1
        counts = view.by_locale.setdefault(places[str(finding.get("path", ""))], {})
        counts[name] = counts.get(name, 0) + 1
    if report.get("stage") in LISTED:
        view.data, view.found, view.sha = report.get("data", {}), len(findings), sha
    if report.get("stage") == "links":
        view.findings = findings[:MAX_ITEMS]
    return view


def link_state(state: str) -> str:
    """A link's state as drawn: ok (ok, redirected), skipped (skipped, excluded), broken."""
    if state in ("ok", "redirected"):
        return "ok"
    return "skipped" if state in ("skipped", "excluded") else "broken"


def translation_counts(site: Site) -> dict[str, dict[str, int]]:
    """Per locale, how many translation keys are its source, current, stale, untracked
    or missing (a locale whose article is held back, draft or scheduled, is not missing;
    ``content.translations.site_status``'s states, counted without listing them)."""
    codes = site.settings.locale_codes
    held: dict[str, set[str]] = {}
    for article in site.articles:  # site.status(article) != "published", path only if needed
        if article.meta.draft or (site.held and article.source.as_posix() in site.held):
            held.setdefault(article.translation_key, set()).add(article.locale)
    counts: dict[str, Counter[str]] = {code: Counter() for code in codes}
    default = site.settings.site.x_default
    groups = {group.key: group for group in site.groups()}
    for key, group in groups.items():
        source = source_of(group, default)
        for code in codes:
            member = group.articles.get(code)
            if member is None:
                counts[code]["current" if code in held.get(key, ()) else "missing"] += 1
                continue
            state = state_of(member, source)
            if state in ("stale", "untracked"):
                counts[code][state] += 1
            else:
                counts[code]["source" if source and source.locale == code else "current"] += 1
    for key in held.keys() - groups.keys():  # every article of the key held back
        for code in codes:
            counts[code]["current" if code in held[key] else "missing"] += 1
    return {code: dict(c) for code, c in counts.items()}


def gather(settings: Settings, views: dict[str, StageView],
           translations: dict[str, dict[str, int]]) -> Inputs:
    """Counts by stage and by locale, and the digest of everything the page shows."""
    codes = settings.locale_codes
    inputs = Inputs(views, translations, codes)
    for name, view in views.items():
        inputs.by_stage[name] = Counter(view.by_severity)
        for place, counts in view.by_locale.items():
            inputs.by_locale.setdefault(place, Counter()).update(counts)
    shown = {"views": [[n, v.by_severity, v.by_locale, v.sha] for n, v in views.items()],
             "translations": translations, "locales": codes,
             "site": [settings.site.name, [[loc.code, loc.name] for loc in settings.locales]],
             "code": fingerprint.code()}
    inputs.digest = hashlib.sha256(orjson.dumps(shown, option=orjson.OPT_SORT_KEYS)).hexdigest()
    return inputs


def locale_of(path: str, codes: tuple[str, ...]) -> str:
    """The locale a finding's file belongs to (``content/<locale>/...``), else site-wide."""
    parts = path.split("/")
    for part in parts[:3]:
        if part in codes:
            return part
    return "site"
