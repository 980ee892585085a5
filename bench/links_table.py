#!/usr/bin/env python3
"""Markdown tables (medians over repetitions) from a ``bench/run_links.sh`` run directory.

    python bench/links_table.py RUN_DIR
"""

from __future__ import annotations

import json
import re
import statistics
import sys
from collections import defaultdict
from pathlib import Path


def parse_time(path: Path) -> dict[str, float]:
    """Wall, CPU and peak RSS from a ``/usr/bin/time -v`` file."""
    out: dict[str, float] = {}
    for line in path.read_text(errors="replace").splitlines():
        key, _, value = line.strip().rpartition(": ")
        if key.startswith("Elapsed (wall clock) time"):
            seconds = 0.0
            for part in value.split(":"):
                seconds = seconds * 60 + float(part)
            out["wall"] = seconds
        elif key == "User time (seconds)":
            out["user"] = float(value)
        elif key == "System time (seconds)":
            out["sys"] = float(value)
        elif key == "Maximum resident set size (kbytes)":
            out["rss"] = int(value) / 1024
    return out


def runs(run: Path) -> dict[str, list[dict[str, float]]]:
    groups: dict[str, list[dict[str, float]]] = defaultdict(list)
    for time_file in sorted(run.glob("*.time")):
        name = time_file.stem
        score_file = run / f"{name}.score.json"
        if not score_file.exists():
            continue
        score = json.loads(score_file.read_text())
        row = parse_time(time_file)
        row.update(fp=score["false_positives"], fn=score["false_negatives"],
                   missing=score["missing_or_skipped"], requests=score["wire"].get("requests", 0))
        groups[re.sub(r"-\d+$", "", name)].append(row)
    return groups


def median(rows: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def table(groups: dict[str, list[dict[str, float]]], corpus: str) -> list[str]:
    lines = [f"| checker ({corpus}) | runs | median wall s | all runs s | CPU s (user+sys) | "
             "server requests | CPU ms/request | peak RSS MiB | false pos. | false neg. | "
             "missing |", "|" + "---|" * 11]
    for name in sorted(g for g in groups if g.endswith(f"-{corpus}")):
        rows = groups[name]
        cpu = statistics.median(r["user"] + r["sys"] for r in rows)
        requests = median(rows, "requests")
        walls = ", ".join(f"{r['wall']:.2f}" for r in rows)
        lines.append(
            f"| {name.removesuffix('-' + corpus)} | {len(rows)} | {median(rows, 'wall'):.2f} | "
            f"{walls} | {cpu:.2f} | {requests:.0f} | "
            f"{1000 * cpu / requests if requests else 0:.2f} | {median(rows, 'rss'):.0f} | "
            f"{','.join(str(r['fp']) for r in rows)} | {','.join(str(r['fn']) for r in rows)} | "
            f"{','.join(str(r['missing']) for r in rows)} |")
    return lines


def ratios(groups: dict[str, list[dict[str, float]]]) -> list[str]:
    def wall(name: str) -> float | None:
        return median(groups[name], "wall") if name in groups else None

    lines = ["| ratio | no stalls | with stalls |", "|---|---|---|"]
    for label, top, bottom in (("project tuned / lychee tuned", "project-tuned", "lychee-tuned"),
                               ("project defaults / project tuned", "project-defaults",
                                "project-tuned"),
                               ("project defaults / lychee defaults", "project-defaults",
                                "lychee-defaults"),
                               ("project tuned / before (same config)", "project-tuned",
                                "before-tuned")):
        cells = []
        for corpus in ("nostall", "stall"):
            a, b = wall(f"{top}-{corpus}"), wall(f"{bottom}-{corpus}")
            cells.append(f"{a / b:.2f}x" if a and b else "-")
        lines.append(f"| {label} | {cells[0]} | {cells[1]} |")
    return lines


def main() -> int:
    run = Path(sys.argv[1])
    groups = runs(run)
    out = [f"Run `{run.name}`", ""] + table(groups, "nostall") + [""] + table(groups, "stall")
    out += ["", *ratios(groups)]
    warm = [r["wall"] for name, rows in groups.items() if name == "warm" for r in rows]
    if warm:
        out += ["", f"Warm (healthy links, fresh cache), whole process: median "
                f"{statistics.median(warm):.2f} s of {', '.join(f'{w:.2f}' for w in warm)}"]
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
