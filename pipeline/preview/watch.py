"""``serve --watch``: build, serve the output, rebuild on every save, reload open pages.

Watched: the ``content``, ``public`` and ``locales`` folders, the configuration file
and, when running from a checkout, the package's templates and static files. Saves are
grouped (a build starts once no change came for ``QUIET`` seconds; saves during a build
lead to one more build after it). Builds run in a thread of their own while the server
keeps answering; the build itself is ``pipeline.preview.rebuild.rebuild``.
"""

from __future__ import annotations

import argparse
import importlib.util
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit

import watchfiles

from pipeline.core.settings import CONFIG_NAME, Settings, load_settings
from pipeline.engine import resident
from pipeline.preview.rebuild import BuildFailed, rebuild_pages
from pipeline.preview.reload import Broadcaster
from pipeline.preview.serve import bound_address, make_server

QUIET = 0.05  # seconds without changes before a build starts
SOURCES = ("content", "public", "locales")  # [paths] entries that feed a build
PACKAGE_SOURCES = ("templates", "static")  # folders of pipeline.render


class Debouncer:
    """Calls ``action`` once ``poke`` has not been called for ``quiet`` seconds."""

    def __init__(self, action: Callable[[], None], quiet: float = QUIET):
        self._action, self._quiet = action, quiet
        self._due: float | None = None
        self._poked = threading.Condition()

    def poke(self) -> None:
        with self._poked:
            self._due = time.monotonic() + self._quiet
            self._poked.notify()

    def _wait(self, stop: threading.Event) -> bool:
        """Until a poke has gone quiet (True) or ``stop`` is set (False)."""
        with self._poked:
            while not stop.is_set():
                left = 0.5 if self._due is None else self._due - time.monotonic()
                if self._due is not None and left <= 0:
                    self._due = None
                    return True
                self._poked.wait(min(left, 0.5))
        return False

    def run(self, stop: threading.Event) -> None:
        while self._wait(stop):
            self._action()


def package_folders() -> list[Path]:
    """The renderer's templates and static folders when running from a source checkout."""
    spec = importlib.util.find_spec("pipeline.render")
    if spec is None or not spec.submodule_search_locations:
        return []
    package = Path(next(iter(spec.submodule_search_locations)))
    if not (package.parents[1] / "pyproject.toml").is_file():
        return []  # an installed package: its files change only on upgrade
    return [package / name for name in PACKAGE_SOURCES]


def config_file(args: argparse.Namespace) -> Path:
    return Path(args.config) if args.config else Path(args.root) / CONFIG_NAME


def watched_folders(settings: Settings) -> list[Path]:
    """The existing folders whose files feed a build."""
    folders = [settings.path(name) for name in SOURCES] + package_folders()
    return [folder for folder in folders if folder.is_dir()]


def only(path: Path) -> Callable[[watchfiles.Change, str], bool]:
    """A watch filter that keeps changes of ``path`` alone (e.g. the configuration file)."""
    return lambda change, changed: Path(changed) == path


def follow(paths: Iterable[Path], on_change: Callable[[], None], stop: threading.Event,
           recursive: bool = True,
           keep: Callable[[watchfiles.Change, str], bool] | None = None) -> None:
    """Call ``on_change`` for every batch of file changes under ``paths`` until ``stop``."""
    watch_filter = keep or watchfiles.DefaultFilter()
    for _ in watchfiles.watch(*paths, watch_filter=watch_filter, stop_event=stop, step=20,
                              recursive=recursive, raise_interrupt=False):
        on_change()


class Builder:
    """Runs a build, prints its outcome and tells the open pages."""

    def __init__(self, args: argparse.Namespace, reload: Broadcaster):
        self.root, self.config, self.reload = Path(args.root), args.config, reload

    def __call__(self) -> None:
        start = time.monotonic()
        try:
            summary, pages = rebuild_pages(self.root, self.config)
        except BuildFailed as exc:
            text = "\n".join([f"build failed: {exc}", *exc.lines])
            say(f"{text}\n(previous pages kept; fix and save to rebuild)")
            self.reload.failed(text)
        except Exception:  # a bug in a stage must not stop the preview
            text = "build crashed:\n" + traceback.format_exc()
            say(text)
            self.reload.failed(text)
        else:
            say(f"built in {time.monotonic() - start:.2f} s: {summary}")
            self.reload.published(pages)


def say(text: str) -> None:
    print(text, flush=True)


def _start(target: Callable[..., None], *args: object) -> threading.Thread:
    thread = threading.Thread(target=target, args=args, daemon=True)
    thread.start()
    return thread


def _stop_on_sigterm() -> None:
    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def main(args: argparse.Namespace) -> int:
    resident.keep()  # one process, many builds: keep what each build derived
    settings = load_settings(args.root, args.config)
    reload = Broadcaster()
    output = settings.path("output")
    try:  # bind first: a busy port fails before any build
        server = make_server(output, args.host, args.port,
                             prefix=urlsplit(settings.base_url).path, verbose=True, reload=reload)
    except (ValueError, OSError) as exc:
        print(f"cannot serve: {exc}", file=sys.stderr)
        return 2
    builder = Builder(args, reload)
    builder()
    stop = threading.Event()
    debouncer = Debouncer(builder)
    config = config_file(args).resolve()
    folders = watched_folders(settings)
    threads = [
        _start(debouncer.run, stop),
        _start(follow, folders, debouncer.poke, stop),
        _start(follow, [config.parent], debouncer.poke, stop, False, only(config)),
    ]
    host, port = bound_address(server)
    shown = ", ".join(str(p) for p in [*folders, config])
    say(f"serving {output} at http://{host}:{port}/ (Ctrl+C stops)\nwatching {shown}")
    _stop_on_sigterm()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        reload.close()
        server.server_close()
        for thread in threads:
            thread.join(timeout=2)
    return 0
