"""IndexNow submission against a real local engine that applies the protocol's checks."""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

from pipeline.core.settings import Settings, load_settings
from pipeline.core.urls import page_url
from pipeline.runner import open_site, stage
from pipeline.stages import submit
from pipeline.submit import indexnow
from pipeline.submit.retry import RetryPolicy
from pipeline.submit.state import Entry

from .servers import IndexNowEngine, LoopbackServer, static_server
from .sitetree import SLUGS, Sandbox

KEY = "0123456789abcdef0123456789abcdef"
FAST = {"retry_backoff": 0.0, "retries": 2}


@pytest.fixture
def site_host() -> Iterator[tuple[str, Path]]:
    """The site's own host: serves the output root, so the engine can fetch the key file."""
    with tempfile.TemporaryDirectory() as tmp:
        httpd = static_server(Path(tmp))
        yield f"http://127.0.0.1:{httpd.server_address[1]}", Path(tmp)
        httpd.shutdown()
        httpd.server_close()


def publish(sandbox: Sandbox, docroot: Path) -> None:
    """Deploy the site output (here: just what dist/ holds) to the site host."""
    for path in (sandbox.root / "dist").iterdir():
        (docroot / path.name).write_bytes(path.read_bytes())


def make_site(sandbox: Sandbox, base: str, engine: LoopbackServer, key: str = KEY,
              **extra: object) -> Sandbox:
    sandbox.write(base_url=base, indexnow_key=key,
                  indexnow_endpoint=engine.url + "/indexnow", **{**FAST, **extra})
    return sandbox


def urls(base: str, slugs=SLUGS) -> list[str]:
    return sorted(f"{base}/en/{s}/" for s in slugs)


def test_dry_run_prints_the_exact_request_and_sends_nothing(sandbox, site_host, capsys):
    base, _ = site_host
    with LoopbackServer(IndexNowEngine()) as engine:
        make_site(sandbox, base, engine)
        assert sandbox.cli("submit") == 0
    assert engine.log == []
    out = capsys.readouterr().out
    assert f"POST {engine.url}/indexnow" in out
    assert "Content-Type: application/json; charset=utf-8" in out
    body = json.loads(out[out.index("{"):out.rindex("}") + 1])
    assert body == {"host": "127.0.0.1", "key": KEY, "keyLocation": f"{base}/{KEY}.txt",
                    "urlList": urls(base)}
    assert sandbox.state == {}
    assert sandbox.report["data"]["dry_run"] is True


def test_arabic_urls_are_sent_percent_encoded_and_accepted(sandbox, site_host):
    base, docroot = site_host
    slug = "تقشير-البشرة"
    logic = IndexNowEngine()
    with LoopbackServer(logic) as engine:
        make_site(sandbox, base, engine)
        sandbox.article(slug, 2, locale="ar", key=SLUGS[0])
        sandbox.cli("indexnow-key")
        publish(sandbox, docroot)
        assert sandbox.cli("submit", "--yes") == 0
    expected = page_url(load_settings(sandbox.root), "ar", slug)
    assert expected == f"{base}/ar/" + quote(slug) + "/"
    assert expected in logic.batches[0] and all(u.isascii() for u in logic.batches[0])


def test_200_records_state_and_unchanged_urls_are_not_sent_again(sandbox, site_host, capsys):
    base, docroot = site_host
    engine_logic = IndexNowEngine()
    with LoopbackServer(engine_logic) as engine:
        make_site(sandbox, base, engine)
        assert sandbox.cli("indexnow-key") == 0
        publish(sandbox, docroot)
        assert sandbox.cli("submit", "--yes") == 0
        assert engine_logic.batches == [urls(base)]
        announced = sandbox.state["indexnow"][engine.url + "/indexnow"]
        assert sorted(announced) == urls(base)

        assert sandbox.cli("submit", "--yes") == 0  # nothing changed: nothing sent
        assert len(engine.log) == 1
        assert "0 of 5 URL(s)" in capsys.readouterr().out

        sandbox.article(SLUGS[2], 3, lastmod="2025-08-01T10:00:00Z")
        assert sandbox.cli("submit", "--yes") == 0
        assert engine_logic.batches[-1] == [f"{base}/en/{SLUGS[2]}/"]
        assert sandbox.state["indexnow"][engine.url + "/indexnow"][
            f"{base}/en/{SLUGS[2]}/"] == "2025-08-01T10:00:00+00:00"


