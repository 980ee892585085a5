"""Audit a built site folder: Nu on every HTML page, Lighthouse on every indexable page
(served on loopback by the preview server), sitemaps against the schemas."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import lxml.html

from pipeline.audit import lighthouse, nu
from pipeline.audit.official import official_errors
from pipeline.preview.serve import bound_address, make_server
from pipeline.sitemaps.schema import check as check_sitemap


@dataclass
class PageAudit:
    """What the validators said about one page."""

    path: str  # URL path, e.g. /ar/تقشير/ (decoded for display)
    file: Path
    indexable: bool
    nu: list[nu.NuMessage] = field(default_factory=list)
    lighthouse: lighthouse.PageScores | None = None

    @property
    def ok(self) -> bool:
        scored = self.lighthouse is None or self.lighthouse.perfect
        return not self.nu and scored


@dataclass
class SiteAudit:
    pages: list[PageAudit]
    sitemaps: dict[str, list[str]]  # file name -> schema errors

    @property
    def ok(self) -> bool:
        return all(p.ok for p in self.pages) and not any(self.sitemaps.values())


def url_path(output: Path, file: Path) -> str:
    """The URL path a static server gives ``file`` (``a/index.html`` -> ``/a/``)."""
    relative = file.relative_to(output).as_posix()
    if relative == "index.html" or relative.endswith("/index.html"):
        relative = relative[: -len("index.html")]
    return "/" + relative


def is_indexable(file: Path) -> bool:
    """False when the page asks robots not to index it."""
    tree = lxml.html.fromstring(file.read_bytes())
    for meta in tree.iter("meta"):
        if (meta.get("name") or "").lower() == "robots" and "noindex" in (
                meta.get("content") or "").lower():
            return False
    return True


def html_files(output: Path) -> list[Path]:
    return sorted(p for p in output.rglob("*.html") if p.is_file())


@contextmanager
def served(output: Path) -> Iterator[str]:
    """``output`` served on 127.0.0.1 (any free port) for the duration; yields the origin."""
    server = make_server(output)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = bound_address(server)
        yield f"http://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()


def audit(output: Path, run_lighthouse: bool = True,
          lighthouse_limit: int | None = None) -> SiteAudit:
    """Every validator over the site in ``output``; Lighthouse on the first
    ``lighthouse_limit`` indexable pages (all when ``None``), about 7 s a page."""
    files = html_files(output)
    messages = nu.check(files)
    pages = [PageAudit(url_path(output, f), f, is_indexable(f), messages[f]) for f in files]
    if run_lighthouse:
        indexable = [p for p in pages if p.indexable][:lighthouse_limit]
        with served(output) as origin:
            scores = lighthouse.run([origin + quote(p.path) for p in indexable])
        for page, score in zip(indexable, scores, strict=True):
            page.lighthouse = score
    maps = sorted(p for p in output.glob("sitemap*.xml*") if p.is_file())
    return SiteAudit(pages, {p.name: sitemap_errors(p) for p in maps})


def sitemap_errors(path: Path) -> list[str]:
    """The project's own schema check, and for ``<urlset>`` files (not compressed) the
    official sitemaps.org schema too."""
    errors = check_sitemap(path)
    if path.suffix == ".xml" and b"<urlset" in path.read_bytes()[:4096]:
        errors += [f"official schema: {e}" for e in official_errors(path)]
    return errors


def lines(result: SiteAudit) -> Iterator[str]:
    """One line per page (and per sitemap): each score and what fails."""
    for page in result.pages:
        parts = [f"nu {len(page.nu)} error(s)"]
        if page.lighthouse is not None:
            parts += [f"{c} {page.lighthouse.scores.get(c)}" for c in lighthouse.CATEGORIES]
        elif not page.indexable:
            parts.append("noindex: not scored")
        else:
            parts.append("lighthouse not run")
        failing = [f"nu:{m.line}: {m.message}" for m in page.nu]
        if page.lighthouse is not None:
            failing += page.lighthouse.failing
            if page.lighthouse.error:
                failing.append(f"lighthouse: {page.lighthouse.error}")
        state = "ok  " if page.ok else "FAIL"
        yield f"{state} {page.path}  {'  '.join(parts)}  failing: {'; '.join(failing) or '-'}"
    for name, errors in result.sitemaps.items():
        state = "ok  " if not errors else "FAIL"
        yield f"{state} /{name}  sitemap schema  failing: {'; '.join(errors) or '-'}"
