#!/usr/bin/env python3
"""Run ``seo-pipeline links`` on a benchmark corpus and write score.py's generic JSON.

Run from the corpus directory (as ``run_peers.sh`` runs every checker)::

    python bench/project_links.py --report OUT.json [--config tuned|defaults] [--warm]
                                  [-- extra links flags]

Writes the corpus' ``site.toml`` (the tuned ``[links]`` below, or ``defaults``: only
``allow_private``), clears ``.cache/`` unless ``--warm``, runs the stage, then converts
``reports/links.json``: one entry per checked URL (and per fragment) with ``state``
``ok`` or ``broken``. Exit status is the stage's.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

LINKS = """
[links]
workers = 64
per_host = 64
connect_timeout = 5.0
read_timeout = 5.0
retries = 2
backoff = 0.1
allow_private = true
"""
PROJECT = Path(__file__).resolve().parent.parent
PYTHON = os.environ.get("PYTHON") or str(PROJECT / ".venv" / "bin" / "python")
OK = {"ok", "redirected"}


def site_toml(links: str = LINKS) -> str:
    """The project's own ``[[locales]]``, a bench host and the given ``[links]``."""
    text = (PROJECT / "site.toml").read_text(encoding="utf-8")
    locales = text[text.index("[[locales]]"):]
    end = re.search(r"^\[(?!\[)", locales, re.M)
    locales = locales[: end.start()] if end else locales
    return f'[site]\nname = "Bench"\nbase_url = "https://bench.example"\n\n{locales.rstrip()}\n{links}'


def generic(report: dict) -> list[dict]:
    """Entries for score.py: one per external URL, one more per fragment."""
    entries = []
    for link in report["data"]["links"]:
        if link["internal"] or link["state"] in ("skipped", "excluded"):
            continue
        state = "ok" if link["state"] in OK else "broken"
        entries.append({"url": link["url"], "state": state, "status": link["status"]})
        for fragment, verdict in link["fragments"].items():
            entries.append({"url": f"{link['url']}#{fragment}",
                            "state": "broken" if verdict == "missing" else state})
    return entries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, required=True)
    parser.add_argument("--warm", action="store_true", help="keep the cache from a prior run")
    parser.add_argument("--config", choices=("tuned", "defaults"), default="tuned")
    parser.add_argument("--tree", type=Path, default=PROJECT,
                        help="the source tree to run (e.g. an older commit's, for before/after)")
    parser.add_argument("extra", nargs="*", help="more flags for 'seo-pipeline links'")
    args = parser.parse_args(argv)
    root = Path.cwd()
    links = LINKS if args.config == "tuned" else "\n[links]\nallow_private = true\n"
    (root / "site.toml").write_text(site_toml(links), encoding="utf-8")
    if not args.warm:
        shutil.rmtree(root / ".cache", ignore_errors=True)
    env = dict(os.environ, PYTHONPATH=str(args.tree.resolve()))
    code = subprocess.call([PYTHON, "-m", "pipeline", "links", "--root", str(root), "--progress", "never",
                            *args.extra], stdout=subprocess.DEVNULL, env=env)
    report = json.loads((root / "reports" / "links.json").read_text(encoding="utf-8"))
    args.report.write_text(json.dumps(generic(report), ensure_ascii=False), encoding="utf-8")
    return code


if __name__ == "__main__":
    sys.exit(main())
