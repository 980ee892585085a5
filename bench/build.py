#!/usr/bin/env python3
"""Build engine benchmark: the whole `seo-pipeline build` side by side with Hugo.

    .venv/bin/python bench/build.py --pairs 1000 10000 --reps 3
    .venv/bin/python bench/build.py --pairs 200 --reps 1 --no-results \\
        --pipeline "env PYTHONPATH=/path/to/checkout .venv/bin/python -m pipeline"

For each size it generates (once, cached by size and seed) the corpus of
``<project root>/../shared/bench/gen_corpus.py --public --no-html`` (which also writes a
Hugo site of the same articles under ``hugo/``), sets up a project root for the pipeline
(the corpus' ``content/`` and ``public/`` plus the project's ``site.toml`` and
``locales/``) and a copy of the Hugo site, then runs these scenarios, pipeline and Hugo
interleaved, ``--reps`` times:

  cold         no output folders, no caches (pipeline: [paths] output, sitemap, reports,
               cache removed; Hugo: -d folder, resources/ and --cacheDir removed)
  no-change    the same input again
  article      one sentence appended to the body of one English article
  translation  one sentence appended to the body of one Arabic article
  template     an input of every page changed: for the pipeline the [site] name in
               site.toml (shown in every page's header; `--template-input catalog` edits
               the Arabic catalog's "Skip to content" instead, an input of every Arabic
               page), for Hugo layouts/_default/baseof.html

then, after the repetitions, the watch-mode scenario (unless ``--watch-edits 0``): each
preview server in turn, ``hugo server`` (its default fast render mode, rendering to
memory, on the same Hugo site copy) and ``seo-pipeline serve --watch`` (started on the
project as the CLI scenarios left it built), is started on a free 127.0.0.1 port by
``../shared/bench/watch_latency.py``, which measures its start-up (start until the first
edited page answers 200), then saves the English and the Arabic article alternately
(``--watch-edits`` saves in all) and polls the served URL until it shows the new
sentence; the server is stopped with SIGTERM and the files restored afterwards.

Sizes above ``--hugo-max-pairs`` run the pipeline alone (Hugo holds every page in
memory: about 130 MiB per 1,000 pages here, so 100,000 pairs would need about 26 GiB).

Every edit carries a marker unique to the run, so no cache can have seen it; after each
edited run the file is restored (bytes and mtime) and both engines rebuild once, untimed,
so that every scenario starts from the same built state. Each run is checked: the
pipeline must exit 0 or 1 (1 = findings with errors; anything else fails the benchmark),
Hugo 0, the output must hold at least one HTML page per article, and the edited page
must (after an edit) or must not (after the restore) contain the marker.

Wall time is measured around the child process; peak RSS and CPU time come from
``os.wait4`` of that child, i.e. the largest single process of its tree (workers
included), as in ../shared/bench/PEERS.md. ``seo-pipeline --version`` is timed too.

Writes Markdown tables (stdout and ``<work>/results-<time>.md``), the raw figures
(``<work>/results-<time>.json``) and, unless ``--no-results``, replaces the section
"Build engine vs Hugo" of bench/RESULTS.md. Standard library only; Hugo (Debian ``hugo``)
is installed with apt-get when missing.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "bench"
GEN = SHARED / "gen_corpus.py"
WATCH = SHARED / "watch_latency.py"
RESULTS_MD = ROOT / "bench" / "RESULTS.md"
SECTION = "## Build engine vs Hugo"
SCENARIOS = ("cold", "no-change", "article", "translation", "template")
ENGINES = ("pipeline", "hugo")
PATH_DEFAULTS = {"content": "content", "public": "public", "locales": "locales",
                 "output": "dist", "sitemap": "sitemap", "reports": "reports",
                 "cache": ".cache"}


class BenchError(RuntimeError):
    """A run failed or produced no usable output: nothing may be timed from it."""


@dataclass
class Run:
    engine: str
    scenario: str
    pairs: int
    rep: int
    wall_s: float
    cpu_s: float
    peak_rss_mib: float
    exit_code: int
    html_pages: int = 0
    log: str = ""


@dataclass
class Timed:
    wall_s: float
    cpu_s: float
    peak_rss_mib: float
    exit_code: int


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {message}", file=sys.stderr, flush=True)


TIMEOUT = 3600.0  # seconds per child; --timeout


def timed(argv: list[str], out: Path) -> Timed:
    """Run ``argv`` with stdout+stderr to ``out``; wall, CPU and peak RSS of its tree.

    The child runs in the folder of ``out`` (never the caller's checkout), so that
    ``python -m pipeline`` imports what the command's PYTHONPATH names, not ./pipeline.
    """
    cwd, timeout = out.parent, TIMEOUT
    with open(out, "wb") as sink:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=sink, stderr=subprocess.STDOUT, cwd=cwd,
                                start_new_session=True)
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if killed.is_set():
        raise BenchError(f"{argv[0]} killed after {timeout:.0f} s; log: {out}")
    # Linux: ru_maxrss of a waited-for child is its own peak or its largest reaped
    # descendant's, in KiB: the largest single process of the tree.
    return Timed(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode)


def absolute_command(command: str) -> list[str]:
    """``command`` split like a shell; relative paths that exist (also in NAME=value
    words) made absolute, because children run in the work folder."""
    words = []
    for word in shlex.split(command):
        name, eq, value = word.rpartition("=") if "=" in word and not word.startswith("-") \
            else ("", "", word)
        if "/" in value and not os.path.isabs(value) and os.path.exists(value):
            value = os.path.abspath(value)
        words.append(name + eq + value)
    return words


def git_describe(folder: Path) -> str | None:
    """``<short commit>`` (``+changes`` when the work tree differs) of the checkout holding
    ``folder``, or None when it is not in one."""
    head = subprocess.run(["git", "-C", str(folder), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True, check=False)
    if head.returncode:
        return None
    dirty = subprocess.run(["git", "-C", str(folder), "status", "--porcelain"],
                           capture_output=True, text=True, check=False).stdout.strip()
    return head.stdout.strip() + ("+changes" if dirty else "")


def pipeline_checkout(pipeline: list[str]) -> str:
    """Which checkout the pipeline command runs: PYTHONPATH folders, else the project
    that holds the executable (``<project>/.venv/bin/...``)."""
    places = [Path(v) for w in pipeline if w.startswith("PYTHONPATH=")
              for v in w.split("=", 1)[1].split(os.pathsep) if v]
    exe = shutil.which(next((w for w in pipeline if "=" not in w and w != "env"), "")) or ""
    if exe and not places:
        places.append(Path(exe).parent.parent.parent)
    found = [f"{p} at {d}" for p in places if p.is_dir() and (d := git_describe(p))]
    return "; ".join(found) or "not in a git checkout"


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------- setup


def ensure_hugo() -> str:
    hugo = shutil.which("hugo")
    if hugo:
        return hugo
    log("hugo not found: installing Debian's hugo with apt-get")
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (["apt-get", "update"], ["apt-get", "install", "-y", "hugo"]):
        done = subprocess.run(prefix + cmd, env=env, capture_output=True, text=True, check=False)
        if done.returncode:
            raise BenchError(f"{' '.join(cmd)} failed:\n{done.stderr[-2000:]}")
    hugo = shutil.which("hugo")
    if not hugo:
        raise BenchError("hugo still not on PATH after apt-get install hugo")
    return hugo


def corpus(work: Path, pairs: int, seed: int) -> Path:
    """The generated corpus for (pairs, seed), generated once and reused while the
    generator is unchanged. Never modified: scenarios edit copies of it."""
    folder = work / f"corpus-{pairs}-seed{seed}"
    stamp = folder / "bench-stamp.json"
    want = {"pairs": pairs, "seed": seed, "generator_sha256": sha256_file(GEN),
            "args": ["--public", "--no-html"]}
    if stamp.is_file() and json.loads(stamp.read_text()) == want \
            and (folder / "corpus.json").is_file():
        return folder
    log(f"generating corpus: {pairs} pairs, seed {seed} -> {folder}")
    started = time.perf_counter()
    subprocess.run([sys.executable, str(GEN), "--out", str(folder), "--pairs", str(pairs),
                    "--seed", str(seed), "--public", "--no-html"],
                   check=True, stdout=subprocess.DEVNULL)
    stamp.write_text(json.dumps(want, indent=1) + "\n")
    log(f"corpus generated in {time.perf_counter() - started:.1f} s")
    return folder


def front_matter_field(path: Path, name: str) -> str:
    head = path.read_text(encoding="utf-8").split("\n---", 1)[0]
    match = re.search(rf'^{name}:\s*"?([^"\n]*)"?\s*$', head, re.M)
    if not match:
        raise BenchError(f"no '{name}' in the front matter of {path}")
    return match.group(1)


@dataclass
class Article:
    """One article as both engines see it: its source files and its output page."""

    locale: str
    name: str          # file name under content/<locale>/
    slug: str

    def page(self, out: Path) -> Path:  # both engines write /<locale>/<slug>/index.html
        return out / self.locale / self.slug / "index.html"


@dataclass
class Setup:
    pairs: int
    corpus: Path
    run: Path
    project: Path
    paths: dict[str, str]
    hugo_site: Path
    hugo_out: Path
    hugo_cache: Path
    article_en: Article
    article_ar: Article
    pipeline: list[str]
    hugo: str
    template_input: str
    logs: Path = field(init=False)

    def __post_init__(self) -> None:
        self.logs = self.run / "logs"

    # sources of each editable input, per engine
    def article_files(self, article: Article) -> tuple[Path, Path]:
        rel = Path(self.paths["content"]) / article.locale / article.name
        return self.project / rel, self.hugo_site / "content" / article.locale / article.name

    def template_file(self, engine: str) -> Path:
        if engine == "hugo":
            return self.hugo_site / "layouts" / "_default" / "baseof.html"
        if self.template_input == "catalog":
            return self.project / self.paths["locales"] / "ar" / "LC_MESSAGES" / "messages.po"
        return self.project / "site.toml"

    def pristine(self, path: Path) -> Path:
        """Where the unedited bytes of a working file are kept."""
        return self.run / "pristine" / path.relative_to(self.run)

    def out(self, engine: str) -> Path:
        return self.project / self.paths["output"] if engine == "pipeline" else self.hugo_out


def setup(work: Path, pairs: int, seed: int, pipeline: list[str], hugo: str,
          template_input: str, project_src: Path) -> Setup:
    source = corpus(work, pairs, seed)
    run = work / f"run-{pairs}"
    if run.exists():
        shutil.rmtree(run)
    project = run / "project"
    project.mkdir(parents=True)
    shutil.copy2(project_src / "site.toml", project / "site.toml")
    # Hugo builds no search index: the pipeline is measured without one too (the search
    # index's own cost is in "Search index at 20,000 articles" in RESULTS.md).
    config_text = (project / "site.toml").read_text(encoding="utf-8")
    (project / "site.toml").write_text(config_text.replace("search = true", "search = false"),
                                       encoding="utf-8")
    with open(project / "site.toml", "rb") as f:
        config = tomllib.load(f)
    paths = dict(PATH_DEFAULTS, **config.get("paths", {}))
    for key in ("content", "public", "locales", "output", "sitemap", "reports", "cache"):
        if Path(paths[key]).is_absolute():
            raise BenchError(f"site.toml [paths] {key} is absolute ({paths[key]}): "
                             "the benchmark needs paths relative to the project root")
    log(f"setting up {run}")
    shutil.copytree(source / "content", project / paths["content"])
    shutil.copytree(source / "public", project / paths["public"])
    shutil.copytree(project_src / "locales", project / paths["locales"])
    hugo_site = run / "hugo-site"
    shutil.copytree(source / "hugo", hugo_site,
                    ignore=shutil.ignore_patterns("resources", ".hugo_build.lock"))
    names = sorted(p.name for p in (source / "content" / "en").glob("*.md"))
    if len(names) != pairs:
        raise BenchError(f"{source}: {len(names)} English articles, expected {pairs}")
    en_name, ar_name = names[pairs // 2], names[pairs // 3]
    content = project / paths["content"]
    s = Setup(pairs=pairs, corpus=source, run=run, project=project, paths=paths,
              hugo_site=hugo_site, hugo_out=run / "hugo-out", hugo_cache=run / "hugo-cache",
              article_en=Article("en", en_name, front_matter_field(content / "en" / en_name, "slug")),
              article_ar=Article("ar", ar_name, front_matter_field(content / "ar" / ar_name, "slug")),
              pipeline=pipeline, hugo=hugo, template_input=template_input)
    s.logs.mkdir()
    editable = [*s.article_files(s.article_en), *s.article_files(s.article_ar),
                s.template_file("pipeline"), s.template_file("hugo")]
    for path in editable:
        keep = s.pristine(path)
        keep.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, keep)
    return s


# ---------------------------------------------------------------- edits


def append_sentence(path: Path, sentence: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + "\n\n" + sentence + "\n", encoding="utf-8")


def edit_template(s: Setup, engine: str, marker: str) -> None:
    path = s.template_file(engine)
    text = path.read_text(encoding="utf-8")
    if engine == "hugo":
        new = text.replace("<title>{{ .Title }}</title>",
                           f"<title>{{{{ .Title }}}} {marker}</title>", 1)
    elif s.template_input == "catalog":
        new = re.sub(r'(msgid "Skip to content"\nmsgstr ")([^"]*)"',
                     lambda m: f'{m.group(1)}{m.group(2)} {marker}"', text, count=1)
    else:
        new = re.sub(r'(\[site\][^\[]*?^name\s*=\s*")([^"]*)"',
                     lambda m: f'{m.group(1)}{m.group(2)} {marker}"', text, count=1,
                     flags=re.M | re.S)
    if new == text:
        raise BenchError(f"could not edit {path} (its text is not the expected one)")
    path.write_text(new, encoding="utf-8")


def apply_edit(s: Setup, engine: str, scenario: str, marker: str) -> tuple[Path, Article]:
    """Edit the input of ``scenario`` for ``engine``; the file edited and the page to check."""
    if scenario == "article":
        path = s.article_files(s.article_en)[engine == "hugo"]
        append_sentence(path, f"This paragraph was added to measure a one-article edit ({marker}).")
        return path, s.article_en
    if scenario == "translation":
        path = s.article_files(s.article_ar)[engine == "hugo"]
        append_sentence(path, f"أضيفت هذه الفقرة لقياس تعديل ترجمة واحدة ({marker}).")
        return path, s.article_ar
    edit_template(s, engine, marker)
    # every page carries it; the Arabic page also covers the catalog variant
    return s.template_file(engine), s.article_ar


def restore(s: Setup, path: Path) -> None:
    shutil.copy2(s.pristine(path), path)


# ---------------------------------------------------------------- runs


def clear_outputs(s: Setup, engine: str) -> None:
    if engine == "pipeline":
        targets = [s.project / s.paths[k] for k in ("output", "sitemap", "reports", "cache")]
    else:
        targets = [s.hugo_out, s.hugo_cache, s.hugo_site / "resources",
                   s.hugo_site / ".hugo_build.lock"]
    for target in targets:
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()


def count_html(folder: Path) -> int:
    total = 0
    for _, _, files in os.walk(folder):
        total += sum(1 for name in files if name.endswith(".html"))
    return total


def build(s: Setup, engine: str, label: str) -> tuple[Timed, Path]:
    out_log = s.logs / f"{engine}-{label}.log"
    if engine == "pipeline":
        argv = [*s.pipeline, "build", "--root", str(s.project)]
    else:
        argv = [s.hugo, "-s", str(s.hugo_site), "-d", str(s.hugo_out),
                "--cacheDir", str(s.hugo_cache)]
    result = timed(argv, out_log)
    ok = {0, 1} if engine == "pipeline" else {0}
    if result.exit_code not in ok:
        tail = out_log.read_text(errors="replace")[-3000:]
        raise BenchError(f"{engine} build ({label}) exited {result.exit_code}; log {out_log}:\n"
                         f"{tail}")
    return result, out_log


def check_output(s: Setup, engine: str, label: str, article: Article | None = None,
                 marker: str | None = None, present: bool = True) -> int:
    out = s.out(engine)
    pages = count_html(out) if out.is_dir() else 0
    if pages < 2 * s.pairs:
        raise BenchError(f"{engine} ({label}): {pages} HTML pages in {out}, expected at least "
                         f"{2 * s.pairs}: the build is broken and is not timed")
    sitemap = out / ("sitemap_index.xml" if engine == "pipeline" else "sitemap.xml")
    if not sitemap.is_file():
        raise BenchError(f"{engine} ({label}): no {sitemap}: the build did not finish")
    if article is not None and marker is not None:
        page = article.page(out)
        if not page.is_file():
            raise BenchError(f"{engine} ({label}): {page} missing")
        found = marker in page.read_text(encoding="utf-8", errors="replace")
        if found != present:
            raise BenchError(f"{engine} ({label}): the change {marker!r} is "
                             f"{'missing from' if present else 'still in'} {page}")
    return pages


def scenario_run(s: Setup, engine: str, scenario: str, rep: int, stamp: str) -> Run:
    label = f"{scenario}-{rep}"
    edited: Path | None = None
    article: Article | None = None
    marker: str | None = None
    if scenario == "cold":
        clear_outputs(s, engine)
    elif scenario != "no-change":
        marker = f"benchedit-{stamp}-{scenario}-{rep}"
        edited, article = apply_edit(s, engine, scenario, marker)
    try:
        result, out_log = build(s, engine, label)
        pages = check_output(s, engine, label, article, marker, present=True)
    finally:
        if edited is not None:
            restore(s, edited)
    if edited is not None:  # back to the built state of the unedited corpus, untimed
        build(s, engine, f"{label}-restore")
        check_output(s, engine, f"{label}-restore", article, marker, present=False)
    log(f"{s.pairs} pairs rep {rep} {engine:8} {scenario:11} {result.wall_s:7.2f} s "
        f"{result.peak_rss_mib:6.0f} MiB  exit {result.exit_code}  {pages} pages")
    return Run(engine, scenario, s.pairs, rep, round(result.wall_s, 3), round(result.cpu_s, 3),
               round(result.peak_rss_mib, 1), result.exit_code, pages, str(out_log))


def version_runs(pipeline: list[str], hugo: str, reps: int, logs: Path) -> dict[str, list[Timed]]:
    runs: dict[str, list[Timed]] = {"pipeline": [], "hugo": []}
    for i in range(reps):
        for engine, argv in (("pipeline", [*pipeline, "--version"]), ("hugo", [hugo, "version"])):
            result = timed(argv, logs / f"{engine}-version-{i}.log")
            if result.exit_code != 0:
                raise BenchError(f"{' '.join(argv)} exited {result.exit_code}")
            runs[engine].append(result)
    return runs


# ---------------------------------------------------------------- watch mode


@dataclass
class WatchRun:
    """One preview server's run of watch_latency.py: start-up and save -> page latencies."""

    engine: str
    pairs: int
    startup_s: float | None
    edits: list[float | None]  # alternately the English and the Arabic article
    exit_code: int
    log: str

    def median(self, locale: str | None = None) -> float | None:
        step = {"en": slice(0, None, 2), "ar": slice(1, None, 2), None: slice(None)}[locale]
        done = [e for e in self.edits[step] if e is not None]
        return statistics.median(done) if done else None


def free_port() -> int:
    """A port on 127.0.0.1 nobody listens on now (the server binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def page_url(article: Article) -> str:
    """The served path of an article's page (both engines: /<locale>/<slug>/), encoded."""
    return f"/{article.locale}/{quote(article.slug)}/"


def watch_run(s: Setup, engine: str, edits: int, settle: float) -> WatchRun:
    """Start ``engine``'s preview server through watch_latency.py, save the two articles
    ``edits`` times in all, stop it, restore the files."""
    port = free_port()
    if engine == "pipeline":
        cwd = s.project
        server = [*s.pipeline, "serve", "--watch", "--root", str(s.project),
                  "--host", "127.0.0.1", "--port", str(port)]
    else:
        cwd = s.hugo_site
        server = [s.hugo, "server", "-s", str(s.hugo_site), "--bind", "127.0.0.1",
                  "-p", str(port), "--cacheDir", str(s.hugo_cache), "--disableLiveReload"]
    argv = [sys.executable, str(WATCH), "--cwd", str(cwd),
            "--url-base", f"http://127.0.0.1:{port}", "--edits", str(edits),
            "--settle", str(settle), "--ready-timeout", str(TIMEOUT), "--edit-timeout", "120"]
    files = []
    for article in (s.article_en, s.article_ar):
        source = s.article_files(article)[0 if engine == "pipeline" else 1]
        files.append(source)
        argv += ["--file", str(source.relative_to(cwd)), "--page", page_url(article)]
    out_log = s.logs / f"{engine}-watch.log"
    try:
        with open(out_log, "wb") as sink:
            done = subprocess.run([*argv, "--", *server], stdout=subprocess.PIPE, stderr=sink,
                                  check=False, timeout=TIMEOUT + 120 * edits + 60)
    finally:
        for path in files:
            restore(s, path)
    lines = done.stdout.decode("utf-8", "replace").strip().splitlines()
    with open(out_log, "ab") as sink:
        sink.write(done.stdout)
    try:
        result = json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError) as exc:
        raise BenchError(f"watch_latency.py for {engine} printed no result; log {out_log}") \
            from exc
    if "error" in result:
        raise BenchError(f"{engine} preview server: {result['error']}; log {out_log}")
    run = WatchRun(engine, s.pairs, result.get("startup_s"), result.get("edits", []),
                   done.returncode, str(out_log))
    shown = ", ".join("timeout" if e is None else f"{e:.3f}" for e in run.edits)
    log(f"{s.pairs} pairs watch {engine:8} start-up {run.startup_s} s; saves {shown}")
    return run


