"""Related articles on a generated corpus: the cost of every article's list in a cold build.

The lists are computed in the main process from per-article summaries (tags and the term
summary loading makes, ``content.terms``); this times that step on the whole site, the
tokenising that makes the summaries (done once per file, in the load workers, cached
with the source), and counts the groups whose lists change after one article's edit.

    python3 ../shared/bench/gen_corpus.py --out DIR --pairs 10000 --public --no-html --no-hugo
    .venv/bin/python bench/related_bench.py DIR
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.content.load import load_site  # noqa: E402
from pipeline.content.terms import terms_of  # noqa: E402
from pipeline.core.settings import load_settings  # noqa: E402
from pipeline.render import related  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", type=Path, help="a folder gen_corpus.py wrote")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    root = args.corpus
    for name in ("site.toml", "locales"):
        if not (root / name).exists():
            copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy
            copy(ROOT / name, root / name)
    settings = load_settings(root)
    started = time.perf_counter()
    site, _ = load_site(settings)
    loaded = time.perf_counter() - started
    published = list(site.published())
    bodies = [article.body for article in published]  # read first: timed apart from disk
    started = time.process_time()
    for article, body in zip(published, bodies, strict=True):
        terms_of(article.meta.title, article.meta.excerpt, body)
    tokenise = time.process_time() - started
    count = settings.bundles.related
    times: list[float] = []
    cpus: list[float] = []
    links: related.Links = {}
    for _ in range(args.runs):
        started, cpu = time.perf_counter(), time.process_time()
        again = related.related_links(site, count)
        times.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
        assert not links or again == links, "not deterministic"
        links = again
    first = published[len(published) // 2]
    terms = terms_of(first.meta.title, first.meta.excerpt, first.body + "\nzygomatic " * 9)
    edited = dataclasses.replace(first, terms=terms, source_hash="edited")
    site2 = dataclasses.replace(site, articles=tuple(edited if a is first else a
                                                     for a in site.articles))
    changed = sum(1 for k, v in related.related_links(site2, count).items()
                  if links.get(k) != v)
    sizes = [len(v) for group in links.values() for v in group.values()]
    print(f"articles {len(published)}; load {loaded:.2f} s; term summaries of every body "
          f"{tokenise:.2f} s CPU (in the load workers); related lists wall "
          f"{', '.join(f'{t:.2f}' for t in times)} s, CPU "
          f"{', '.join(f'{t:.2f}' for t in cpus)} s; "
          f"links per page {min(sizes)}-{max(sizes)}; groups whose lists change after "
          f"one edit: {changed}")


if __name__ == "__main__":
    main()
