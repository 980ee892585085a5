"""``python -m pipeline.audit [--site DIR] [--no-lighthouse | --lighthouse-limit N]``
(``make audit``).

Runs the validators on a built site folder (default: the ``paths.output`` of
``site.toml``, else ``dist``) and prints one line per page with each score and the
failing audits. Exit codes: 0 every page passes, 1 something fails, 2 a validator is
not installed or the folder is missing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.audit.site import audit, lines
from pipeline.audit.tools import ToolMissing
from pipeline.core.settings_rules import NumberOption, at_least


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline.audit", description=__doc__)
    parser.add_argument("--site", type=Path, default=None, help="built site folder")
    parser.add_argument("--root", type=Path, default=Path("."), help="project root")
    parser.add_argument("--no-lighthouse", action="store_true", help="Nu and sitemaps only")
    parser.add_argument("--lighthouse-limit", type=NumberOption(int, at_least(0, 100_000)),
                        default=None,
                        metavar="N", help="run Lighthouse on the first N indexable pages only")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    output = args.site or _output(args.root)
    if not output.is_dir():
        print(f"audit: {output} is not a folder; build the site first", file=sys.stderr)
        return 2
    try:
        result = audit(output, run_lighthouse=not args.no_lighthouse,
                       lighthouse_limit=args.lighthouse_limit)
    except ToolMissing as exc:
        print(f"audit: {exc}", file=sys.stderr)
        return 2
    for line in lines(result):
        print(line)
    failed = sum(not p.ok for p in result.pages) + sum(bool(e) for e in result.sitemaps.values())
    print(f"audit: {len(result.pages)} page(s), {len(result.sitemaps)} sitemap file(s), "
          f"{failed} failing")
    return 0 if result.ok else 1


def _output(root: Path) -> Path:
    """The configured output folder, or ``root/dist`` without a usable ``site.toml``."""
    try:
        from pipeline.core.settings import load_settings

        return load_settings(root).path("output")
    except Exception:  # noqa: BLE001 - any configuration problem: fall back to the default
        return root / "dist"


if __name__ == "__main__":
    sys.exit(main())