# ---------------------------------------------------------------- report


def machine() -> dict[str, str]:
    model = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kib = int(next(line for line in f if line.startswith("MemTotal")).split()[1])
    return {"nproc": str(os.cpu_count()), "cpu": model, "ram": f"{mem_kib / 1024**2:.1f} GiB",
            "kernel": platform.release(), "python": platform.python_version()}


def fmt(x: float) -> str:
    return f"{x:.2f}" if x < 100 else f"{x:.1f}"


def within(value: float, limit: float, unit: str = " s") -> str:
    """``met`` or by how much ``value`` misses ``limit``."""
    if value <= limit:
        return "met"
    return f"missed by {value - limit:.2f}{unit} ({value / limit:.1f}x)"


def target_of(pairs: int, scenario: str, p_wall: float, p_rss: float,
              hugo_cold: float | None) -> str:
    """The issue 20 targets of a scenario at this size, and whether this run meets them."""
    if pairs >= 100_000:
        if scenario == "cold":
            return f"RSS <= 1 GiB: {within(p_rss, 1024, ' MiB')}"
        if scenario in ("article", "translation"):
            return f"<= 1 s: {within(p_wall, 1.0)}"
        return ""
    if scenario == "cold":
        wall = "no Hugo run" if hugo_cold is None else \
            ("met" if p_wall <= hugo_cold else f"missed ({p_wall / hugo_cold:.2f}x)")
        return f"wall <= Hugo: {wall}; RSS <= 500 MiB: {within(p_rss, 500, ' MiB')}"
    if scenario == "no-change":
        return f"<= 0.3 s: {within(p_wall, 0.3)}"
    if scenario in ("article", "translation"):
        return f"<= 1 s: {within(p_wall, 1.0)}"
    if scenario == "template" and hugo_cold is not None:
        return f"<= Hugo cold ({fmt(hugo_cold)} s): {within(p_wall, hugo_cold)}"
    return ""


