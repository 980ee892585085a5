"""``seo-pipeline indexnow-key``: create the IndexNow key and write its key file.

With no key configured (or with ``--new``) a random key is generated and recorded as
``submit.indexnow_key`` in ``site.toml`` (comments and layout kept). Then, always, the
key file ``<output>/<key>.txt`` holding the key is written, so running it after every
build keeps the file in the site output. The key is public by design: the engines
fetch it from the site to check that the submitter controls the host.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import tomlkit

from pipeline.core.fsutil import write_text
from pipeline.core.settings import CONFIG_NAME, load_settings
from pipeline.submit.indexnow import key_location, key_problem, new_key, write_key_file


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--new", action="store_true",
                        help="generate a new key even when one is configured (rotation)")


def record_key(config: Path, key: str) -> None:
    """Set ``[submit] indexnow_key`` in the configuration file, atomically."""
    document = tomlkit.parse(config.read_text(encoding="utf-8"))
    if "submit" not in document:
        document.add(tomlkit.nl())
        document["submit"] = tomlkit.table()
    document["submit"]["indexnow_key"] = key
    write_text(config, tomlkit.dumps(document))


def main(args: argparse.Namespace) -> int:
    config = Path(args.config) if args.config else Path(args.root) / CONFIG_NAME
    settings = load_settings(Path(args.root), args.config)
    key = settings.submit.indexnow_key
    if key and not args.new and (problem := key_problem(key)):
        print(f"{config.name}: error SUB002 submit.indexnow_key {problem} "
              "(hint: run 'seo-pipeline indexnow-key --new')", file=sys.stderr)
        return 1
    if not key or args.new:
        key = new_key()
        record_key(config, key)
        print(f"new IndexNow key recorded as submit.indexnow_key in {config.name}")
    path = write_key_file(settings, key)
    shown = path.relative_to(settings.root) if path.is_relative_to(settings.root) else path
    print(f"IndexNow key file: {shown.as_posix()} (served as {key_location(settings, key)})")
    return 0
