"""Real HTTP servers on 127.0.0.1 for the submit tests: a generic recorder, a static
file server for the site output, and the IndexNow and Google protocol servers."""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import requests
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa


@dataclass(frozen=True)
class Seen:
    """One request as the server received it (``path`` raw, still percent-encoded)."""

    method: str
    path: str
    headers: Message
    body: bytes


Reply = tuple[int, dict[str, str], bytes]
Handler = Callable[[Seen], Reply]


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 that records every request."""

    def __init__(self, handler: Handler):
        self.handler = handler
        self.log: list[Seen] = []
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                seen = Seen(self.command, self.path, self.headers, self.rfile.read(length))
                outer.log.append(seen)
                status, headers, body = outer.handler(seen)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = _serve  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> LoopbackServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def static_server(root: Path) -> ThreadingHTTPServer:
    """Serve ``root`` (the site output) on 127.0.0.1; started in a daemon thread."""

    class _Static(SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any):
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Static)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def _json(status: int, data: Any, headers: dict[str, str] | None = None) -> Reply:
    return status, {"Content-Type": "application/json", **(headers or {})}, \
        json.dumps(data).encode()


@dataclass
class IndexNowEngine:
    """The IndexNow protocol's request checks, in the order an engine applies them.

    ``verify``: fetch ``keyLocation`` now and compare it with the key (200 or 403);
    when False the engine answers 202 (key validation pending). ``queue``: statuses
    (with an optional Retry-After) answered first, one per request.
    """

    verify: bool = True
    queue: list[tuple[int, str | None]] = field(default_factory=list)
    batches: list[list[str]] = field(default_factory=list)

    def __call__(self, seen: Seen) -> Reply:
        if seen.method != "POST" or urlsplit(seen.path).path != "/indexnow":
            return 404, {}, b""
        if seen.headers.get("Content-Type") != "application/json; charset=utf-8":
            return 400, {}, b"content type"
        if self.queue:
            status, retry_after = self.queue.pop(0)
            return status, {"Retry-After": retry_after} if retry_after else {}, b""
        try:
            data = json.loads(seen.body.decode("utf-8"))
            host, key, location, urls = (data["host"], data["key"], data["keyLocation"],
                                         data["urlList"])
        except (UnicodeDecodeError, ValueError, KeyError, TypeError):
            return 400, {}, b"invalid format"
        if not isinstance(urls, list) or not 1 <= len(urls) <= 10_000:
            return 400, {}, b"urlList must hold 1-10000 URLs"
        if not (8 <= len(key) <= 128 and all(c.isascii() and (c.isalnum() or c == "-")
                                              for c in key)):
            return 422, {}, b"key does not match the schema"
        if any(urlsplit(u).hostname != host for u in [*urls, location]):
            return 422, {}, b"URLs do not belong to the host"
        if not self.verify:
            self.batches.append(urls)
            return 202, {}, b""
        try:
            found = requests.get(location, timeout=5)
        except requests.RequestException:
            return 403, {}, b"key file not reachable"
        if found.status_code != 200 or found.text.strip() != key:
            return 403, {}, b"key not valid"
        self.batches.append(urls)
        return 200, {}, b""


# Google's token endpoint wants this audience in the assertion, wherever it is served.
GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class GoogleApis:
    """A token endpoint (JWT bearer grant, RS256 checked with the public key) and the
    Search Console ``sitemaps.submit`` method (bearer token and path checked)."""

    public_key: rsa.RSAPublicKey
    client_email: str
    property_url: str  # the one Search Console property the account may manage
    allowed: bool = True
    tokens: set[str] = field(default_factory=set)
    submitted: list[tuple[str, str]] = field(default_factory=list)

    def __call__(self, seen: Seen) -> Reply:
        if seen.method == "POST" and seen.path == "/token":
            return self.token(seen)
        if seen.method == "PUT" and seen.path.startswith("/webmasters/v3/sites/"):
            return self.submit(seen)
        return 404, {}, b""

    def token(self, seen: Seen) -> Reply:
        if not (seen.headers.get("Content-Type") or "").startswith(
                "application/x-www-form-urlencoded"):
            return _json(400, {"error": "invalid_request"})
        form = {k: v[0] for k, v in parse_qs(seen.body.decode()).items()}
        if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return _json(400, {"error": "unsupported_grant_type"})
        problem = self.check_assertion(form.get("assertion", ""))
        if problem:
            return _json(400, {"error": "invalid_grant", "error_description": problem})
        token = "ya29.test-" + secrets.token_urlsafe(24)
        self.tokens.add(token)
        return _json(200, {"access_token": token, "expires_in": 3600, "token_type": "Bearer"})

    def check_assertion(self, assertion: str) -> str:
        try:
            head, claims, signature = assertion.split(".")
            header = json.loads(unb64url(head))
            payload = json.loads(unb64url(claims))
        except ValueError:
            return "malformed JWT"
        if header.get("alg") != "RS256":
            return "alg must be RS256"
        try:
            self.public_key.verify(unb64url(signature), f"{head}.{claims}".encode(),
                                   padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            return "Invalid JWT Signature."
        now = time.time()
        if payload.get("iss") != self.client_email:
            return "wrong issuer"
        if payload.get("aud") != GOOGLE_TOKEN_AUDIENCE:
            return "wrong audience"
        if "https://www.googleapis.com/auth/webmasters" not in payload.get("scope", "").split():
            return "missing scope"
        if not payload.get("iat", 0) - 300 <= now <= payload.get("exp", 0):
            return "expired"
        return ""

    def submit(self, seen: Seen) -> Reply:
        auth = seen.headers.get("Authorization") or ""
        if not auth.startswith("Bearer ") or auth[7:] not in self.tokens:
            return _json(401, {"error": {"code": 401, "message": "Invalid Credentials"}})
        parts = seen.path.split("/")
        if len(parts) != 7 or parts[5] != "sitemaps" or seen.body:
            return _json(400, {"error": {"code": 400, "message": "bad request"}})
        site, feed = unquote(parts[4]), unquote(parts[6])
        if site != self.property_url:
            return _json(404, {"error": {"code": 404, "message": "Not Found"}})
        if not self.allowed:
            return _json(403, {"error": {"code": 403, "message": "User does not have "
                                         "sufficient permission for site."}})
        if not feed.startswith(site):
            return _json(400, {"error": {"code": 400, "message": "sitemap outside site"}})
        self.submitted.append((site, feed))
        return 204, {}, b""
