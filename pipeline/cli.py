"""Command line: parse arguments, call a stage or a tool, map results to exit codes.

Exit codes: 0 ok (warnings allowed unless --strict), 1 findings, 2 usage or config error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import __version__
from pipeline.commands import FORMATS, STAGES, TOOLS, Stage, command_names, tool_module

if TYPE_CHECKING:
    from pipeline.core.model import StageResult

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, default=Path("."), help="project root (site.toml)")
    parser.add_argument("--config", type=Path, default=None, help="configuration file")
    parser.add_argument("--format", choices=FORMATS, default="human", help="console output")
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")


def make_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``command`` known, only that command's module is imported.

    Every command is listed either way; importing a stage's libraries (Jinja2, Babel,
    google-auth, ...) only when that stage runs keeps start-up short.
    """
    parser = argparse.ArgumentParser(
        prog="seo-pipeline", description="Multilingual SEO content pipeline over Markdown "
        "articles: validate, links, metadata, bundles, sitemaps, submit.",
        epilog="Exit codes: 0 ok, 1 findings, 2 usage or configuration error.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def wanted(name: str) -> bool:
        return command == name

    for item in STAGES:
        stage_parser = sub.add_parser(item.name, help=item.help, description=item.help)
        _common(stage_parser)
        if wanted(item.name):
            _, add_arguments = item.load()
            if add_arguments:
                add_arguments(stage_parser)
        stage_parser.set_defaults(handler=_stage_handler(item))
    build_parser = sub.add_parser("build", help="run every offline stage in order")
    _common(build_parser)
    build_parser.add_argument("--force", action="store_true",
                              help="rebuild everything, trusting no cache")
    build_parser.add_argument("--future", action="store_true",
                              help="preview: publish articles whose date is still to come")
    build_parser.add_argument("--expired", action="store_true",
                              help="preview: publish articles whose expiryDate has passed")
    build_parser.add_argument("--previous-sitemap", metavar="PATH_OR_URL", default=None,
                              help="redirect detector: compare with this sitemap (default: "
                              "[redirects] previous, else the last published output)")
    if wanted("build"):  # the engine's options; no stage is imported to parse them
        from pipeline.engine import options

        options.add_arguments(build_parser)
    build_parser.set_defaults(handler=_build)
    for name, (_, help_text) in TOOLS.items():
        tool_parser = sub.add_parser(name, help=help_text, description=help_text)
        _common(tool_parser)
        if wanted(name):
            module = tool_module(name)
            module.add_arguments(tool_parser)
            tool_parser.set_defaults(handler=module.main)
    return parser


def _command_of(argv: Sequence[str]) -> str | None:
    """The subcommand named in ``argv`` when it is a known one, else None (load all)."""
    first = next((a for a in argv if not a.startswith("-")), None)
    return first if first in command_names() else None


def exit_code(results: Sequence[StageResult], strict: bool) -> int:
    if any(r.errors for r in results):
        return EXIT_FINDINGS
    if strict and any(r.warnings for r in results):
        return EXIT_FINDINGS
    return EXIT_OK


def _print_result(result: StageResult, args: argparse.Namespace,
                  item: Stage | None = None) -> None:
    from pipeline.report import render

    own = item.renderer() if item else None
    text = own(result, args.format, args.root) if own else None
    if text is None:
        text = render(result, args.format, args.root)
    if text:
        print(text)


def _stage_handler(item: Stage) -> Callable[[argparse.Namespace], int]:
    def handler(args: argparse.Namespace) -> int:
        from pipeline.content.site import open_site
        from pipeline.core.settings import load_settings
        from pipeline.engine.lock import holding
        from pipeline.runner import run_stage

        with holding(load_settings(args.root, args.config).path("cache")):
            _, site = open_site(args.root, args.config)
            result = run_stage(item, site, args)
        _print_result(result, args, item)
        return exit_code([result], args.strict)

    return handler


def _build(args: argparse.Namespace) -> int:
    from pipeline.core import clock
    from pipeline.engine.summary import summary_text
    from pipeline.runner import build_project

    clock.set_previews(args.future, args.expired)
    done = build_project(args.root, args.config, args,
                         on_result=lambda r: _print_result(r, args))
    if args.format == "human":
        print(summary_text(done))
        if line := clock.next_scheduled_line(done.results):
            print(line)
    return exit_code(done.results, args.strict)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv == ["--version"]:  # answered before anything else is imported
        print(f"seo-pipeline {__version__}")
        return EXIT_OK
    parser = make_parser(_command_of(argv))
    args = parser.parse_args(argv)
    from pipeline.core.settings import ConfigError
    from pipeline.report import human_line

    try:
        return int(args.handler(args))
    except ConfigError as exc:
        for finding in exc.findings:
            print(human_line(finding), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def entry() -> None:
    """The console command: ``main``. After a build it leaves at once instead of freeing
    the build's objects one by one (at 10,000 pairs that took 2.4 s): by then every file
    is written and closed, the state committed and the worker processes gone."""
    argv = sys.argv[1:]
    code = main(argv)
    if _command_of(argv) == "build":
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    raise SystemExit(code)


if __name__ == "__main__":
    entry()