def test_removed_article_is_announced_once(sandbox, site_host):
    base, docroot = site_host
    engine_logic = IndexNowEngine()
    with LoopbackServer(engine_logic) as engine:
        make_site(sandbox, base, engine)
        sandbox.cli("indexnow-key")
        publish(sandbox, docroot)
        assert sandbox.cli("submit", "--yes") == 0
        (sandbox.root / "content" / "en" / f"{SLUGS[0]}.md").unlink()
        assert sandbox.cli("submit", "--yes") == 0
        assert sandbox.cli("submit", "--yes") == 0
    assert engine_logic.batches[1:] == [[f"{base}/en/{SLUGS[0]}/"]]
    assert f"{base}/en/{SLUGS[0]}/" not in sandbox.state["indexnow"][engine.url + "/indexnow"]


def test_202_key_validation_pending_counts_as_accepted(sandbox, site_host, capsys):
    base, _ = site_host
    with LoopbackServer(IndexNowEngine(verify=False)) as engine:
        make_site(sandbox, base, engine)
        assert sandbox.cli("submit", "--yes") == 0
    out = capsys.readouterr().out
    assert "202" in out and "key validation pending" in out
    assert len(sandbox.state["indexnow"][engine.url + "/indexnow"]) == 5


def test_403_when_the_published_key_file_does_not_match(sandbox, site_host, capsys):
    base, docroot = site_host
    (docroot / f"{KEY}.txt").write_text("someone-elses-key", encoding="utf-8")
    with LoopbackServer(IndexNowEngine()) as engine:
        make_site(sandbox, base, engine)
        assert sandbox.cli("submit", "--yes") == 1
    out = capsys.readouterr().out
    assert "SUB011" in out and "403" in out and "key not valid" in out
    assert "SUB004" in out  # the key file was not in dist/ either
    assert sandbox.state == {}


def test_422_for_urls_outside_the_host():
    settings = load_settings_for("https://o9medical.com")
    batch = indexnow.batches(settings, KEY, [Entry("https://o9medical.com/en/a/", "x"),
                                             Entry("https://elsewhere.example/b/", "x")], 10)
    with LoopbackServer(IndexNowEngine(verify=False)) as engine, \
            requests.Session() as session:
        answer = indexnow.post(session, engine.url + "/indexnow", batch[0],
                                   RetryPolicy(2, 0.0, 60.0), 5.0, lambda _s: None)
    assert not answer.accepted and answer.status == 422
    assert "do not belong to the host" in answer.message
    assert len(engine.log) == 1  # 422 is final: no retry


def load_settings_for(base: str) -> Settings:
    root = Path(tempfile.mkdtemp())
    Sandbox(root).write(base_url=base)
    return load_settings(root)


def test_429_then_success_retries_and_honours_retry_after(sandbox, site_host, capsys):
    base, docroot = site_host
    logic = IndexNowEngine(queue=[(429, "7"), (503, None)])
    slept: list[float] = []
    with LoopbackServer(logic) as engine:
        make_site(sandbox, base, engine, retry_backoff=0.5)
        sandbox.cli("indexnow-key")
        publish(sandbox, docroot)
        _, site = open_site(sandbox.root)
        result = submit.run(site, argparse.Namespace(yes=True, sleep=slept.append,
                                                     format="human", config=None))
    assert result.errors == 0, result.findings
    assert slept == [7.0, 1.0]  # Retry-After, then backoff 0.5 * 2
    assert len(engine.log) == 3
    bodies = {seen.body for seen in engine.log}
    assert len(bodies) == 1  # the same request each time
    assert "after 3 attempt(s)" in capsys.readouterr().out


