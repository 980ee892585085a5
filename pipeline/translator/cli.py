"""``translations export`` and ``translations import``: the translator round trip.

``export --to LOCALE [--format xliff|po] [--out DIR]`` writes one file per article
missing or stale in LOCALE (default folder ``translations/LOCALE/``);
``import FILE [--force] [--accept-fuzzy]`` writes the translated article. Codes TR0xx
(set-up), TR1xx (the file), TR2xx (its units), TR3xx (export warnings); exit 0 ok,
1 unit problems, 2 a file that cannot be used, a stale source or an existing target.
translate-toolkit is an optional dependency: ``pip install 'seo-pipeline[translate]'``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.core.model import Finding, Severity, Site

FILE_FORMATS = ("xliff", "po")


def add_subcommands(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION")
    export = sub.add_parser("export", help="write XLIFF 2.0 or PO files of the articles "
                            "missing or stale in a locale, for translators")
    export.add_argument("--to", required=True, metavar="LOCALE", help="target locale code")
    export.add_argument("--format", dest="file_format", choices=FILE_FORMATS,
                        default="xliff", help="file format (default xliff: XLIFF 2.0)")
    export.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="output folder (default translations/LOCALE under --root)")
    imported = sub.add_parser("import", help="write the translated article of an exported "
                              "file into content/LOCALE/")
    imported.add_argument("file", type=Path, metavar="FILE", help=".xlf, .xliff or .po file")
    imported.add_argument("--force", action="store_true",
                          help="replace an existing translation")
    imported.add_argument("--accept-fuzzy", action="store_true",
                          help="accept targets still marked new or changed")
    for action in (export, imported):
        action.add_argument("--root", type=Path, default=argparse.SUPPRESS,
                            help="project root (site.toml)")
        action.add_argument("--config", type=Path, default=argparse.SUPPRESS,
                            help="configuration file")


def _print(findings: list[Finding]) -> None:
    from pipeline.report import human_line

    for finding in findings:
        print(human_line(finding), file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    try:
        import translate.storage  # noqa: F401  (the optional [translate] extra)
    except ImportError:
        _print([Finding("translate-toolkit", 1, 1, "TR001", Severity.ERROR,
                        "translate-toolkit is not installed (needed to read and write "
                        "XLIFF and PO)", "pip install 'seo-pipeline[translate]'")])
        return 2
    from pipeline.content.site import open_site

    _, site = open_site(args.root, args.config)
    if args.action == "export":
        return _export(site, args)
    return _import(site, args)


def _export(site: Site, args: argparse.Namespace) -> int:
    from pipeline.translator.export import write_all

    if args.to not in site.settings.locale_codes:
        _print([Finding("site.toml", 1, 1, "TR002", Severity.ERROR,
                        f"locale {args.to!r} is not configured",
                        f"one of: {', '.join(site.settings.locale_codes)}")])
        return 2
    out = args.out if args.out is not None else site.settings.root / "translations" / args.to
    written, findings = write_all(site, args.to, args.file_format, out)
    _print(findings)
    for path in written:
        print(f"wrote {path}")
    if not written and not findings:
        print(f"nothing to translate: every article has a current {args.to} translation")
    return 1 if any(f.is_error for f in findings) else 0


def _import(site: Site, args: argparse.Namespace) -> int:
    from pipeline.translator.importing import import_file

    outcome = import_file(site, args.file, force=args.force, accept_fuzzy=args.accept_fuzzy)
    _print(outcome.findings)
    if outcome.written is not None:
        print(f"wrote {outcome.written}")
    return outcome.exit_code
