"""``seo-pipeline init DIR``: write a minimal bilingual site that builds with no findings.

The files come from the package (``pipeline/scaffold/site/``): ``site.toml`` with a
comment on each key, one English article and its Arabic translation, the images they
use, a Makefile and a GitHub workflow that runs the seo-pipeline action. A path part
``dot-NAME`` in the scaffold is written as ``.NAME`` (wheels and globs skip dot files).
Then the Arabic article's ``translationOf`` is set to the English one's hash and a fresh
IndexNow key is recorded in ``site.toml`` (``secrets.token_hex``, never a shipped one).

Codes: SC001 the folder exists and is not empty (exit 2; ``--force`` writes into it,
replacing the scaffold's files only), SC002 the folder cannot be created or written.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from pipeline.content.frontmatter_edit import set_field
from pipeline.core.fsutil import write_text
from pipeline.core.model import Finding, Severity

SCAFFOLD = Path(__file__).resolve().parent.parent / "scaffold" / "site"
ACTION_PLACEHOLDER = "SEO_PIPELINE_ACTION"
DEFAULT_ACTION = "OWNER/seo-pipeline@v0"
SOURCE_ARTICLE, TRANSLATION = "content/en/welcome.md", "content/ar/welcome.md"
EXIT_OK, EXIT_USAGE = 0, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", type=Path, metavar="DIR", help="the folder to create")
    parser.add_argument("--force", action="store_true",
                        help="write into a folder that is not empty (the scaffold's files are "
                        "replaced, others kept)")
    parser.add_argument("--action", default=DEFAULT_ACTION, metavar="OWNER/REPO@REF",
                        help="the seo-pipeline action the workflow uses (default: %(default)s)")


def target_of(relative: Path) -> Path:
    """The path a scaffold file is written to: ``dot-x`` parts become ``.x``."""
    return Path(*("." + p[4:] if p.startswith("dot-") else p for p in relative.parts))


def scaffold_files() -> list[tuple[Path, Path]]:
    """(scaffold file, relative target) for every file of the scaffold, sorted."""
    return sorted((path, target_of(path.relative_to(SCAFFOLD)))
                  for path in SCAFFOLD.rglob("*") if path.is_file()
                  and "__pycache__" not in path.parts)


def refusal(directory: Path) -> Finding | None:
    """SC001 when ``directory`` exists and is not an empty folder."""
    if not directory.exists():
        return None
    if directory.is_dir() and not any(directory.iterdir()):
        return None
    what = "is not empty" if directory.is_dir() else "exists and is not a folder"
    return Finding(directory.as_posix(), 1, 1, "SC001", Severity.ERROR, f"{what}",
                   "choose a new folder, or add --force to write the site's files into it")


def write_site(directory: Path, action: str) -> list[Path]:
    """Copy the scaffold into ``directory``; return the written paths (relative)."""
    written = []
    for source, relative in scaffold_files():
        target = directory / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        data = source.read_bytes()
        if relative.suffix in {".yml", ".yaml"}:
            data = data.replace(ACTION_PLACEHOLDER.encode(), action.encode())
        target.write_bytes(data)
        written.append(relative)
    pair_translation(directory)
    return written


def pair_translation(directory: Path) -> None:
    """Record in the Arabic article the hash of the English one (``translations``'s rule)."""
    source = (directory / SOURCE_ARTICLE).read_text(encoding="utf-8")
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()
    target = directory / TRANSLATION
    write_text(target, set_field(target.read_text(encoding="utf-8"), "translationOf", digest))


def main(args: argparse.Namespace) -> int:
    from pipeline.report import human_line
    from pipeline.submit.indexnow import new_key
    from pipeline.submit.keytool import record_key

    directory: Path = args.directory
    if not args.force and (problem := refusal(directory)):
        print(human_line(problem), file=sys.stderr)
        return EXIT_USAGE
    try:
        written = write_site(directory, args.action)
        record_key(directory / "site.toml", new_key())
    except OSError as exc:
        problem = Finding(directory.as_posix(), 1, 1, "SC002", Severity.ERROR,
                          f"cannot write the site: {exc.strerror or exc}",
                          "check the folder's permissions and free space")
        print(human_line(problem), file=sys.stderr)
        return EXIT_USAGE
    print(f"new site in {directory.as_posix()}/ ({len(written)} files):")
    for relative in written:
        print(f"  {relative.as_posix()}")
    print(f"next: cd {directory.as_posix()} && seo-pipeline build && seo-pipeline serve --watch")
    print("      seo-pipeline new en my-first-article   (a new article)")
    if args.action == DEFAULT_ACTION:
        print("      .github/workflows/site.yml: replace OWNER with where seo-pipeline is hosted")
    return EXIT_OK
