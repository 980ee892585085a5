"""Report stage: the site health report ``reports/index.html`` (``pipeline.sitereport``).

Runs last in a build and reads the reports the stages before it put into ``reports/``
this run (and ``links.json`` from the last ``links`` run, when there is one). The page is
rendered again only when what it shows changed: its first lines carry the digest of its
inputs, so an unchanged build keeps the published file as it is.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.core.model import Site, StageResult
from pipeline.engine.outputs import run_outputs
from pipeline.sitereport import page
from pipeline.sitereport.inputs import gather, read_reports, translation_rows

PAGE = "index.html"


def run(site: Site, options: object = None) -> StageResult:
    with run_outputs(site.settings, options) as outputs:
        folder = outputs.folder("reports")
        names = {rel for rel in (*folder.current, *folder.files) if "/" not in rel}
        inputs = gather(read_reports(folder.root, names), translation_rows(site),
                        site.settings.locale_codes)
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
