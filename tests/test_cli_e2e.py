"""End to end: the CLI on the bundled content, run as a user runs it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _copy_project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    for name in ("content", "public", "locales"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "site.toml", root / "site.toml")
    return root


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=300, check=False)


def test_validate_bundled_content_has_no_errors(tmp_path: Path) -> None:
    root = _copy_project(tmp_path)
    done = _run("validate", "--format", "json", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["summary"]["errors"] == 0
    assert report["data"]["articles"] == 10
    assert (root / "reports/validate.json").is_file()


def test_bundled_content_is_bilingual_and_paired(tmp_path: Path) -> None:
    from pipeline.content.load import load_site
    from pipeline.core.settings import load_settings

    site, _ = load_site(load_settings(_copy_project(tmp_path)))
    groups = site.groups()
    assert len(groups) == 5
    assert all(set(g.articles) == {"en", "ar"} for g in groups)
    for article in site.in_locale("ar"):
        assert any("\u0600" <= c <= "\u06ff" for c in article.slug), article.slug
    seed = site.find("en", "laser-skin-resurfacing")
    assert seed is not None and seed.meta.cover_image.endswith("download (1).jpeg")
    assert seed.body.count("](https://o9medical.com/%D") == 2


def test_build_runs_offline_stages_and_is_deterministic(tmp_path: Path) -> None:
    root = _copy_project(tmp_path)
    first = _run("build", cwd=root)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Traceback" not in first.stderr
    snapshot = {p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*"))
                if p.is_file() and ".cache" not in p.parts}
    second = _run("build", cwd=root)
    assert second.returncode == 0
    again = {p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*"))
             if p.is_file() and ".cache" not in p.parts}
    assert again == snapshot


def test_a_failing_build_exits_1_with_its_whole_report(tmp_path: Path) -> None:
    """After a build the command leaves without tearing its objects down (``cli.entry``):
    the exit code and every line written to a pipe still arrive."""
    root = _copy_project(tmp_path)
    (root / "content/en/broken.md").write_text("---\nexcerpt: no title here\n---\nBody.\n",
                                               encoding="utf-8")
    done = _run("build", cwd=root)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "content/en/broken.md:" in done.stdout and " error " in done.stdout
    assert done.stdout.rstrip().splitlines()[-1].strip(), "the summary ends the output"
    assert "build: FAILED" in done.stdout


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert _run("no-such-command", cwd=tmp_path).returncode == 2
    assert _run("validate", "--format", "yaml", cwd=tmp_path).returncode == 2
    assert _run("--version", cwd=tmp_path).stdout.startswith("seo-pipeline ")


def test_committed_sitemaps_match_a_fresh_build(tmp_path: Path) -> None:
    """sitemap/ is kept in the repository; a build of the bundled content must reproduce it."""
    root = _copy_project(tmp_path)
    done = _run("build", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    built = {p.name: p.read_bytes() for p in sorted((root / "sitemap").iterdir())}
    committed = {p.name: p.read_bytes() for p in sorted((REPO / "sitemap").iterdir())}
    assert built == committed, "run 'make build' and commit sitemap/"
