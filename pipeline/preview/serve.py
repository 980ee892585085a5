"""Preview server: the output folder over HTTP on the loopback interface only.

Request paths are percent-decoded as UTF-8 (``/ar/%D8%AD%D9%82%D9%86/`` finds the
folder ``dist/ar/حقن/``), folders serve their ``index.html``, text types carry
``charset=utf-8``, unknown paths get ``404.html`` with status 404, and nothing outside
the output folder is reachable. ``base_url``'s path, when it has one, is the prefix.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import socket
import sys
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pipeline.core.fsutil import OutputPathError, safe_join
from pipeline.core.settings import load_settings

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
    """Static files from ``root``; quiet unless ``verbose``."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **CONTENT_TYPES}
    default_request_version = "HTTP/1.0"  # answer malformed lines with a status line, not 0.9

    def __init__(self, *args, root: Path, prefix: str = "", verbose: bool = False,
                 **kwargs):  # type: ignore[no-untyped-def]
        self.root, self.prefix, self.verbose = root, prefix, verbose
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

    def send_head(self):  # type: ignore[no-untyped-def]
        kind = self._kind()
        if kind == "missing":
            return self.send_not_found()
        return super().send_head()  # a folder without '/' is redirected to the '/' form

    def _kind(self) -> str:
        """'index', 'folder', 'file' or 'missing': undecodable, NUL, too long all 404."""
        try:
            path = self.translate_path(self.path)
            if path.endswith("/") and Path(path, "index.html").is_file():
                return "index"
            if path and Path(path).is_dir():
                return "folder"
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

    def list_directory(self, path):  # type: ignore[no-untyped-def]
        return self.send_not_found()

    def send_not_found(self):  # type: ignore[no-untyped-def]
        page = self.root / "404.html"
        body = page.read_bytes() if page.is_file() else b"Not found\n"
        self.send_response(HTTPStatus.NOT_FOUND)
        self.send_header("Content-Type", CONTENT_TYPES[".html"])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return None

    def log_message(self, format: str, *args) -> None:  # type: ignore[no-untyped-def]
        if self.verbose:
            super().log_message(format, *args)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def make_server(root: Path, host: str = "127.0.0.1", port: int = 0, prefix: str = "",
                verbose: bool = False) -> ThreadingHTTPServer:
    """A server for ``root`` bound to a loopback address (port 0: any free port)."""
    if not is_loopback(host):
        raise ValueError(f"refusing to serve on {host!r}: the preview binds loopback only")
    handler = partial(PreviewHandler, root=root.resolve(), prefix=prefix.rstrip("/"),
                      verbose=verbose)
    return ThreadingHTTPServer((host, port), handler)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind")
    parser.add_argument("--port", type=int, default=8000, help="port (0: any free port)")


def main(args: argparse.Namespace) -> int:
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
    host, port = server.server_address[:2]
    print(f"serving {output} at http://{host}:{port}/ (Ctrl+C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
