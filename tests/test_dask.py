"""Builds on a Dask cluster (a real two-worker ``LocalCluster`` on loopback) are
byte-identical to builds on the local process pool: the bundled content, a generated
corpus large enough for units to be dispatched (both file modes), and a build during
which a worker process is killed. An unreachable scheduler is exit 2, writing nothing.
Link checks against a loopback server report the same on both executors, keep the
per-host ceiling across the cluster, and fill the client's cache."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")
import cloudpickle  # noqa: E402 - a dependency of distributed
from conftest import REPO, SITE_TOML, write_image  # noqa: E402
from links_support import article  # noqa: E402

from pipeline.cli import main  # noqa: E402
from pipeline.engine.units import PARALLEL_FROM  # noqa: E402

OUTPUTS = ("dist", "sitemap", "reports")
PAIRS = PARALLEL_FROM + 6


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of a two-worker cluster, as ``--executor`` takes it."""
    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the kill plugin
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=None)
    client = distributed.Client(cluster)
    try:
        yield "dask://" + cluster.scheduler_address.removeprefix("tcp://")
    finally:
        client.close()
        cluster.close()


def outputs(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for name in OUTPUTS for p in sorted((root / name).rglob("*")) if p.is_file()}


def clean(root: Path) -> None:
    for name in (*OUTPUTS, ".cache"):
        shutil.rmtree(root / name, ignore_errors=True)


def build(root: Path, *args: str) -> dict[str, bytes]:
    """A cold build's outputs (exit 0)."""
    clean(root)
    assert main(["build", "--root", str(root), "--format", "json", *args]) == 0
    return outputs(root)


def bundled(root: Path) -> Path:
    for name in ("content", "public"):  # UI catalogs: the package's defaults
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "site.toml", root / "site.toml")
    return root


def generated(root: Path, pairs: int = PAIRS) -> Path:
    """``pairs`` translation groups (English and Arabic), more than run in-process."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    shutil.copytree(REPO / "locales", root / "locales")
    write_image(root / "public/assets/a.jpeg")
    write_image(root / "public/assets/team.jpeg", (400, 400))
    for i in range(pairs):
        for locale, title in (("en", "Laser care guide"), ("ar", "دليل العناية بالليزر")):
            path = root / f"content/{locale}/k{i:03}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(
                f'---\ntitle: "{title} {i}"\nexcerpt: "An excerpt long enough to be a '
                f'meta description for article number {i}."\ncoverImage: "/assets/a.jpeg"\n'
                f'date: "2025-07-{1 + i % 28:02}T05:35:07Z"\nauthor:\n  name: Team\n'
                f'  picture: "/assets/team.jpeg"\ntranslationKey: k{i:03}\n---\n\n'
                f"## Part {i}\n\nBody text of {i} with a [link](/{locale}/k{(i + 1) % pairs:03}/)."
                f"\n\n![figure](/assets/a.jpeg)\n", encoding="utf-8")
    return root


def test_bundled_content_is_identical(tmp_path: Path, scheduler: str) -> None:
    root = bundled(tmp_path)
    assert build(root, "--executor", scheduler) == build(root, "--executor", "local")


def test_generated_corpus_is_identical_in_both_file_modes(tmp_path: Path,
                                                         scheduler: str) -> None:
    root = generated(tmp_path)
    local = build(root)
    assert len([rel for rel in local if rel.endswith("/index.html")]) > 2 * PARALLEL_FROM
    assert build(root, "--executor", scheduler) == local
    with (root / "site.toml").open("a", encoding="utf-8") as fh:
        fh.write(f'\n[build]\nexecutor = "{scheduler}"\ndask_files = "return"\n')
    assert build(root) == local


class KillOnce(distributed.WorkerPlugin):
    """Kills its worker process (SIGKILL) right after the first batch of units this
    cluster finishes, before its result is sent: the batch wrote its files and must run
    again on another worker. A marker file makes it happen once per cluster."""

    def __init__(self, marker: str):
        self.marker = marker

    def transition(self, key: object, start: str, finish: str, **kwargs: object) -> None:
        if finish != "memory" or "run_batch" not in str(key):
            return
        try:
            os.close(os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return
        os.kill(os.getpid(), signal.SIGKILL)


def test_killed_worker_gives_identical_output(tmp_path: Path, scheduler: str) -> None:
    root = generated(tmp_path / "site")
    local = build(root)
    marker = tmp_path / "killed"
    client = distributed.Client("tcp://" + scheduler.removeprefix("dask://"))
    try:
        client.register_plugin(KillOnce(str(marker)), name="kill-once")
        assert build(root, "--executor", scheduler) == local
        assert marker.exists()  # a worker was killed
        client.unregister_worker_plugin("kill-once")
        client.wait_for_workers(2, timeout=30)
    finally:
        client.close()


def test_unreachable_scheduler_is_exit_2_and_writes_nothing(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str],
                                                            ) -> None:
    root = generated(tmp_path, pairs=2)
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    assert main(["build", "--root", str(root), "--executor", f"dask://127.0.0.1:{port}"]) == 2
    assert "EXE001 cannot reach the Dask scheduler" in capsys.readouterr().err
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_unknown_executor_is_a_configuration_error(tmp_path: Path) -> None:
    root = generated(tmp_path, pairs=1)
    with (root / "site.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[build]\nexecutor = "spark://x"\n')
    assert main(["build", "--root", str(root)]) == 2
    assert main(["build", "--root", str(root), "--executor", "local"]) == 2  # still CF107
    assert not (root / "dist").exists()


def test_links_on_dask_are_identical_and_keep_the_host_ceiling(
        project, raw_server, scheduler: str, capsys: pytest.CaptureFixture[str]) -> None:
    urls = [raw_server.url(f"/page/{i}") for i in range(40)] + [raw_server.url("/reset/1")]
    body = "\n\n".join(f"[{i}]({u})" for i, u in enumerate(urls))
    root = project({"en/a.md": article("a", body)}, {"per_host": 4, "workers": 16})
    runs = []
    for executor in ("local", scheduler):
        shutil.rmtree(root / ".cache", ignore_errors=True)
        capsys.readouterr()
        code = main(["links", "--root", str(root), "--jobs", "2", "--format", "json",
                     "--executor", executor])
        runs.append((code, capsys.readouterr().out, (root / "reports/links.json").read_bytes()))
    assert runs[0] == runs[1] and runs[0][0] == 1  # the reset link is broken on both
    assert raw_server.max_in_flight <= 4  # the host's ceiling, across both workers
    requests = len(raw_server.requests)
    assert main(["links", "--root", str(root), "--executor", scheduler]) == 1
    assert len(raw_server.requests) - requests == 2  # the 40 good ones: from the cache
