"""The pre-commit hooks (.pre-commit-hooks.yaml): the manifest's fields, and each hook's
command run as pre-commit runs it (entry + args + the staged files its ``files`` pattern
matches) on a site made by ``seo-pipeline init``."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

from pipeline.cli import main
from pipeline.commands import command_names

REPO = Path(__file__).resolve().parents[1]
HOOKS = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
# Keys of pre-commit's manifest schema (pre_commit/clientlib.py, MANIFEST_HOOK_DICT).
KNOWN = {"id", "name", "entry", "language", "alias", "files", "exclude", "types", "types_or",
         "exclude_types", "additional_dependencies", "args", "always_run", "fail_fast",
         "pass_filenames", "description", "language_version", "log_file", "require_serial",
         "stages", "verbose", "minimum_pre_commit_version"}


def by_id(hook_id: str) -> dict:
    return next(h for h in HOOKS if h["id"] == hook_id)


def test_manifest_fields() -> None:
    assert isinstance(HOOKS, list)
    assert {h["id"] for h in HOOKS} == {"seo-pipeline-validate", "seo-pipeline-links"}
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    for hook in HOOKS:
        assert {"id", "name", "entry", "language"} <= set(hook) and set(hook) <= KNOWN
        assert hook["language"] == "python"  # pre-commit pip-installs this repository
        program, command, *_ = shlex.split(hook["entry"])
        assert program in scripts and command in command_names()
        re.compile(hook["files"])
    assert by_id("seo-pipeline-validate")["pass_filenames"] is False
    links = by_id("seo-pipeline-links")
    assert "--offline" in shlex.split(links["entry"])
    assert links["pass_filenames"] is True and links["args"][-1] == "--files"


def run_hook(hook: dict, root: Path, changed: list[str]) -> subprocess.CompletedProcess[str]:
    """What pre-commit runs: entry, args, then the changed files ``files`` matches (none
    when ``pass_filenames`` is false); a hook whose files match nothing is skipped."""
    matching = [f for f in changed if re.search(hook["files"], f)]
    assert matching, f"{hook['id']} would be skipped for {changed}"
    argv = [*shlex.split(hook["entry"]), *hook.get("args", []),
            *(matching if hook.get("pass_filenames", True) else [])]
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    return subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True, timeout=300)


def test_hooks_pass_on_a_clean_site(tmp_path: Path) -> None:
    root = tmp_path / "site"
    assert main(["init", str(root)]) == 0
    changed = ["content/en/welcome.md", "content/ar/welcome.md", "README.md"]
    for hook in HOOKS:
        done = run_hook(hook, root, changed)
        assert done.returncode == 0, done.stdout + done.stderr


def test_hooks_fail_with_located_findings(tmp_path: Path) -> None:
    root = tmp_path / "site"
    assert main(["init", str(root)]) == 0
    en = root / "content/en/welcome.md"
    en.write_text(en.read_text(encoding="utf-8").replace("[here](/ar/مرحبا/)",
                                                         "[here](/ar/missing/)"), encoding="utf-8")
    ar = root / "content/ar/welcome.md"
    ar.write_text(ar.read_text(encoding="utf-8").replace('date: "2026-01-15T09:00:00Z"',
                                                         'date: "yesterday"'), encoding="utf-8")
    validate = run_hook(by_id("seo-pipeline-validate"), root, ["content/ar/welcome.md"])
    assert validate.returncode == 1
    assert re.search(r"content/ar/welcome\.md:6:\d+: error FM104 ", validate.stdout)
    links = run_hook(by_id("seo-pipeline-links"), root, ["content/en/welcome.md"])
    assert links.returncode == 1
    assert re.search(r"^content/en/welcome\.md\n  \d+:\d+ error LNK010 no article at /ar/missing/",
                     links.stdout, re.M), links.stdout
