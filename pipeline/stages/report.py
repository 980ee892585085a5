"""Report stage: the site health report ``reports/index.html`` (``pipeline.sitereport``).

Runs last in a build. The stage reports the build made this run are handed over as
``StageResult``s (``build_results``; nothing re-read); the others in ``reports/`` (the
last ``links`` run's, a stage run alone) are read. The page is rendered again only
when what it shows changed: its first lines carry the digest of what it shows, so a
build that changes nothing shown keeps the published file as it is.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.core.model import Site, StageResult
from pipeline.engine.options import RunOptions
from pipeline.engine.outputs import run_outputs
from pipeline.sitereport import page
from pipeline.sitereport.inputs import gather, read_views, translation_counts

PAGE = "index.html"


def run(site: Site, options: object = None) -> StageResult:
    handed = {r.stage: r for r in RunOptions.of(options).results}
    with run_outputs(site.settings, options) as outputs:
        folder = outputs.folder("reports")
        shas = {**folder.current, **folder.files}  # this run's files, then the others
        views = read_views(folder.root, shas, site.settings.locale_codes, handed)
        inputs = gather(site.settings, views, translation_counts(site))
        marker = f"<!-- inputs sha256:{inputs.digest} -->".encode()
        current = folder.current.get(PAGE)
        if current is not None and _starts_with(folder.root / PAGE, marker):
            folder.written(PAGE, current)  # unchanged inputs: the page stays as it is
        else:
            folder.put(PAGE, page.render(site.settings, inputs).encode())
        target = site.settings.path("reports") / PAGE
        return StageResult("report", [], outputs=[target],
                           data={"page": PAGE, "stages": sorted(inputs.stages),
                                 "inputs": inputs.digest})


def _starts_with(path: Path, marker: bytes) -> bool:
    """Whether the page at ``path`` was rendered from inputs with this digest."""
    try:
        with path.open("rb") as fh:
            return marker in fh.read(256)
    except OSError:
        return False
