"""Command line: parse arguments, call a stage or a tool, map results to exit codes.

Exit codes: 0 ok (warnings allowed unless --strict), 1 findings, 2 usage or config error.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from pipeline import __version__
from pipeline.config import ConfigError
from pipeline.model import StageResult
from pipeline.report import FORMATS, human_line, render, summary_line
from pipeline.runner import STAGES, Stage, build, open_site, run_stage

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

# Commands that are not stages over the site: name -> module with add_arguments/main.
TOOLS: dict[str, tuple[str, str]] = {
    "import": ("pipeline.importer", "convert a plain-text export into a Markdown article"),
    "hreflang": ("pipeline.hreflang.tool", "audit hreflang clusters of the site or a sitemap"),
    "indexnow-key": ("pipeline.submit.keytool",
                     "create the IndexNow key and write its key file into the site output"),
    "translations": ("pipeline.translations", "per translation key: present, missing, stale"),
    "serve": ("pipeline.serve", "preview the output folder on 127.0.0.1"),
}


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, default=Path("."), help="project root (site.toml)")
    parser.add_argument("--config", type=Path, default=None, help="configuration file")
    parser.add_argument("--format", choices=FORMATS, default="human", help="console output")
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="seo-pipeline", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for item in STAGES:
        stage_parser = sub.add_parser(item.name, help=item.help, description=item.help)
        _common(stage_parser)
        _, add_arguments = item.load()
        if add_arguments:
            add_arguments(stage_parser)
        stage_parser.set_defaults(handler=_stage_handler(item))
    build_parser = sub.add_parser("build", help="run every offline stage in order")
    _common(build_parser)
    for item in STAGES:
        _, add_arguments = item.load()
        if add_arguments and item.offline:
            add_arguments(build_parser)
    build_parser.set_defaults(handler=_build)
    for name, (module_name, help_text) in TOOLS.items():
        module = importlib.import_module(module_name)
        tool_parser = sub.add_parser(name, help=help_text, description=help_text)
        _common(tool_parser)
        module.add_arguments(tool_parser)
        tool_parser.set_defaults(handler=module.main)
    return parser


def exit_code(results: Sequence[StageResult], strict: bool) -> int:
    if any(r.errors for r in results):
        return EXIT_FINDINGS
    if strict and any(r.warnings for r in results):
        return EXIT_FINDINGS
    return EXIT_OK


def _print_result(result: StageResult, args: argparse.Namespace,
                  item: Stage | None = None) -> None:
    own = item.renderer() if item else None
    text = own(result, args.format, args.root) if own else None
    if text is None:
        text = render(result, args.format, args.root)
    if text:
        print(text)


def _stage_handler(item: Stage):  # type: ignore[no-untyped-def]
    def handler(args: argparse.Namespace) -> int:
        _, site = open_site(args.root, args.config)
        result = run_stage(item, site, args)
        _print_result(result, args, item)
        return exit_code([result], args.strict)

    return handler


def _build(args: argparse.Namespace) -> int:
    _, site = open_site(args.root, args.config)
    results = build(site, args, on_result=lambda r: _print_result(r, args))
    if args.format == "human":
        print("build: " + "; ".join(summary_line(r) for r in results))
    return exit_code(results, args.strict)


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except ConfigError as exc:
        for finding in exc.findings:
            print(human_line(finding), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
