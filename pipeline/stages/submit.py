"""Submit: announce new and changed URLs (IndexNow) and the sitemap index (Search Console).

A dry run by default: it prints exactly the requests it would send and sends nothing.
``--yes`` sends them. Not part of ``build``: it talks to the network.

Codes: SUB0xx IndexNow, SUB1xx Search Console, SUB2xx the state file.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests

from pipeline import __version__
from pipeline.core.jsontypes import JSONObject
from pipeline.core.model import Finding, Severity, Site, StageResult
from pipeline.core.settings import CONFIG_NAME, Settings, _line_of
from pipeline.submit import indexnow, search_console
from pipeline.submit.retry import RetryPolicy, Sleep, policy_of
from pipeline.submit.state import (
    announced_to,
    load_state,
    pending,
    record,
    save_announced,
    site_entries,
    state_path,
)

USER_AGENT = f"seo-pipeline/{__version__}"
STATUS_CODES = {400: "SUB010", 403: "SUB011", 422: "SUB012", 429: "SUB013"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--yes", action="store_true",
                        help="send the requests (default: a dry run that prints them)")


@dataclass
class _Run:
    """What both submissions share: settings, mode, console and findings."""

    settings: Settings
    send: bool
    out: Callable[[str], None]
    sleep: Sleep
    config_name: str
    config_text: str
    result: StageResult = field(default_factory=lambda: StageResult("submit"))

    def note(self, key: str, code: str, severity: Severity, message: str,
             hint: str = "") -> None:
        line = _line_of(self.config_text, "submit", key) if key else 1
        self.result.findings.append(
            Finding(self.config_name, line, 1, code, severity, message, hint))

    @property
    def policy(self) -> RetryPolicy:
        return policy_of(self.settings.submit)


def run(site: Site, options: argparse.Namespace | None = None) -> StageResult:
    """Plan (dry run) or send both submissions."""
    settings = site.settings
    config = Path(getattr(options, "config", None) or settings.root / CONFIG_NAME)
    quiet = getattr(options, "format", "human") == "json"
    ctx = _Run(settings, bool(getattr(options, "yes", False)),
               (lambda _text: None) if quiet else print,
               getattr(options, "sleep", time.sleep), config.name,
               config.read_text(encoding="utf-8") if config.is_file() else "")
    ctx.result.data["dry_run"] = not ctx.send
    if not ctx.send:
        ctx.out("submit: dry run, nothing is sent (add --yes to send)")
    _indexnow(ctx, site)
    _search_console(ctx)
    return ctx.result


def _headers(extra: dict[str, str] | None = None) -> dict[str, str]:
    return {"User-Agent": USER_AGENT, **(extra or {})}


def _show(method: str, url: str, headers: dict[str, str], body: bytes = b"") -> str:
    lines = [f"{method} {url}", *(f"{k}: {v}" for k, v in headers.items())]
    text = "\n".join(lines)
    return text + ("\n\n" + body.decode("utf-8").rstrip("\n") if body else "")


def _indexnow(ctx: _Run, site: Site) -> None:
    settings, section = ctx.settings, ctx.settings.submit
    key = section.indexnow_key
    if not key:
        ctx.note("", "SUB001", Severity.INFO, "IndexNow skipped: no submit.indexnow_key",
                 "run 'seo-pipeline indexnow-key' to create one")
        return
    if problem := indexnow.key_problem(key):
        ctx.note("indexnow_key", "SUB002", Severity.ERROR,
                 f"submit.indexnow_key {problem}", "run 'seo-pipeline indexnow-key --new'")
        return
    if not 1 <= section.batch_size <= indexnow.MAX_BATCH:
        ctx.note("batch_size", "SUB003", Severity.ERROR,
                 f"submit.batch_size must be 1-{indexnow.MAX_BATCH}, got {section.batch_size}")
        return
    if not indexnow.key_file(settings, key).is_file():
        ctx.note("indexnow_key", "SUB004", Severity.WARNING,
                 f"the key file {settings.paths.output}/{key}.txt is missing; engines answer "
                 "403 until it is published", "run 'seo-pipeline indexnow-key' and deploy")
    path = state_path(settings)
    state, problem = load_state(path)
    if problem:
        ctx.note("", "SUB201", Severity.WARNING, f"{problem}; every URL counts as new",
                 f"delete {path.name} if it is damaged")
    endpoint = section.indexnow_endpoint
    announced = announced_to(state, endpoint)
    current = site_entries(site)
    todo = pending(current, announced, settings.base_url + "/")
    plan = indexnow.batches(settings, key, todo, section.batch_size)
    headers = _headers({"Content-Type": indexnow.CONTENT_TYPE})
    data: JSONObject = {"endpoint": endpoint, "urls": len(current),
                            "pending": len(todo), "requests": len(plan)}
    ctx.result.data["indexnow"] = data
    ctx.out(f"IndexNow: {len(todo)} of {len(current)} URL(s) new, changed or removed since "
            f"the last submission; {len(plan)} request(s)")
    if not ctx.send:
        for batch in plan:
            ctx.out(_show("POST", endpoint, headers, batch.body))
        data["planned"] = [json.loads(b.body) for b in plan]
        return
    data["sent"] = []
    with requests.Session() as session:
        session.headers.update(_headers())
        for number, batch in enumerate(plan, 1):
            answer = indexnow.post(session, endpoint, batch, ctx.policy,
                                   section.timeout, ctx.sleep)
            ctx.out(f"IndexNow: request {number}/{len(plan)} ({len(batch.entries)} URL(s)): "
                    f"{answer.message}")
            data["sent"].append({"urls": len(batch.entries), "status": answer.status,
                                 "accepted": answer.accepted, "attempts": answer.attempts})
            if not answer.accepted:
                _refused(ctx, answer, len(plan) - number)
                return
            announced = record(announced, list(batch.entries))
            state = save_announced(path, state, endpoint, announced)
            if path not in ctx.result.outputs:
                ctx.result.outputs.append(path)


def _refused(ctx: _Run, answer: indexnow.BatchResult, left: int) -> None:
    status = answer.status
    code = STATUS_CODES.get(status or 0) or (
        "SUB015" if status is None else "SUB014" if status >= 500 else "SUB016")
    rest = f"; {left} later request(s) not sent" if left else ""
    ctx.note("indexnow_endpoint", code, Severity.ERROR,
             f"IndexNow: {answer.message}{rest}", answer.hint)


def _search_console(ctx: _Run) -> None:
    settings, section = ctx.settings, ctx.settings.submit
    variable = section.credentials_env
    key_path = os.environ.get(variable, "") if variable else ""
    if not key_path:
        ctx.note("credentials_env", "SUB101", Severity.INFO,
                 f"Search Console skipped: ${variable} is not set",
                 "set it to the path of a service-account JSON key file")
        return
    index = settings.path("output") / search_console.SITEMAP_INDEX
    if not index.is_file():
        ctx.note("", "SUB102", Severity.WARNING,
                 f"{settings.paths.output}/{search_console.SITEMAP_INDEX} is missing",
                 "run 'seo-pipeline build' and deploy before submitting")
    credentials, problem = search_console.load_credentials(key_path, section.token_uri)
    if problem or credentials is None:
        ctx.note("credentials_env", "SUB103", Severity.ERROR,
                 f"Search Console: ${variable}: {problem}",
                 "download a JSON key for the service account")
        return
    url = search_console.request_url(settings)
    ctx.result.data["search_console"] = {"request": f"PUT {url}"}
    if not ctx.send:
        auth = {"Authorization": f"Bearer <access token for the key in ${variable}>"}
        ctx.out("Search Console: sitemaps.submit of the sitemap index")
        ctx.out(_show("PUT", url, _headers(auth)))
        return
    with requests.Session() as session:
        session.headers.update(_headers())
        answer = search_console.submit(settings, credentials, session, ctx.policy, ctx.sleep)
    ctx.out(f"Search Console: {answer.message}")
    ctx.result.data["search_console"].update({"status": answer.status, "ok": answer.ok})
    if not answer.ok:
        ctx.note("search_console_endpoint", "SUB104", Severity.ERROR,
                 f"Search Console: {answer.message}", answer.hint)
