"""Where the validators live: npm packages pinned in ``tools/validators`` (installed by
``scripts/ensure-validators.sh``), a Java runtime and Debian's Chromium."""

from __future__ import annotations

import shutil
from pathlib import Path

TOOLS = Path(__file__).resolve().parents[2] / "tools" / "validators"
VNU_JAR = TOOLS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE_SCRIPT = TOOLS / "lighthouse-pages.mjs"
_INSTALLER = TOOLS.parents[1] / "scripts" / "ensure-validators.sh"
# A hint names a path only where it exists: the validators come with a source checkout.
INSTALL_HINT = (f"run 'bash {_INSTALLER}' (make test and make audit do)" if _INSTALLER.is_file()
                else "the validators are installed from a source checkout of seo-pipeline "
                "('make validators' there)")


class ToolMissing(RuntimeError):
    """A validator or its runtime is not installed."""


def need(program: str) -> str:
    """Absolute path of ``program`` on PATH, or ``ToolMissing``."""
    found = shutil.which(program)
    if found is None:
        raise ToolMissing(f"{program} is not installed: {INSTALL_HINT}")
    return found


def chromium() -> str:
    """Debian's Chromium."""
    for name in ("chromium", "chromium-browser"):
        if shutil.which(name):
            return need(name)
    raise ToolMissing(f"chromium is not installed: {INSTALL_HINT}")


def node_package(path: Path) -> Path:
    """A file of an installed npm package under ``tools/validators``."""
    if not path.is_file():
        raise ToolMissing(f"{path} is missing: {INSTALL_HINT}")
    return path
