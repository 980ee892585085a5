"""Preview server: the output folder over HTTP on the loopback interface only.

Request paths are percent-decoded as UTF-8 (``/ar/%D8%AD%D9%82%D9%86/`` finds the
folder ``dist/ar/حقن/``), folders serve their ``index.html``, text types carry
``charset=utf-8``, unknown paths get ``404.html`` with status 404, and nothing outside
the output folder is reachable. ``base_url``'s path, when it has one, is the prefix.
The folder is looked up on every request, so a build may swap it for a new one while
the server runs. With ``reload`` (watch mode), HTML responses carry the live-reload
script and ``/__reload`` streams build events (``pipeline.preview.reload``). Requests
for other host names (DNS rebinding) get 421; threads and streams are bounded
(``pipeline.preview.guard``).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import socket
import socketserver
import sys
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote, urlsplit

from pipeline.core.fsutil import OutputPathError, safe_join
from pipeline.core.settings import load_settings
from pipeline.core.settings_rules import PORT, NumberOption
from pipeline.preview.guard import (
    IDLE_TIMEOUT,
    MAX_CONNECTIONS,
    RETRY_AFTER,
    BoundedServer,
    host_problem,
    is_loopback_name,
)
from pipeline.preview.reload import EVENTS_PATH, SCRIPT, SCRIPT_PATH, Broadcaster, event, inject

KEEPALIVE = 15.0  # seconds between comments on an idle event stream

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".gz": "application/gzip",
}


DRAIN_SECONDS = 0.2  # after an error, how long to wait for the rest of a rejected request
DRAIN_READS = 16  # ... and at most this many 64 KiB reads of it


class PreviewHandler(SimpleHTTPRequestHandler):
    """Static files from ``root``; quiet unless ``verbose``; live reload with ``reload``."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **CONTENT_TYPES}
    default_request_version = "HTTP/1.0"  # answer malformed lines with a status line, not 0.9
    timeout = IDLE_TIMEOUT  # a silent client lets go of its thread

    # Any: request, address and server as socketserver passes them, forwarded unchanged.
    def __init__(self, *args: Any, root: Path, prefix: str = "", verbose: bool = False,
                 reload: Broadcaster | None = None, **kwargs: Any):
        self.root, self.prefix, self.verbose, self.reload = root, prefix, verbose, reload
        super().__init__(*args, directory=str(root), **kwargs)

    def translate_path(self, path: str) -> str:
        """URL path -> file under ``root``; '' when outside it or outside the prefix."""
        decoded = unquote(urlsplit(path).path, errors="strict")
        if self.prefix:
            if not (decoded == self.prefix or decoded.startswith(self.prefix + "/")):
                return ""
            decoded = decoded[len(self.prefix):]
        parts = [p for p in decoded.split("/") if p]
        try:
            target = safe_join(self.root, *parts)
        except (OutputPathError, ValueError):
            return ""
        if decoded.endswith("/") or not parts:
            return str(target) + "/"
        return str(target)

    def parse_request(self) -> bool:
        """The request line and headers, then the host check (421 for other names)."""
        if not super().parse_request():
            return False
        bound = bound_address(self.server)[0]
        problem = host_problem(self.headers.get_all("Host") or [], self.path,
                               self.request_version, bound)
        if problem is None:
            return True
        self.send_text(*problem)
        return False

    def send_text(self, status: HTTPStatus, text: str,
                  headers: dict[str, str] | None = None) -> None:
        """A short plain-text answer that ends the connection."""
        body = f"{status.value} {status.phrase}: {text}\n".encode()
        self.close_connection = True
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", CONTENT_TYPES[".txt"])
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self) -> None:
        if self.reload and urlsplit(self.path).path == EVENTS_PATH:
            return self.send_events()
        return super().do_GET()

    def send_head(self) -> io.BytesIO | BinaryIO | None:
        if self.reload and urlsplit(self.path).path == SCRIPT_PATH:
            return self.send_bytes(SCRIPT.encode(), CONTENT_TYPES[".js"])
        kind = self._kind()
        if kind == "missing":
            self.send_not_found()
            return None
        if kind == "folder":
            return super().send_head()  # a folder without '/' is redirected to the '/' form
        path = self.translate_path(self.path)
        file = Path(path, "index.html") if kind == "index" else Path(path)
        if self.reload and self.guess_type(str(file)).startswith("text/html"):
            return self.send_page(file)
        return super().send_head()

    def _kind(self) -> str:
        """'index', 'folder', 'file' or 'missing': undecodable, NUL, too long all 404."""
        try:
            path = self.translate_path(self.path)
            if path.endswith("/") and Path(path, "index.html").is_file():
                return "index"
            if path and Path(path).is_dir():
                return "folder"
            if path.endswith("/"):  # a file asked for as a folder
                return "missing"
            return "file" if path and Path(path).is_file() else "missing"
        except (UnicodeDecodeError, ValueError, OSError):
            return "missing"

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        """Errors before a request is understood: read what the client still sends, so that
        closing does not reset the connection before the client has read the status."""
        self._drain = True
        super().send_error(code, message, explain)

    def finish(self) -> None:
        super().finish()
        if getattr(self, "_drain", False):
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_WR)
                self.connection.settimeout(DRAIN_SECONDS)
                for _ in range(DRAIN_READS):
                    if not self.connection.recv(65536):
                        break

    def send_page(self, file: Path) -> io.BytesIO | None:
        """An HTML file with the reload script (the file itself is left as it is)."""
        assert self.reload is not None
        token = self.reload.state.token  # before reading: a newer build means a reload
        try:
            body = file.read_bytes()
        except OSError:  # swapped away meanwhile
            self.send_not_found()
            return None
        return self.send_bytes(inject(body, token), CONTENT_TYPES[".html"])

    def send_bytes(self, body: bytes, content_type: str,
                   status: HTTPStatus = HTTPStatus.OK) -> io.BytesIO:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def send_events(self) -> None:
        """The build-event stream: the current state now, then every change (503 when
        every stream place is taken)."""
        assert self.reload is not None
        self.close_connection = True
        with self.reload.stream_slot() as granted:
            if not granted:
                return self.send_text(HTTPStatus.SERVICE_UNAVAILABLE,
                                      "too many live-reload streams are open",
                                      {"Retry-After": str(RETRY_AFTER)})
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            state = self.reload.state
            with contextlib.suppress(OSError):  # the page went away
                self.wfile.write(b"retry: 1000\n\n" + event(state))
                while not self.reload.closed:
                    new = self.reload.wait(state.serial, KEEPALIVE)
                    self.wfile.write(b": idle\n\n" if new.serial == state.serial
                                     else event(new, live=new.serial == state.serial + 1))
                    state = new
        return None

    def end_headers(self) -> None:
        if self.reload:  # watch mode: always ask again, pages and assets change
            self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        return self.send_not_found()

    def send_not_found(self) -> None:
        page = self.root / "404.html"
        body = page.read_bytes() if page.is_file() else b"Not found\n"
        if self.reload:
            body = inject(body, self.reload.state.token)
        self.send_response(HTTPStatus.NOT_FOUND)
        self.send_header("Content-Type", CONTENT_TYPES[".html"])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return None

    def log_message(self, format: str, *args: object) -> None:
        if self.verbose:
            super().log_message(format, *args)


