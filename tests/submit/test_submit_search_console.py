"""Search Console ``sitemaps.submit`` with a test service-account key against a local
token endpoint (JWT signature checked with the public key) and a local API."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives import serialization

from .servers import GoogleApis, LoopbackServer, new_rsa_key
from .sitetree import Sandbox

EMAIL = "submitter@test-project.iam.gserviceaccount.com"
KEY_ID = "3f1c0ffee5ca1ab1e0ddba11ad0be5eed0decade"
BASE = "https://o9medical.com"
VAR = "SUBMIT_TEST_CREDENTIALS"


def service_account_file(directory: Path, key) -> tuple[Path, str]:  # type: ignore[no-untyped-def]
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    info = {"type": "service_account", "project_id": "test-project",
            "private_key_id": KEY_ID, "private_key": pem, "client_email": EMAIL,
            "client_id": "1234567890", "token_uri": "https://oauth2.googleapis.com/token"}
    path = directory / "service-account.json"
    path.write_text(json.dumps(info), encoding="utf-8")
    return path, pem


@pytest.fixture
def key():  # type: ignore[no-untyped-def]
    return new_rsa_key()


def setup(sandbox: Sandbox, server: LoopbackServer, key, monkeypatch,  # type: ignore[no-untyped-def]
          tmp_path: Path, **extra: object) -> str:
    sandbox.write(base_url=BASE, credentials_env=VAR, token_uri=server.url + "/token",
                  search_console_endpoint=server.url + "/webmasters/v3", retry_backoff=0.0,
                  **extra)
    (sandbox.root / "dist").mkdir(exist_ok=True)
    (sandbox.root / "dist" / "sitemap_index.xml").write_text("<sitemapindex/>")
    path, pem = service_account_file(tmp_path, key)
    monkeypatch.setenv(VAR, str(path))
    return pem


def secrets_in(text: str, pem: str, apis: GoogleApis) -> list[str]:
    body = "".join(pem.strip().splitlines()[1:-1])
    found = [s for s in (body[:40], body[-40:], KEY_ID, *apis.tokens) if s and s in text]
    return found


def test_sitemap_index_submitted_and_no_secret_printed(sandbox, key, monkeypatch, tmp_path,
                                                       capsys, caplog):
    caplog.set_level(logging.DEBUG)
    apis = GoogleApis(key.public_key(), EMAIL, BASE + "/")
    with LoopbackServer(apis) as server:
        pem = setup(sandbox, server, key, monkeypatch, tmp_path)
        assert sandbox.cli("submit", "--yes") == 0
    assert apis.submitted == [(BASE + "/", BASE + "/sitemap_index.xml")]
    put = [s for s in server.log if s.method == "PUT"][0]
    assert put.path == ("/webmasters/v3/sites/" + quote(BASE + "/", safe="") + "/sitemaps/"
                        + quote(BASE + "/sitemap_index.xml", safe=""))
    assert [s.method for s in server.log] == ["POST", "PUT"]
    captured = capsys.readouterr()
    assert "submitted" in captured.out
    report = (sandbox.root / "reports" / "submit.json").read_text(encoding="utf-8")
    logs = "\n".join(r.getMessage() for r in caplog.records)
    assert apis.tokens  # a token was issued, and it must not show anywhere
    for text in (captured.out, captured.err, report, logs):
        assert secrets_in(text, pem, apis) == []


def test_dry_run_shows_the_put_and_sends_nothing(sandbox, key, monkeypatch, tmp_path, capsys):
    apis = GoogleApis(key.public_key(), EMAIL, BASE + "/")
    with LoopbackServer(apis) as server:
        pem = setup(sandbox, server, key, monkeypatch, tmp_path)
        assert sandbox.cli("submit") == 0
    assert server.log == []
    out = capsys.readouterr().out
    assert (f"PUT {server.url}/webmasters/v3/sites/https%3A%2F%2Fo9medical.com%2F/sitemaps/"
            "https%3A%2F%2Fo9medical.com%2Fsitemap_index.xml") in out
    assert f"Bearer <access token for the key in ${VAR}>" in out
    assert secrets_in(out, pem, apis) == []


def test_property_can_be_a_domain_property(sandbox, key, monkeypatch, tmp_path):
    apis = GoogleApis(key.public_key(), EMAIL, "sc-domain:o9medical.com")
    with LoopbackServer(apis) as server:
        setup(sandbox, server, key, monkeypatch, tmp_path,
              search_console_site="sc-domain:o9medical.com")
        apis.property_url = "sc-domain:o9medical.com"
        sandbox.cli("submit", "--yes")
    put = [s for s in server.log if s.method == "PUT"][0]
    assert put.path.startswith("/webmasters/v3/sites/sc-domain%3Ao9medical.com/sitemaps/")


def test_account_without_permission_gets_a_clear_error(sandbox, key, monkeypatch, tmp_path,
                                                       capsys):
    apis = GoogleApis(key.public_key(), EMAIL, BASE + "/", allowed=False)
    with LoopbackServer(apis) as server:
        setup(sandbox, server, key, monkeypatch, tmp_path)
        assert sandbox.cli("submit", "--yes") == 1
    out = capsys.readouterr().out
    assert "SUB104" in out and "403" in out and "owner of the property" in out


def test_unknown_property_is_a_404_with_a_hint(sandbox, key, monkeypatch, tmp_path, capsys):
    apis = GoogleApis(key.public_key(), EMAIL, "https://www.o9medical.com/")
    with LoopbackServer(apis) as server:
        setup(sandbox, server, key, monkeypatch, tmp_path)
        assert sandbox.cli("submit", "--yes") == 1
    assert "no Search Console property https://o9medical.com/" in capsys.readouterr().out


def test_token_endpoint_refuses_a_key_it_does_not_know(sandbox, key, monkeypatch, tmp_path,
                                                       capsys):
    apis = GoogleApis(new_rsa_key().public_key(), EMAIL, BASE + "/")  # another key pair
    with LoopbackServer(apis) as server:
        pem = setup(sandbox, server, key, monkeypatch, tmp_path)
        assert sandbox.cli("submit", "--yes") == 1
    assert [s.method for s in server.log] == ["POST"]  # no PUT without a token
    out = capsys.readouterr().out
    assert "could not get an access token" in out and "Invalid JWT Signature" in out
    assert secrets_in(out, pem, apis) == []


def test_5xx_is_retried(sandbox, key, monkeypatch, tmp_path):
    apis = GoogleApis(key.public_key(), EMAIL, BASE + "/")
    failures = [503]

    def flaky(seen):  # type: ignore[no-untyped-def]
        if seen.method == "PUT" and failures:
            return failures.pop(), {}, b""
        return apis(seen)

    with LoopbackServer(flaky) as server:
        setup(sandbox, server, key, monkeypatch, tmp_path)
        assert sandbox.cli("submit", "--yes") == 0
    assert [s.method for s in server.log] == ["POST", "PUT", "PUT"]


@pytest.mark.parametrize("content, expected", [
    (None, "cannot read the key file"),
    ("{not json", "not JSON"),
    ('{"type": "authorized_user"}', "not a service-account key"),
    ('{"type": "service_account", "client_email": "a@b"}', "not usable"),
])
def test_bad_credentials_are_reported_without_their_content(sandbox, monkeypatch, tmp_path,
                                                            capsys, content, expected):
    sandbox.write(credentials_env=VAR)
    path = tmp_path / "key.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    monkeypatch.setenv(VAR, str(path))
    assert sandbox.cli("submit") == 1
    out = capsys.readouterr().out
    assert "SUB103" in out and expected in out
    assert "a@b" not in out


def test_unset_variable_skips_search_console(sandbox, capsys):
    sandbox.write(credentials_env=VAR)
    assert sandbox.cli("submit", "--yes") == 0
    assert f"Search Console skipped: ${VAR} is not set" in capsys.readouterr().out
