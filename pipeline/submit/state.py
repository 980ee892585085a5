"""What the site holds now versus what was last announced, kept in a small state file.

The state file (``<cache>/submit-state.json``) maps, per IndexNow endpoint, every URL
that an engine accepted to the lastmod it had then::

    {"schema": "seo-pipeline/submit-state/1",
     "indexnow": {"<endpoint>": {"<url>": "<lastmod>", ...}}}

A URL is pending when it is new, when its lastmod changed, or when it was announced
before and is gone from the site now (engines are told so they recrawl and drop it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypedDict

from pipeline.core.fsutil import write_json
from pipeline.core.model import Site
from pipeline.core.settings import Settings
from pipeline.core.urls import page_url

STATE_SCHEMA = "seo-pipeline/submit-state/1"
STATE_NAME = "submit-state.json"

Announced = dict[str, str]  # url -> lastmod


class SubmitState(TypedDict):
    """``submit-state.json``: what was announced to each IndexNow endpoint."""

    schema: str
    indexnow: dict[str, Announced]


@dataclass(frozen=True)
class Entry:
    """One URL to announce; ``lastmod`` is ``None`` for a URL removed from the site."""

    url: str
    lastmod: str | None


def lastmod_text(when: datetime) -> str:
    """A stable text form of a lastmod (UTC when the time carries a zone)."""
    return (when.astimezone(UTC) if when.tzinfo else when).isoformat()


def site_entries(site: Site) -> list[Entry]:
    """Every published article's URL with its lastmod, sorted by URL."""
    settings = site.settings
    entries = {
        page_url(settings, a.locale, a.slug): lastmod_text(a.meta.modified)
        for a in site.published()
    }
    return [Entry(url, entries[url]) for url in sorted(entries)]


def pending(current: list[Entry], announced: Announced, base: str) -> list[Entry]:
    """New or changed URLs, then removed ones below ``base``, each group sorted by URL.

    Removed URLs of another origin (the site moved) are not sent: an engine refuses
    URLs that are not on the submitted host.
    """
    changed = [e for e in current if announced.get(e.url) != e.lastmod]
    present = {e.url for e in current}
    removed = [Entry(url, None) for url in sorted(announced)
               if url not in present and url.startswith(base)]
    return changed + removed


def record(announced: Announced, sent: list[Entry]) -> Announced:
    """``announced`` after the engine accepted ``sent``."""
    result = dict(announced)
    for entry in sent:
        if entry.lastmod is None:
            result.pop(entry.url, None)
        else:
            result[entry.url] = entry.lastmod
    return result


def state_path(settings: Settings) -> Path:
    return settings.path("cache") / STATE_NAME


def load_state(path: Path) -> tuple[SubmitState, str]:
    """The state (empty when missing) and a problem text when the file was unusable."""
    if not path.exists():
        return _empty(), ""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return _empty(), f"cannot read {path.name}: {exc}"
    if not _valid(data):
        return _empty(), f"{path.name} is not a {STATE_SCHEMA} file"
    return data, ""


def _valid(data: object) -> bool:
    if not isinstance(data, dict) or data.get("schema") != STATE_SCHEMA:
        return False
    engines = data.get("indexnow")
    return isinstance(engines, dict) and all(
        isinstance(urls, dict) and all(isinstance(v, str) for v in urls.values())
        for urls in engines.values()
    )


def _empty() -> SubmitState:
    return {"schema": STATE_SCHEMA, "indexnow": {}}


def announced_to(state: SubmitState, endpoint: str) -> Announced:
    return dict(state["indexnow"].get(endpoint, {}))


def save_announced(path: Path, state: SubmitState, endpoint: str,
                   announced: Announced) -> SubmitState:
    """Write the state with ``announced`` for ``endpoint`` atomically; return it."""
    engines = {**state["indexnow"], endpoint: dict(sorted(announced.items()))}
    new_state: SubmitState = {"schema": STATE_SCHEMA, "indexnow": engines}
    write_json(path, new_state)
    return new_state