def make_server(root: Path, host: str = "127.0.0.1", port: int = 0, prefix: str = "",
                verbose: bool = False, reload: Broadcaster | None = None,
                max_connections: int = MAX_CONNECTIONS) -> BoundedServer:
    """A server for ``root`` bound to a loopback address (port 0: any free port), with at
    most ``max_connections`` connections served at once.

    ``root`` is resolved per request (it may be a symlink a build repoints).
    """
    if not is_loopback_name(host.lower()):
        raise ValueError(f"refusing to serve on {host!r}: the preview binds loopback only")
    handler = partial(PreviewHandler, root=Path(os.path.abspath(root)), prefix=prefix.rstrip("/"),
                      verbose=verbose, reload=reload)
    return BoundedServer((host, port), handler, max_connections)


def bound_address(server: socketserver.BaseServer) -> tuple[str, int]:
    """The host and port an internet server listens on (``server_address`` is typed for
    every address family)."""
    address = server.server_address
    if not isinstance(address, tuple):
        raise TypeError(f"not an internet address: {address!r}")
    host, port = address[:2]
    return (host.decode() if isinstance(host, (bytes, bytearray)) else str(host)), int(port)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind")
    parser.add_argument("--port", type=NumberOption(int, PORT), default=8000,
                        help="port (0: any free port)")
    parser.add_argument("--watch", action="store_true",
                        help="rebuild on every save and reload open pages")
    parser.add_argument("--published-only", action="store_true",
                        help="with --watch: leave out scheduled and expired articles "
                        "(by default the preview shows them)")


def main(args: argparse.Namespace) -> int:
    if args.watch:
        from pipeline.core import clock
        from pipeline.preview.watch import main as watch_main

        clock.set_previews(not args.published_only, not args.published_only)

        return watch_main(args)
    settings = load_settings(args.root, args.config)
    output = settings.path("output")
    if not (output / "index.html").is_file():
        print(f"{output} has no index.html: run 'seo-pipeline bundles' first", file=sys.stderr)
        return 2
    try:
        server = make_server(output, args.host, args.port,
                             prefix=urlsplit(settings.base_url).path, verbose=True)
    except (ValueError, OSError) as exc:
        print(f"cannot serve: {exc}", file=sys.stderr)
        return 2
    host, port = bound_address(server)
    print(f"serving {output} at http://{host}:{port}/ (Ctrl+C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
