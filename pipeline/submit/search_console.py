"""Search Console API ``sitemaps.submit`` for the sitemap index.

``PUT {endpoint}/sites/{siteUrl}/sitemaps/{feedpath}`` (both URL-encoded as one path
segment each) with a bearer token that google-auth obtains from a service-account key:
the JSON key file's path is read from the environment variable named by
``submit.credentials_env``. Neither the key nor the token is ever printed or logged:
messages name the variable, never its value or the file's content.

The token is fetched once with ``credentials.refresh`` and applied to one plain
``requests`` call, rather than through ``AuthorizedSession``: that session also starts
background look-ups at fixed Google hosts after each refresh, which would ignore the
configured endpoints (and leave the loopback in tests).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import google.auth.exceptions
import requests
from google.auth.transport.requests import Request
from google.oauth2 import service_account

from pipeline.core.safe_read import read_regular
from pipeline.core.settings import Settings
from pipeline.core.urls import encode_segment, site_url
from pipeline.sitemaps.model import INDEX_NAME
from pipeline.submit.redact import redact
from pipeline.submit.retry import RetryPolicy, Sleep, send

SCOPE = "https://www.googleapis.com/auth/webmasters"
MAX_KEY_FILE_BYTES = 64 * 1024  # a service-account key is about 2.4 kB
MAX_ERROR_BODY = 64 * 1024  # larger error bodies are not parsed for a message
SITEMAP_INDEX = INDEX_NAME  # written by the sitemaps stage


@dataclass(frozen=True)
class Result:
    ok: bool
    status: int | None
    message: str
    hint: str = ""


def property_url(settings: Settings) -> str:
    """The Search Console property: ``submit.search_console_site`` or ``<base_url>/``."""
    return settings.submit.search_console_site or settings.base_url + "/"


def feed_url(settings: Settings) -> str:
    return site_url(settings, "/" + SITEMAP_INDEX)


def request_url(settings: Settings) -> str:
    endpoint = settings.submit.search_console_endpoint.rstrip("/")
    return (f"{endpoint}/sites/{encode_segment(property_url(settings))}"
            f"/sitemaps/{encode_segment(feed_url(settings))}")


def load_credentials(path: str, token_uri: str
                     ) -> tuple[service_account.Credentials | None, str]:
    """Service-account credentials from a key file, or ``(None, problem)``.

    Problems name the kind of failure only, never the file's content.
    """
    try:
        raw = read_regular(path, MAX_KEY_FILE_BYTES)
    except OSError as exc:
        return None, f"cannot read the key file ({type(exc).__name__}: {exc.strerror})"
    if isinstance(raw, str):
        return None, f"the key file is {raw}, not a regular file"
    if len(raw) > MAX_KEY_FILE_BYTES:
        return None, f"the key file is over {MAX_KEY_FILE_BYTES:,} bytes; a key is about 2,400"
    try:
        info = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        return None, f"the key file is not JSON ({type(exc).__name__})"
    if not isinstance(info, dict) or info.get("type") != "service_account":
        return None, "the key file is not a service-account key (\"type\" must be " \
                     "\"service_account\")"
    if token_uri:
        info = {**info, "token_uri": token_uri}
    try:
        credentials = service_account.Credentials.from_service_account_info(
            info, scopes=[SCOPE])
    except (google.auth.exceptions.GoogleAuthError, ValueError, KeyError, TypeError) as exc:
        missing = f": {exc}" if isinstance(exc, ValueError) and "missing" in str(exc) else ""
        return None, f"the service-account key is not usable ({type(exc).__name__}{missing})"
    if problem := _signing_problem(credentials):
        return None, problem
    return credentials, ""


def _signing_problem(credentials: service_account.Credentials) -> str:
    """Sign a probe now, so that an unsupported key type (EC, DSA, a broken key) is an error
    of the dry run too, not a traceback when the token is requested."""
    try:
        credentials.signer.sign(b"seo-pipeline key check")
    except Exception as exc:  # noqa: BLE001 - any failure means the key cannot sign RS256
        return (f"the private key cannot sign RS256 tokens ({type(exc).__name__}); "
                "Google service-account keys are RSA")
    return ""


def submit(settings: Settings, credentials: service_account.Credentials, session: requests.Session,
           policy: RetryPolicy, sleep: Sleep) -> Result:
    """Get a token (google-auth), then PUT the sitemap index; retry 429 and 5xx."""
    timeout = settings.submit.timeout
    try:
        credentials.refresh(Request(session))
    except google.auth.exceptions.GoogleAuthError as exc:
        return Result(False, None, f"could not get an access token: {_auth_error(exc)}",
                      "check the service account key and submit.token_uri")
    headers: dict[str, str] = {}
    credentials.apply(headers)
    url = request_url(settings)
    outcome = send(lambda: session.put(url, headers=headers, timeout=timeout), policy, sleep)
    response = outcome.response
    known = [str(credentials.token or "")]
    if response is None:
        return Result(False, None, f"no answer from the Search Console API after "
                      f"{outcome.attempts} attempt(s): {redact(outcome.error, known)}",
                      "check submit.search_console_endpoint and the network")
    return interpret(settings, response.status_code, _api_message(response, known),
                     outcome.note)


def interpret(settings: Settings, status: int, detail: str, note: str = "") -> Result:
    site, feed = property_url(settings), feed_url(settings)
    extra = f": {detail}" if detail else ""
    extra += f" ({note})" if note else ""
    if 200 <= status < 300:
        return Result(True, status, f"sitemap index {feed} submitted for {site}")
    known = {
        400: ("bad request", "the sitemap URL must belong to the property"),
        401: ("the access token was refused", "check the service account key"),
        403: (f"the service account may not manage {site}",
              "add the service account's e-mail as an owner of the property in "
              "Search Console"),
        404: (f"no Search Console property {site}",
              "set submit.search_console_site to the property as Search Console shows "
              "it, e.g. 'https://example.org/' or 'sc-domain:example.org'"),
        429: ("too many requests", "try again later"),
    }
    what, hint = known.get(status, ("server error" if status >= 500 else "unexpected answer",
                                    "try again later"))
    return Result(False, status, f"{status}: {what}{extra}", hint)


def _api_message(response: requests.Response, known: list[str]) -> str:
    """The API's own error message, if the body is the usual JSON error (short, redacted)."""
    if len(response.content) > MAX_ERROR_BODY:
        return ""
    try:
        error = response.json().get("error", {})
    except (ValueError, AttributeError, RecursionError):
        return ""
    message = error.get("message", "") if isinstance(error, dict) else ""
    return redact(str(message)[:1000], known)[:200]


def _auth_error(exc: Exception) -> str:
    """The first argument of a google-auth error (its summary), shortened and redacted."""
    first = exc.args[0] if exc.args else ""
    return f"{type(exc).__name__}: {redact(str(first)[:1000])[:200]}"
