"""The one registry of commands: every stage (build order) and every tool, by name.

Importing it loads no stage, so ``--version`` and ``--help`` stay fast; a command's module
is imported only when that command runs.
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import ModuleType

    from pipeline.core.model import Site, StageResult

FORMATS = ("human", "json", "github", "markdown")
StageFn = Callable[["Site", argparse.Namespace], "StageResult"]


@dataclass(frozen=True)
class Stage:
    """A registered stage: its CLI name, one-line help, entry point and build membership."""

    name: str
    help: str
    module: str  # module path holding ``run`` and optionally ``add_arguments``
    offline: bool = True  # part of ``make build``
    needs_valid_content: bool = True
    reports: tuple[str, ...] = ()  # files in reports/ it writes besides <name>.json

    def load(self) -> tuple[StageFn, Callable[[argparse.ArgumentParser], None] | None]:
        module = importlib.import_module(self.module)
        return module.run, getattr(module, "add_arguments", None)

    def renderer(self) -> Callable[[StageResult, str, Path], str | None] | None:  # noqa: F821
        """The stage's own console formatter (``render``), if it has one."""
        return getattr(importlib.import_module(self.module), "render", None)


# Stage order is build order. Each stage module lives in pipeline/stages/.
STAGES: tuple[Stage, ...] = (
    Stage("validate", "check front matter against the schema and site rules",
          "pipeline.stages.validate", needs_valid_content=False),
    Stage("links", "check every link; external ones over the network (not part of build)",
          "pipeline.stages.links", offline=False, needs_valid_content=False),
    Stage("metadata", "lint head metadata (title, description, share image, duplicates)",
          "pipeline.stages.metadata"),
    Stage("analyze", "per-article content analysis: focus keyphrase, readability, length, "
          "images and links", "pipeline.stages.analyze"),
    Stage("crosscheck", "cross-article checks: cannibalization, near-duplicates, translations, "
          "orphans, link suggestions", "pipeline.stages.crosscheck"),
    Stage("bundles", "localized HTML pages and JSON bundles into the output folder",
          "pipeline.stages.bundles"),
    Stage("sitemaps", "write hreflang sitemaps, the index and robots.txt",
          "pipeline.stages.sitemaps"),
    Stage("report", "the site health report reports/index.html (findings, translations, "
          "cross-article checks, link health)", "pipeline.stages.report",
          reports=("index.html",)),
    Stage("submit", "announce new/changed URLs (IndexNow) and the sitemap index (Search "
          "Console); dry run unless --yes", "pipeline.stages.submit", offline=False),
)



# Commands that are not stages over the site: name -> (module with add_arguments/main, help).
TOOLS: dict[str, tuple[str, str]] = {
    "init": ("pipeline.content.init_site",
             "write a minimal bilingual site (en + ar) into a new folder"),
    "new": ("pipeline.content.new_article",
            "write a new article (LOCALE SLUG) or a translation stub (--translate PATH LOCALE)"),
    "import": ("pipeline.content.importer", "convert a plain-text export into a Markdown article"),
    "mv": ("pipeline.redirects.mv",
           "rename an article (OLD file, NEW slug or file) and keep its old URL in aliases"),
    "hreflang": ("pipeline.hreflang.tool", "audit hreflang clusters of the site or a sitemap"),
    "indexnow-key": ("pipeline.submit.keytool",
                     "create the IndexNow key and write its key file into the site output"),
    "translations": ("pipeline.content.translations",
                     "per translation key: present, missing, stale; export and import "
                     "XLIFF/PO files for translators"),
    "i18n": ("pipeline.render.locale_add",
             "i18n add LOCALE: add a language (site.toml entry, content tree, UI catalog) "
             "and list the strings to translate"),
    "serve": ("pipeline.preview.serve", "preview the output folder on 127.0.0.1"),
}


def command_names() -> set[str]:
    return {item.name for item in STAGES} | set(TOOLS) | {"build"}


def tool_module(name: str) -> ModuleType:
    return importlib.import_module(TOOLS[name][0])


def command_line(args: str) -> str:
    """``seo-pipeline ARGS`` written so this shell can run it: the bare name when the
    running executable is the one on PATH, else its path (``.venv/bin/seo-pipeline`` after
    ``make build``), else ``python -m pipeline``."""
    script: Path | None = Path(sys.argv[0])
    if script is None or script.name != "seo-pipeline":  # python -m pipeline, or a test
        beside = Path(sys.executable).parent / "seo-pipeline"
        script = beside if beside.is_file() else None
    if script is None:
        return f"{_shown(Path(sys.executable))} -m pipeline {args}"
    found = shutil.which("seo-pipeline")
    if found and Path(found).resolve() == script.resolve():
        return f"seo-pipeline {args}"
    return f"{_shown(script)} {args}"


def _shown(path: Path) -> str:
    """``path`` relative to the working folder when inside it, else absolute."""
    absolute = Path(os.path.abspath(path))
    cwd = Path.cwd()
    return absolute.relative_to(cwd).as_posix() if absolute.is_relative_to(cwd) else str(absolute)