def test_429_until_retries_run_out_is_an_error_and_nothing_is_recorded(sandbox, site_host,
                                                                       capsys):
    base, _ = site_host
    with LoopbackServer(IndexNowEngine(queue=[(429, "0")] * 5)) as engine:
        make_site(sandbox, base, engine)
        assert sandbox.cli("submit", "--yes") == 1
    assert len(engine.log) == 3  # first attempt + submit.retries (2)
    out = capsys.readouterr().out
    assert "SUB013" in out and "too many requests" in out
    assert sandbox.state == {}


def test_retry_after_over_the_limit_stops_retrying(sandbox, site_host, capsys):
    base, _ = site_host
    with LoopbackServer(IndexNowEngine(queue=[(429, "3600")])) as engine:
        make_site(sandbox, base, engine)
        assert sandbox.cli("submit", "--yes") == 1
    assert len(engine.log) == 1
    assert "asked to wait 3600 s" in capsys.readouterr().out


def test_batches_and_a_failed_batch_keeps_earlier_ones(sandbox, site_host, capsys):
    base, docroot = site_host
    logic = IndexNowEngine()
    with LoopbackServer(logic) as engine:
        make_site(sandbox, base, engine, batch_size=2)
        sandbox.cli("indexnow-key")
        publish(sandbox, docroot)
        sandbox.cli("submit")  # dry run shows three requests
        assert capsys.readouterr().out.count(f"POST {engine.url}/indexnow") == 3
        logic.queue = [(200, None), (400, None)]  # second request refused as malformed
        assert sandbox.cli("submit", "--yes") == 1
        assert len(sandbox.state["indexnow"][engine.url + "/indexnow"]) == 2
        assert "1 later request(s) not sent" in capsys.readouterr().out
        assert sandbox.cli("submit", "--yes") == 0
    assert [len(b) for b in logic.batches] == [2, 1]
    assert sorted(sum(logic.batches, [])) == sorted(
        set(urls(base)) - set(sandbox_first_two(engine)))
    assert len(sandbox.state["indexnow"][engine.url + "/indexnow"]) == 5


def sandbox_first_two(engine: LoopbackServer) -> list[str]:
    first = next(s for s in engine.log if s.method == "POST")
    return json.loads(first.body)["urlList"]


def test_ten_thousand_urls_per_request_at_most():
    settings = load_settings_for("https://o9medical.com")
    entries = [Entry(f"https://o9medical.com/en/page-{i:05d}/", "x") for i in range(10_001)]
    plan = indexnow.batches(settings, KEY, entries, 10_000)
    assert [len(b.entries) for b in plan] == [10_000, 1]
    assert indexnow.batches(settings, KEY, entries, 50_000)[0].entries == plan[0].entries
    over = indexnow.Batch(tuple(entries), indexnow.encode(
        indexnow.payload(settings, KEY, [e.url for e in entries])))
    with LoopbackServer(IndexNowEngine(verify=False)) as engine, \
            requests.Session() as session:
        answers = [indexnow.post(session, engine.url + "/indexnow", b,
                                 RetryPolicy(0, 0.0, 0.0), 30.0, lambda _s: None)
                   for b in [*plan, over]]
    assert [a.status for a in answers] == [202, 202, 400]  # 10,001 URLs in one: refused
    assert [len(json.loads(s.body)["urlList"]) for s in engine.log] == [10_000, 1, 10_001]


def test_submit_is_not_part_of_the_offline_build():
    assert stage("submit").offline is False


def test_invalid_configured_key_is_refused_before_sending(sandbox, capsys):
    sandbox.write(indexnow_key="short", indexnow_endpoint="http://127.0.0.1:9/indexnow")
    assert sandbox.cli("submit", "--yes") == 1
    out = capsys.readouterr().out
    assert re.search(r"site\.toml:\d+:1: error SUB002", out)
