#!/usr/bin/env python3
"""Benchmark: load + validate a synthetic bilingual corpus (default 10,000 article pairs).

Usage: .venv/bin/python bench/bench_validate.py [--pairs 10000] [--corpus DIR]
Generates the corpus with ../shared/bench/gen_corpus.py when DIR does not exist yet, then
runs ``seo-pipeline validate`` on it and prints wall time and peak RSS of the child.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GEN = ROOT.parent / "shared" / "bench" / "gen_corpus.py"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=10_000)
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/seo-pipeline-bench/corpus"))
    args = parser.parse_args()
    if not (args.corpus / "content").is_dir():
        subprocess.run([sys.executable, str(GEN), "--out", str(args.corpus), "--pairs",
                        str(args.pairs), "--public", "--no-html"], check=True)
    shutil.copy(ROOT / "site.toml", args.corpus / "site.toml")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pipeline", "validate", "--format", "json"],
                          cwd=args.corpus, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    report = json.loads(done.stdout)
    print(f"validate: {report['data']['articles']} articles, "
          f"{report['summary']['errors']} errors, wall {wall:.2f} s, peak RSS {rss_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
