#!/usr/bin/env python3
"""Cold vs warm cache for ``seo-pipeline links`` on the shared benchmark corpus.

    python bench/warm_cache.py [--corpus /tmp/peerbench/corpus-links] [--out bench/out/warm.json]

Starts ``../shared/bench/linkserver.py`` on 127.0.0.1 (20 ms latency, stops by itself),
then measures, each as a fresh process (``bench/project_links.py``):
  * the whole corpus, cold then warm: failures are re-checked on every run by design, so
    the warm run still waits for the 10 links that run into the 5 s timeout;
  * the healthy subset (the broken categories excluded), cold then warm: the steady state
    of a scheduled job on a site whose links are fine;
and, in this process, the check phase alone (``check_all``) cold and warm on the healthy
subset, without interpreter start-up, loading and Markdown parsing.
Every number is wall time from ``time.perf_counter``; requests come from the server log.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = ROOT.parent / "shared" / "bench"
sys.path.insert(0, str(ROOT))

BROKEN = r"/s/\d+/(gone|err|loop|slow)/|%25"  # categories that are meant to fail
PORT = 18765


def serve(log: Path, ready: Path) -> subprocess.Popen[bytes]:
    ready.unlink(missing_ok=True)
    proc = subprocess.Popen([sys.executable, str(SHARED / "linkserver.py"), "--port", str(PORT),
                             "--latency-ms", "20", "--slow-s", "30", "--max-seconds", "300",
                             "--log", str(log), "--ready-file", str(ready)],
                            stderr=subprocess.DEVNULL)
    for _ in range(100):
        if ready.exists() and ready.read_text().strip():
            return proc
        time.sleep(0.1)
    raise SystemExit("link server did not start")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    proc.wait(timeout=30)


def run_process(corpus: Path, warm: bool, extra: list[str]) -> float:
    cmd = [sys.executable, str(HERE / "project_links.py"), "--report",
           str(Path(tempfile.gettempdir()) / "warm-bench.json")]
    cmd += ["--warm"] if warm else []
    start = time.perf_counter()
    subprocess.run([*cmd, "--", *extra], cwd=corpus, check=False)
    return time.perf_counter() - start


def requests_in(log: Path) -> int:
    return sum(1 for _ in log.open(encoding="utf-8")) if log.exists() else 0


def measure_processes(corpus: Path, work: Path, extra: list[str]) -> dict[str, float]:
    result = {}
    for label, warm in (("cold", False), ("warm", True)):
        log = work / f"{label}.jsonl"
        server = serve(log, work / "ready")
        try:
            result[f"{label}_s"] = round(run_process(corpus, warm, extra), 2)
        finally:
            stop(server)
        result[f"{label}_requests"] = requests_in(log)
    result["speedup"] = round(result["cold_s"] / result["warm_s"], 1)
    return result


def measure_phase(corpus: Path, work: Path) -> dict[str, float]:
    import argparse as ap

    from pipeline.content.load import load_site
    from pipeline.core.settings import load_settings
    from pipeline.links.cache import FILE_NAME, LinkCache
    from pipeline.links.checker import check_all
    from pipeline.links.extract import extract
    from pipeline.links.policy import build_policy
    from pipeline.links.targets import collect

    settings = load_settings(corpus)
    site, _ = load_site(settings)
    links = [(a, o) for a in site.articles for o in extract(a)]
    policy = build_policy(settings.links, ap.Namespace(exclude=[BROKEN], allow_private=True))
    shutil.rmtree(corpus / ".cache", ignore_errors=True)
    result = {}
    for label in ("cold", "warm"):
        targets = sorted(collect(site, links).values(), key=lambda t: t.key)
        log = work / f"phase-{label}.jsonl"
        server = serve(log, work / "ready")
        cache = LinkCache(settings.path("cache") / FILE_NAME, 86400.0)
        try:
            start = time.perf_counter()
            check_all(site, targets, policy, cache)
            result[f"{label}_s"] = round(time.perf_counter() - start, 3)
        finally:
            cache.close()
            stop(server)
        result[f"{label}_requests"] = requests_in(log)
        result["targets"] = sum(not t.internal for t in targets)
    result["speedup"] = round(result["cold_s"] / result["warm_s"], 1)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("/tmp/peerbench/corpus-links"))
    parser.add_argument("--out", type=Path, default=HERE / "out" / "warm_cache.json")
    args = parser.parse_args()
    corpus = args.corpus.resolve()
    if not (corpus / "links.json").exists():
        subprocess.run([sys.executable, str(SHARED / "gen_corpus.py"), "--out", str(corpus),
                        "--pairs", "110", "--base", f"http://127.0.0.1:{PORT}", "--no-hugo"],
                       check=True, stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        results = {
            "whole_corpus_process": measure_processes(corpus, work, []),
            "healthy_subset_process": measure_processes(corpus, work, ["--exclude", BROKEN]),
            "healthy_subset_check_phase": measure_phase(corpus, work),
        }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