TEMPLATE_LABEL = {
    "site-name": "template (pipeline: [site] name in site.toml; Hugo: baseof.html)",
    "catalog": "template (pipeline: Arabic catalog .po; Hugo: baseof.html)",
}


TEMPLATE_NOTE = {
    "site-name": "the `[site] name` in `site.toml`, shown in the header of every page (its "
                 "templates live inside the package, with no option to point elsewhere)",
    "catalog": "the Arabic catalog `locales/ar/LC_MESSAGES/messages.po` (\"Skip to content\", "
               "an input of every Arabic page)",
}


def table(runs: list[Run], versions: dict[str, list[Timed]], template_input: str) -> str:
    lines = ["| pairs | scenario | pipeline median s | pipeline runs s | pipeline CPU s | "
             "pipeline peak RSS MiB | Hugo median s | Hugo runs s | Hugo CPU s | "
             "Hugo peak RSS MiB | wall pipeline/Hugo | RSS pipeline/Hugo | target (issue 20) |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for pairs in sorted({r.pairs for r in runs}):
        cells: dict[tuple[str, str], tuple[float, str, float, float]] = {}
        for scenario in SCENARIOS:
            for engine in ENGINES:
                mine = [r for r in runs if (r.pairs, r.scenario, r.engine) == (pairs, scenario, engine)]
                if mine:
                    cells[scenario, engine] = (
                        statistics.median(r.wall_s for r in mine),
                        ", ".join(fmt(r.wall_s) for r in mine),
                        statistics.median(r.cpu_s for r in mine),
                        statistics.median(r.peak_rss_mib for r in mine))
        hugo_cold = cells["cold", "hugo"][0] if ("cold", "hugo") in cells else None
        for scenario in SCENARIOS:
            if (scenario, "pipeline") not in cells:
                continue
            pw, pruns, pcpu, prss = cells[scenario, "pipeline"]
            name = TEMPLATE_LABEL[template_input] if scenario == "template" else scenario
            target = target_of(pairs, scenario, pw, prss, hugo_cold)
            if (scenario, "hugo") in cells:
                hw, hruns, hcpu, hrss = cells[scenario, "hugo"]
                hugo = (f"**{fmt(hw)}** | {hruns} | {fmt(hcpu)} | {hrss:.0f} | "
                        f"{pw / hw:.2f}x | {prss / hrss:.2f}x")
            else:
                hugo = "not run | - | - | - | - | -"
            lines.append(f"| {pairs:,} | {name} | **{fmt(pw)}** | {pruns} | {fmt(pcpu)} | "
                         f"{prss:.0f} | {hugo} | {target} |")
    pv, hv = versions["pipeline"], versions["hugo"]
    pmed = statistics.median(t.wall_s for t in pv)
    hmed = statistics.median(t.wall_s for t in hv)
    lines.append(f"| - | `--version` (Hugo: `hugo version`) | **{pmed:.3f}** | "
                 f"{', '.join(f'{t.wall_s:.3f}' for t in pv)} | "
                 f"{fmt(statistics.median(t.cpu_s for t in pv))} | "
                 f"{statistics.median(t.peak_rss_mib for t in pv):.0f} | **{hmed:.3f}** | "
                 f"{', '.join(f'{t.wall_s:.3f}' for t in hv)} | "
                 f"{fmt(statistics.median(t.cpu_s for t in hv))} | "
                 f"{statistics.median(t.peak_rss_mib for t in hv):.0f} | {pmed / hmed:.2f}x | "
                 f"- | - |")
    return "\n".join(lines)


def watch_table(watch: list[WatchRun]) -> str:
    """Save -> served page latency and start-up of both preview servers, per size."""
    if not watch:
        return ""
    lines = ["| pairs | server | start-up s | saves (en, ar, ...) s | median s | English median s "
             "| Arabic median s | target (issue 20: <= 0.3 s at 10,000 pairs) |",
             "|---|---|---|---|---|---|---|---|"]
    for w in sorted(watch, key=lambda w: (w.pairs, w.engine != "hugo")):
        name = "`hugo server` (fast render)" if w.engine == "hugo" else "`seo-pipeline serve --watch`"

        def cell(x: float | None) -> str:
            return "-" if x is None else f"{x:.3f}"

        med = w.median()
        target = "" if w.engine == "hugo" or med is None else within(med, 0.3)
        saves = ", ".join("timeout" if e is None else f"{e:.3f}" for e in w.edits)
        lines.append(f"| {w.pairs:,} | {name} | {cell(w.startup_s)} | {saves} | **{cell(med)}** | "
                     f"{cell(w.median('en'))} | {cell(w.median('ar'))} | {target} |")
    return "\n".join(lines)


def section(meta: dict, body: str, pages: dict[int, dict[str, int]], watch: str = "") -> str:
    m = meta["machine"]
    counts = "; ".join(f"{n:,} pairs: " + ", ".join(f"{e} {c[e]:,}" for e in ENGINES if e in c)
                       for n, c in sorted(pages.items()))
    watch_text = "" if not watch else f"""
Watch mode: save -> the served URL returns the new text (`../shared/bench/watch_latency.py`,
{meta['watch_edits']} saves per server, the English and the Arabic article alternately, a
unique sentence inserted after the front matter, the page polled every 10 ms; servers on a
free 127.0.0.1 port, started and stopped with SIGTERM by that script, one after the other).
Start-up is from the server's start until the first edited page answers 200: `hugo server`
renders the whole site into memory at every start; `seo-pipeline serve --watch` starts on
the project as the CLI scenarios left it (built, `.cache/` present) and builds once before
the first page is served.

{watch}
"""
    edits = "; ".join(f"{n:,} pairs: `{e['article']}`, `{e['translation']}`"
                      for n, e in sorted(meta["edited"].items()))
    return f"""{SECTION}

```sh
{meta['command']}
```

Run {meta['started']} to {meta['finished']} UTC; machine: {m['nproc']} cores ({m['cpu']}),
{m['ram']} RAM, kernel {m['kernel']}; load average
{meta['load_before']} before, {meta['load_after']} after. Pipeline: `{meta['pipeline_cmd']}`
({meta['pipeline_version']}; code: {meta['checkout']}; benchmark from {meta['commit']});
{meta['hugo_version']}.
Corpus: `../shared/bench/gen_corpus.py --public --no-html --seed {meta['seed']}` (each pair
is one English and one Arabic article, 10 links each, a 1200x630 JPEG per cover); Hugo
builds the `hugo/` site the generator writes from the same articles
(`hugo -s SITE -d OUT --cacheDir DIR`). {meta['reps']} repetitions, pipeline and Hugo
interleaved scenario by scenario.{meta['hugo_note']}

{body}
{watch_text}
- Wall time around the child process; CPU s is user + system of its tree; peak RSS is
  the largest single process of the tree (`os.wait4`, workers included). Medians of the
  repetitions, every run listed.
- cold: no output folders and no caches (pipeline `dist/`, `sitemap/`, `reports/`,
  `.cache/`; Hugo's `-d` folder, `resources/` and cache dir); the OS page cache is not
  dropped. no-change: the same input again. article / translation: one sentence appended
  to the body of one English / one Arabic article. template: an input of every page
  changed, for the pipeline {TEMPLATE_NOTE[meta['template_input']]},
  for Hugo the `<title>` line of its `layouts/_default/baseof.html`.
- Every edit carries a marker unique to the run (so no cache has seen it), is checked in
  the built page, and is then restored and rebuilt once, untimed, with the marker checked
  gone, so each scenario starts from the same built state. A pipeline exit code other than
  0 or 1, a Hugo exit code other than 0, or fewer HTML pages than articles fails the run.
  HTML pages counted after each run: {counts}. Edited articles: {edits}.
- Raw figures: `{meta['json']}`; logs under `{meta['work']}/run-<pairs>/logs/`
  (not kept; re-run the command).
"""


def update_results(path: Path, text: str) -> None:
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    lines = old.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == SECTION), None)
    if start is None:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")),
                   len(lines))
        tail = "".join(lines[end:])
        new = "".join(lines[:start]) + text + ("\n" + tail if tail else "")
    path.write_text(new, encoding="utf-8")


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    global TIMEOUT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[2:]))
    parser.add_argument("--pairs", type=int, nargs="+", default=[1000, 10000],
                        help="corpus sizes in article pairs (default: 1000 10000)")
    parser.add_argument("--reps", type=int, default=3, help="repetitions (default 3)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument("--pipeline", default=str(ROOT / ".venv" / "bin" / "seo-pipeline"),
                        help="command that runs the pipeline (default: <project root>/.venv/"
                             "bin/seo-pipeline); e.g. 'env PYTHONPATH=CHECKOUT "
                             ".venv/bin/python -m pipeline'")
    parser.add_argument("--project", type=Path, default=ROOT,
                        help="where site.toml and locales/ are copied from (default: this "
                             "project root)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/seo-pipeline-bench/build"),
                        help="work folder: cached corpora, build copies, logs, results")
    parser.add_argument("--template-input", choices=sorted(TEMPLATE_LABEL), default="site-name",
                        help="what the pipeline's template scenario edits (default site-name)")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per build")
    parser.add_argument("--watch-edits", type=int, default=4,
                        help="saves per preview server in the watch-mode scenario, English "
                             "and Arabic article alternately (default 4; 0 skips it)")
    parser.add_argument("--watch-settle", type=float, default=1.5,
                        help="seconds between saves in the watch-mode scenario (default 1.5)")
    parser.add_argument("--hugo-max-pairs", type=int, default=20000,
                        help="sizes above this run the pipeline alone (default 20000: Hugo "
                             "needs about 130 MiB per 1,000 pages, 26 GiB at 100,000 pairs)")
    parser.add_argument("--scenarios", nargs="+", choices=SCENARIOS, default=list(SCENARIOS),
                        help="which scenarios to run, in their fixed order (default: all)")
    parser.add_argument("--no-results", action="store_true",
                        help="do not replace the section in bench/RESULTS.md")
    args = parser.parse_args()
    if args.reps < 1 or any(n < 3 for n in args.pairs) or args.watch_edits < 0:
        parser.error("--reps must be >= 1, every --pairs >= 3, --watch-edits >= 0")
    TIMEOUT = args.timeout
    pipeline = absolute_command(args.pipeline)
    if not pipeline or shutil.which(pipeline[0]) is None:
        parser.error(f"pipeline command not found: {args.pipeline!r} (give --pipeline)")
    for tool in (GEN, WATCH):
        if not tool.is_file():
            parser.error(f"benchmark tool missing: {tool}")
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    started = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    load_before = loadavg()
    try:
        hugo = ensure_hugo()
        hugo_version = subprocess.run([hugo, "version"], capture_output=True, text=True,
                                      check=True).stdout.split(" BuildDate")[0].strip()
        version = subprocess.run([*pipeline, "--version"], capture_output=True, text=True,
                                 check=False, cwd=work)
        if version.returncode != 0:
            raise BenchError(f"{args.pipeline} --version exited {version.returncode}:\n"
                             f"{version.stderr[-2000:]}")
        logs = work / "logs"
        logs.mkdir(exist_ok=True)
        versions = version_runs(pipeline, hugo, max(5, args.reps), logs)
        runs: list[Run] = []
        watch: list[WatchRun] = []
        pages: dict[int, dict[str, int]] = {}
        edited: dict[int, dict[str, str]] = {}
        for pairs in args.pairs:
            s = setup(work, pairs, args.seed, pipeline, hugo, args.template_input,
                      args.project.resolve())
            engines = ENGINES if pairs <= args.hugo_max_pairs else ("pipeline",)
            for rep in range(1, args.reps + 1):
                for scenario in (s for s in SCENARIOS if s in args.scenarios):
                    for engine in engines:
                        runs.append(scenario_run(s, engine, scenario, rep, stamp))
            if args.watch_edits:
                for engine in engines:
                    watch.append(watch_run(s, engine, args.watch_edits, args.watch_settle))
            edited[pairs] = {"article": f"content/en/{s.article_en.name}",
                             "translation": f"content/ar/{s.article_ar.name}"}
            pages[pairs] = {e: max(r.html_pages for r in runs if (r.pairs, r.engine) == (pairs, e))
                            for e in engines}
    except (BenchError, subprocess.CalledProcessError) as exc:
        print(f"bench/build.py: FAILED: {exc}", file=sys.stderr)
        return 1
    commit = git_describe(ROOT) or "?"
    command = ".venv/bin/python bench/build.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    out_json = work / f"results-{stamp}.json"
    meta = {"command": command.strip(), "started": started,
            "finished": time.strftime("%H:%M", time.gmtime()), "machine": machine(),
            "load_before": load_before, "load_after": loadavg(),
            "pipeline_cmd": shlex.join(pipeline), "edited": edited,
            "pipeline_version": version.stdout.strip() or version.stderr.strip(),
            "commit": commit, "checkout": pipeline_checkout(pipeline),
            "hugo_version": hugo_version, "seed": args.seed,
            "reps": args.reps, "template_input": args.template_input, "json": str(out_json),
            "watch_edits": args.watch_edits,
            "hugo_note": "" if all(n <= args.hugo_max_pairs for n in args.pairs) else
            f" Sizes above {args.hugo_max_pairs:,} pairs ran the pipeline alone (Hugo holds "
            "every page in memory, about 130 MiB per 1,000 pages here).",
            "work": str(work)}
    body = table(runs, versions, args.template_input)
    out_json.write_text(json.dumps({"meta": meta, "runs": [asdict(r) for r in runs],
                                    "watch_runs": [asdict(w) for w in watch],
                                    "version_runs": {e: [asdict(t) for t in ts]
                                                     for e, ts in versions.items()}},
                                   indent=1, ensure_ascii=False) + "\n")
    text = section(meta, body, pages, watch_table(watch))
    (work / f"results-{stamp}.md").write_text(text, encoding="utf-8")
    print(text)
    if not args.no_results:
        update_results(RESULTS_MD, text)
        log(f"updated {RESULTS_MD}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
