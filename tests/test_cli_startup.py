"""`--version` and `--help` import no stage; every build ends with a plain summary."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import REPO

PROBE = """
import sys
from pipeline.cli import main
try:
    main({argv!r})
except SystemExit:
    pass
heavy = sorted(m for m in sys.modules if m.startswith(("pipeline.stages", "pipeline.engine",
               "pipeline.render", "pipeline.content", "jinja2", "babel", "lxml", "yaml")))
print("HEAVY", heavy)
"""


def _heavy(argv: list[str]) -> str:
    done = subprocess.run([sys.executable, "-c", PROBE.format(argv=argv)], text=True,
                          capture_output=True, env={**os.environ, "PYTHONPATH": str(REPO)},
                          timeout=60, check=True)
    return done.stdout.strip().splitlines()[-1]


def test_version_and_help_import_no_stage() -> None:
    assert _heavy(["--version"]) == "HEAVY []"
    assert _heavy(["--help"]) == "HEAVY []"


def test_build_summary_counts_written_unchanged_removed(make_site, capsys) -> None:
    from pipeline.cli import main

    root = make_site()
    assert main(["build", "--root", str(root)]) == 0
    first = capsys.readouterr().out
    # per locale: the article's page and JSON, the index page and three feeds
    assert "dist/ (site): ar: 6 written, 0 unchanged, 0 removed; en: 6 written" in first
    assert "sitemap/ (sitemaps):" in first and "reports/ (reports):" in first
    (root / "content/ar/laser-basics.md").unlink()
    assert main(["build", "--root", str(root)]) == 1  # the redirect detector: RD102
    assert "RD102" in capsys.readouterr().out  # no Arabic article is like it
    with (root / "site.toml").open("a", encoding="utf-8") as fh:  # removed on purpose
        fh.write('\n[redirects]\ngone = ["/ar/أساسيات-الليزر/"]\n')
    assert main(["build", "--root", str(root)]) == 0
    second = capsys.readouterr().out
    assert "ar: 4 written, 0 unchanged, 2 removed" in second  # index, feeds; page and JSON
    assert "en: 2 written, 4 unchanged, 0 removed" in second  # alternates lost one


def _preview_hint(root, path_env: str, cwd) -> str:  # type: ignore[no-untyped-def]
    script = os.path.join(os.path.dirname(sys.executable), "seo-pipeline")
    done = subprocess.run([script, "build", "--force", "--root", str(root)], text=True, cwd=cwd,
                          capture_output=True, env={**os.environ, "PATH": path_env},
                          timeout=300, check=True)
    assert "(preview: " in done.stdout, done.stdout
    return done.stdout.split("(preview: ")[1].split(")")[0]


def test_summary_prints_the_preview_command_as_it_can_be_run(make_site, tmp_path) -> None:
    """After `make build` the script is .venv/bin/seo-pipeline, not on PATH: the summary
    names that path; with its folder on PATH, the bare name."""
    root = make_site()
    bin_dir = os.path.dirname(sys.executable)
    script = os.path.join(bin_dir, "seo-pipeline")
    plain = "/usr/bin:/bin"
    assert _preview_hint(root, plain, tmp_path) == f"{script} serve --watch"
    assert _preview_hint(root, plain, REPO) == \
        f"{os.path.relpath(script, REPO)} serve --watch"
    assert _preview_hint(root, f"{bin_dir}:{plain}", tmp_path) == "seo-pipeline serve --watch"
