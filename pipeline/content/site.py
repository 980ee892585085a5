"""Opening a project: its settings and the loaded ``Site``, and the result of a stage or
tool that refuses to run on content with errors. Stages and tools use these without
importing the runner."""

from __future__ import annotations

from pathlib import Path

from pipeline.core.model import Finding, Severity, Site, StageResult
from pipeline.core.settings import Settings, load_settings


def open_site(root: Path, config: Path | None = None) -> tuple[Settings, Site]:
    """Settings and the loaded site (``ConfigError`` propagates), loaded under the
    project's build lock (loading writes the source rows of the state database)."""
    from pipeline.content.load import load_site
    from pipeline.engine.lock import holding

    settings = load_settings(root, config)
    with holding(settings.path("cache")):
        site, _ = load_site(settings)
    return settings, site


def blocked_by_content(site: Site, name: str) -> StageResult:
    """The result of a stage that refuses to run on content with errors."""
    errors = [f for f in site.load_findings if f.severity is Severity.ERROR]
    note = Finding(
        "content", 1, 1, "RUN001", Severity.ERROR,
        f"{len(errors)} article(s) have errors; {name} needs valid content",
        "run 'seo-pipeline validate' and fix what it reports")
    return StageResult(name, [note, *errors])
