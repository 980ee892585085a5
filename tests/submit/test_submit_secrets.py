"""Secrets: remote error text is redacted, the key file is read safely, bad keys fail early."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import ec

from pipeline.submit import indexnow
from pipeline.submit.redact import MASK, redact
from pipeline.submit.retry import Outcome

from .servers import GoogleApis, LoopbackServer, _json, new_rsa_key
from .test_submit_search_console import BASE, EMAIL, VAR, service_account_file, setup

TOKEN = "ya29.a0AfH6SMBx-secret-token-value"
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJhQGIuYyJ9.c2lnbmF0dXJlLXZhbHVl"


@pytest.mark.parametrize(("text", "secret"), [
    (f"Authorization: Bearer {TOKEN}", TOKEN),
    ("authorization=Basic dXNlcjpwYXNz", "dXNlcjpwYXNz"),
    (f"bad token {TOKEN} here", TOKEN),
    ("Bearer abc.def-ghi_jkl", "abc.def-ghi_jkl"),
    (f"invalid assertion {JWT}", JWT),
    ('{"access_token": "s3cr3t-value", "x": 1}', "s3cr3t-value"),
    ("'private_key': '-----BEGIN PRIVATE KEY-----\\nMIIEv...'", "MIIEv"),
    ("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----", "MIIEow"),
    ("url: /indexnow?key=0123456789abcdef&url=x", "0123456789abcdef"),
    ("client_secret=GOCSPX-abcdef; next", "GOCSPX-abcdef"),
    ("password: hunter22", "hunter22"),
])
def test_redact_masks_secrets(text: str, secret: str) -> None:
    out = redact(text)
    assert secret not in out and MASK in out


def test_redact_known_values_control_characters_and_length() -> None:
    assert redact("the key is abcdef123456", known=["abcdef123456"]) == f"the key is {MASK}"
    assert redact("red\x1b[31m alert\x07\r\nnext") == "red[31m alert  next"
    assert len(redact("x" * 5000)) == 300
    assert redact("Invalid JWT Signature.") == "Invalid JWT Signature."


def test_indexnow_reason_phrase_is_redacted() -> None:
    response = requests.Response()
    response.status_code, response.reason = 400, f"Bad key=deadbeefcafe Bearer {TOKEN}"
    result = indexnow.interpret(Outcome(response, 1))
    assert TOKEN not in result.message and "deadbeefcafe" not in result.message


def test_transport_error_text_is_redacted(sandbox, capsys) -> None:
    sandbox.write(indexnow_key="0123456789abcdef0123",
                  indexnow_endpoint="http://127.0.0.1:9/indexnow?key=0123456789abcdef0123",
                  retries=0)
    assert sandbox.cli("submit", "--yes") == 1
    out = capsys.readouterr().out
    report = json.dumps(sandbox.report)
    assert "ConnectionError" in out
    assert "?key=0123456789abcdef0123 " not in out and "key=[redacted]" in out
    assert "key=0123456789abcdef0123&" not in report


def test_token_endpoint_echoing_secrets_is_redacted(sandbox, monkeypatch, tmp_path, capsys):
    key = new_rsa_key()

    def echo(seen):  # type: ignore[no-untyped-def]
        form = seen.body.decode()
        return _json(400, {"error": "invalid_grant", "error_description":
                           f"rejected {form} with Authorization: Bearer {TOKEN}"})

    with LoopbackServer(echo) as server:
        setup(sandbox, server, key, monkeypatch, tmp_path)
        assert sandbox.cli("submit", "--yes") == 1
    out = capsys.readouterr().out
    report = json.dumps(sandbox.report)
    assert "could not get an access token" in out
    for text in (out, report):
        assert TOKEN not in text and "eyJ" not in text


def test_api_error_echoing_the_bearer_token_is_redacted(sandbox, monkeypatch, tmp_path,
                                                         capsys):
    key = new_rsa_key()
    apis = GoogleApis(key.public_key(), EMAIL, BASE + "/")

    def leaky(seen):  # type: ignore[no-untyped-def]
        if seen.method == "PUT":
            return _json(403, {"error": {"code": 403, "message":
                                         f"denied for {seen.headers.get('Authorization')}"}})
        return apis(seen)

    with LoopbackServer(leaky) as server:
        setup(sandbox, server, key, monkeypatch, tmp_path)
        assert sandbox.cli("submit", "--yes") == 1
    out = capsys.readouterr().out + json.dumps(sandbox.report)
    assert apis.tokens and "denied for" in out
    assert all(token not in out for token in apis.tokens)


def _point_at(sandbox, monkeypatch, path: Path) -> None:  # type: ignore[no-untyped-def]
    sandbox.write(credentials_env=VAR)
    monkeypatch.setenv(VAR, str(path))


def test_key_file_that_is_a_fifo_is_refused_without_blocking(sandbox, monkeypatch, tmp_path,
                                                            capsys):
    fifo = tmp_path / "key.json"
    os.mkfifo(fifo)
    _point_at(sandbox, monkeypatch, fifo)
    box: list[int] = []
    thread = threading.Thread(target=lambda: box.append(sandbox.cli("submit")), daemon=True)
    thread.start()
    thread.join(10)
    assert box == [1], "submit blocked on a FIFO"
    assert "not a regular file" in capsys.readouterr().out


@pytest.mark.parametrize("target", ["/dev/zero", "folder", "huge"])
def test_key_file_must_be_a_small_regular_file(sandbox, monkeypatch, tmp_path, capsys,
                                               target: str) -> None:
    path = Path(target)
    if target == "folder":
        path = tmp_path / "keys"
        path.mkdir()
    elif target == "huge":
        path = tmp_path / "huge.json"
        path.write_text('{"type": "service_account", "x": "' + "a" * 100_000 + '"}')
    _point_at(sandbox, monkeypatch, path)
    assert sandbox.cli("submit") == 1
    out = capsys.readouterr().out
    assert "SUB103" in out and ("not a regular file" in out or "over 65,536 bytes" in out)


def test_unsupported_key_type_is_an_error_in_the_dry_run(sandbox, monkeypatch, tmp_path,
                                                         capsys) -> None:
    path, _ = service_account_file(tmp_path, ec.generate_private_key(ec.SECP256R1()))
    _point_at(sandbox, monkeypatch, path)
    assert sandbox.cli("submit") == 1  # the dry run: nothing sent, the key still checked
    out = capsys.readouterr().out
    assert "SUB103" in out and "cannot sign RS256" in out and "Traceback" not in out
