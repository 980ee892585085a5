"""Fingerprints: what an output was made from, as one short hex digest.

``code()`` covers the package's own files (Python, templates, static files, schemas) and
the versions of the libraries whose output lands in pages, so an upgrade rebuilds.
``sections()`` covers named ``site.toml`` sections only, so a change to ``[links]`` does
not rebuild pages.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import astuple
from functools import cache
from importlib import metadata
from pathlib import Path

from pipeline import __version__
from pipeline.core.settings import Settings

LIBRARIES = ("babel", "jinja2", "markupsafe", "nh3", "markdown-it-py", "pyromark",
             "lxml", "pillow", "orjson", "regex", "pyyaml")
PACKAGE = Path(__file__).resolve().parent.parent


def of(*parts: object) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(part if isinstance(part, bytes) else str(part).encode())
        digest.update(b"\0")
    return digest.hexdigest()


@cache
def code() -> str:
    """The package's files and the library versions (computed once per process)."""
    return code_of(PACKAGE)


def code_of(package: Path) -> str:
    """Every file of ``package`` (Python, templates, static files, schemas, by path and
    content) and the versions of the libraries whose output lands in pages."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(__version__.encode())
    for dirpath, dirnames, filenames in os.walk(package, followlinks=True):  # locales/
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = os.path.join(dirpath, name)
            digest.update(os.path.relpath(path, package).encode())
            with open(path, "rb") as fh:
                digest.update(fh.read())
    for name in LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=-".encode())
    return digest.hexdigest()


def sections(settings: Settings, *names: str) -> str:
    """The named sections of the settings (``site``, ``locales``, ``bundles``...)."""
    parts = []
    for name in names:
        value = getattr(settings, name)
        parts.append(repr(tuple(astuple(v) for v in value) if isinstance(value, tuple)
                          else astuple(value)))
    return of(*parts)


def files(paths: list[Path]) -> str:
    """Contents of a few small files (catalogs); a missing one counts as missing."""
    parts: list[object] = []
    for path in paths:
        try:
            parts += [path.name, path.read_bytes()]
        except OSError:
            parts += [path.name, b"-missing-"]
    return of(*parts)
