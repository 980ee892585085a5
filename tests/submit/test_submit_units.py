"""Pure parts of the submit stage: pending/record, Retry-After, keys, the key tool."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime

import pytest

from pipeline.core.settings import load_settings
from pipeline.core.urls import encode_segment
from pipeline.submit import indexnow
from pipeline.submit.retry import retry_after
from pipeline.submit.state import Entry, load_state, pending, record

BASE = "https://o9medical.com/"


def test_pending_holds_new_changed_and_removed_urls_only():
    current = [Entry(BASE + "a/", "1"), Entry(BASE + "b/", "2"), Entry(BASE + "c/", "3")]
    announced = {BASE + "a/": "1", BASE + "b/": "old", BASE + "gone/": "1",
                 "https://old-domain.example/x/": "1"}
    todo = pending(current, announced, BASE)
    assert todo == [Entry(BASE + "b/", "2"), Entry(BASE + "c/", "3"), Entry(BASE + "gone/", None)]
    after = record(announced, todo)
    assert after == {BASE + "a/": "1", BASE + "b/": "2", BASE + "c/": "3",
                     "https://old-domain.example/x/": "1"}
    assert pending(current, after, BASE) == []


@pytest.mark.parametrize("text", ["{broken", '{"schema": "other"}',
                                  '{"schema": "seo-pipeline/submit-state/1", "indexnow": []}'])
def test_a_damaged_state_file_counts_as_empty_with_a_reason(tmp_path, text):
    path = tmp_path / "submit-state.json"
    path.write_text(text, encoding="utf-8")
    state, problem = load_state(path)
    assert state["indexnow"] == {} and problem


def test_retry_after_in_seconds_and_as_an_http_date():
    now = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)
    assert retry_after("120", now) == 120.0
    assert retry_after("Mon, 23 Nov 2026 12:00:30 GMT", now) == 30.0
    assert retry_after("Mon, 23 Nov 2026 11:00:00 GMT", now) == 0.0
    assert retry_after("soon", now) is None
    assert retry_after(None, now) is None


@pytest.mark.parametrize("key, ok", [("abcd1234", True), ("A-b-C-0-9" * 14, True),
                                     ("abc123", False), ("a" * 129, False),
                                     ("abc_1234", False), ("ключ1234", False)])
def test_key_rules_of_the_protocol(key, ok):
    assert (indexnow.key_problem(key) == "") is ok


def test_generated_keys_follow_the_protocol():
    keys = {indexnow.new_key() for _ in range(20)}
    assert len(keys) == 20 and all(indexnow.key_problem(k) == "" for k in keys)


def test_a_url_as_one_path_segment_keeps_no_escape():
    assert encode_segment("https://x.org/%D8%A7/?a=1") == \
        "https%3A%2F%2Fx.org%2F%25D8%25A7%2F%3Fa%3D1"


def test_indexnow_key_tool_records_the_key_and_writes_the_key_file(sandbox, capsys):
    sandbox.write()
    original = (sandbox.root / "site.toml").read_text(encoding="utf-8")
    assert sandbox.cli("indexnow-key") == 0
    text = (sandbox.root / "site.toml").read_text(encoding="utf-8")
    key = tomllib.loads(text)["submit"]["indexnow_key"]
    assert indexnow.key_problem(key) == ""
    assert text.startswith("# Test site") and original.split("[submit]")[0] in text
    assert (sandbox.root / "dist" / f"{key}.txt").read_text(encoding="utf-8") == key
    assert f"https://o9medical.com/{key}.txt" in capsys.readouterr().out

    (sandbox.root / "dist" / f"{key}.txt").unlink()
    assert sandbox.cli("indexnow-key") == 0  # same key, file written again
    assert load_settings(sandbox.root).submit.indexnow_key == key
    assert (sandbox.root / "dist" / f"{key}.txt").is_file()

    assert sandbox.cli("indexnow-key", "--new") == 0
    rotated = load_settings(sandbox.root).submit.indexnow_key
    assert rotated != key and (sandbox.root / "dist" / f"{rotated}.txt").is_file()


def test_indexnow_key_tool_adds_a_submit_table_when_there_is_none(sandbox):
    sandbox.write()
    path = sandbox.root / "site.toml"
    path.write_text(path.read_text(encoding="utf-8").split("[submit]")[0], encoding="utf-8")
    assert sandbox.cli("indexnow-key") == 0
    assert load_settings(sandbox.root).submit.indexnow_key


def test_indexnow_key_tool_refuses_an_invalid_configured_key(sandbox, capsys):
    sandbox.write(indexnow_key="bad key!")
    assert sandbox.cli("indexnow-key") == 1
    assert "SUB002" in capsys.readouterr().err
    assert not (sandbox.root / "dist").exists()
