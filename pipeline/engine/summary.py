"""What a build did, and the short summary every build ends with on the console."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline.commands import command_line

if TYPE_CHECKING:
    from pipeline.core.model import StageResult
    from pipeline.core.settings import Settings
    from pipeline.engine.outputs import FolderChanges

FOLDER_NAMES = (("output", "site"), ("sitemap", "sitemaps"), ("reports", "reports"))


@dataclass
class Build:
    """A finished build: stage results, what each output folder's commit changed, time."""

    settings: Settings
    results: list[StageResult]
    changes: dict[str, FolderChanges] = field(default_factory=dict)
    seconds: float = 0.0
    replayed: bool = False  # nothing had changed: the last build's reports were shown
    load_seconds: float = 0.0


def _count(n: int) -> str:
    return f"{n:,}"


def _by_locale(rels: tuple[str, ...], codes: tuple[str, ...]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for rel in rels:
        head = rel.split("/", 1)[0]
        group = head if head in codes and "/" in rel else "site-wide"
        counts[group] = counts.get(group, 0) + 1
    return counts


def summary_text(done: Build) -> str:
    """Plain lines, the same shape on a terminal, in a pipe and in CI."""
    from pipeline.report import summary_line

    status = "FAILED" if any(r.errors for r in done.results) else "ok"
    if done.replayed:
        return (f"build: {status}: nothing changed since the last build; its reports were "
                f"shown again ({done.seconds:.2f} s)")
    timing = ", ".join(f"{r.stage} {r.run_stats.get('seconds', 0.0):.2f} s" for r in done.results)
    lines = [f"build: {status} in {done.seconds:.2f} s (load {done.load_seconds:.2f} s, {timing})",
             "  " + "; ".join(summary_line(r) for r in done.results)]
    codes = done.settings.locale_codes
    for name, label in FOLDER_NAMES:
        change = done.changes.get(name)
        if change is None:
            continue
        folder = getattr(done.settings.paths, name)
        if name == "output":
            groups = sorted(set(_by_locale(change.written + change.unchanged + change.removed,
                                           codes)), key=lambda g: (g not in codes, g))
            written, same, gone = (_by_locale(x, codes) for x in
                                   (change.written, change.unchanged, change.removed))
            parts = [f"{g}: {_count(written.get(g, 0))} written, {_count(same.get(g, 0))} "
                     f"unchanged, {_count(gone.get(g, 0))} removed" for g in groups]
            lines.append(f"  {folder}/ ({label}): " + "; ".join(parts))
        else:
            lines.append(f"  {folder}/ ({label}): {_count(len(change.written))} written, "
                         f"{_count(len(change.unchanged))} unchanged, "
                         f"{_count(len(change.removed))} removed")
    lines += [f"  report: {done.settings.path('reports') / 'index.html'} (site health)"] \
        * any(r.stage == "report" for r in done.results)
    lines.append(f"  output: {done.settings.path('output')} "
                 f"(preview: {command_line('serve --watch')})")
    return "\n".join(lines)
