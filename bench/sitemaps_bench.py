"""Benchmark: a 1,000,000-URL bilingual sitemap set with the pipeline's streaming writer,
next to lxml alone serialising the same ``<url>`` elements into one file.

    .venv/bin/python bench/sitemaps_bench.py [--urls 1000000]

Each measurement runs in its own child process, which reports its wall time and its
own peak RSS (``ru_maxrss``). Output goes to ``bench/out/`` (ignored by git).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from lxml import etree

from pipeline.core.urls import quote_component
from pipeline.seo.alternates import Alternate
from pipeline.sitemaps.index import write_index
from pipeline.sitemaps.model import INDEX_NAME, NSMAP, Limits, UrlEntry
from pipeline.sitemaps.writer import write_sitemaps, write_url

BASE = "https://example.org"
AR_WORD = quote_component("مقال-عن-تقشير-الجلد-بالليزر")
OUT = Path(__file__).resolve().parent / "out" / "sitemaps"
START = datetime(2024, 1, 1, tzinfo=UTC)


def entries(locale: str, groups: int) -> Iterator[UrlEntry]:
    """One locale's entries of a bilingual site: ``groups`` translation pairs."""
    for i in range(groups):
        en, ar = f"{BASE}/en/laser-article-{i}/", f"{BASE}/ar/{AR_WORD}-{i}/"
        yield UrlEntry(loc=en if locale == "en" else ar,
                       lastmod=START + timedelta(minutes=i),
                       alternates=(Alternate("en", en), Alternate("ar", ar),
                                   Alternate("x-default", en)),
                       images=(f"{BASE}/assets/blog/{i}/cover%20(1).jpeg",))


def run_writer(total: int) -> dict:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    files = []
    for locale in ("en", "ar"):
        files += write_sitemaps(entries(locale, total // 2), OUT, f"sitemap-{locale}", Limits())
    write_index(OUT / INDEX_NAME, [(f"{BASE}/{f.path.name}", f.lastmod) for f in files])
    return {"files": len(files), "urls": sum(f.urls for f in files),
            "bytes": sum(f.size for f in files)}


def run_lxml(total: int) -> dict:
    """lxml's incremental writer alone: same elements, one file, no counting or splitting."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT.parent / "lxml-alone.xml"
    count = 0
    with open(path, "wb") as raw, etree.xmlfile(raw, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("{http://www.sitemaps.org/schemas/sitemap/0.9}urlset", nsmap=NSMAP):
            for locale in ("en", "ar"):
                for entry in entries(locale, total // 2):
                    xf.write("\n")
                    write_url(xf, entry)
                    count += 1
    return {"files": 1, "urls": count, "bytes": path.stat().st_size}


def child(mode: str, total: int) -> None:
    started = time.perf_counter()
    result = (run_writer if mode == "writer" else run_lxml)(total)
    result.update(mode=mode, seconds=round(time.perf_counter() - started, 2),
                  peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1))
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=1_000_000)
    parser.add_argument("--child", choices=("writer", "lxml"))
    args = parser.parse_args()
    if args.child:
        child(args.child, args.urls)
        return
    rows = []
    for mode in ("lxml", "writer"):
        out = subprocess.run([sys.executable, __file__, "--child", mode, "--urls", str(args.urls)],
                             check=True, capture_output=True, text=True).stdout
        rows.append(json.loads(out))
        print(rows[-1], flush=True)
    ratio = rows[1]["seconds"] / rows[0]["seconds"]
    print(f"writer/lxml time ratio: {ratio:.2f}; writer peak RSS {rows[1]['peak_rss_mb']} MB")


if __name__ == "__main__":
    main()
