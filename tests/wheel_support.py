"""A wheel of this repository built once per test session, and fresh venvs to install it in.

``python -m build`` makes the sdist and then the wheel from that sdist (as a release
would), into a temporary folder; nothing is written into the repository but the
``*.egg-info`` setuptools keeps beside the package (git-ignored).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without this venv's traces (VIRTUAL_ENV, PYTHONPATH)."""
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH",
                                                             "PYTHONHOME"}}
    return {**env, **extra}


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(REPO)],
                   check=True, capture_output=True, text=True, timeout=600, env=clean_env())
    [built] = out.glob("seo_pipeline-*.whl")
    return built


def base_python() -> str:
    """The interpreter this venv was made from (a venv made from a venv's python works
    too, but this keeps the new venv independent of ours)."""
    return getattr(sys, "_base_executable", sys.executable)


@pytest.fixture(scope="session")
def installed_venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    """A fresh venv outside the repository with the wheel and its real dependencies
    (from PyPI or pip's cache); named as the action's install step names its venv."""
    venv = tmp_path_factory.mktemp("runner-temp") / "seo-pipeline-venv"
    subprocess.run([base_python(), "-m", "venv", str(venv)], check=True, timeout=300)
    subprocess.run([str(venv / "bin/python"), "-m", "pip", "install", "--quiet", str(wheel)],
                   check=True, timeout=900, env=clean_env(), capture_output=True)
    return venv
