"""The links stage against real loopback servers: statuses, redirects, retries, encoding."""

from __future__ import annotations

from urllib.parse import quote

from links_support import article, by_url, read_report
from pytest_httpserver import HTTPServer
from werkzeug import Response

from pipeline.cli import main

ARABIC = "حقن-البوتوكس"
ARABIC_ENC = quote(ARABIC)  # %D8%AD%D9%82%D9%86-...


def run_links(root, *flags: str) -> int:  # type: ignore[no-untyped-def]
    return main(["links", "--root", str(root), "--no-cache", *flags])


def one_page(project, body: str, **links):  # type: ignore[no-untyped-def]
    return project({"en/a.md": article("a", body)}, links)


def test_ok_and_not_found_and_gone(project, server: HTTPServer) -> None:
    server.expect_request("/ok").respond_with_data("fine")
    server.expect_request("/gone").respond_with_data("", status=410)
    body = f"[a]({server.url_for('/ok')})\n\n[b]({server.url_for('/missing')})\n\n" \
           f"[c]({server.url_for('/gone')})"
    root = one_page(project, body)
    assert run_links(root) == 1
    links = by_url(read_report(root))
    assert links[server.url_for("/ok")]["state"] == "ok"
    assert links[server.url_for("/missing")]["status"] == 404
    assert links[server.url_for("/gone")]["status"] == 410
    codes = [f["code"] for f in read_report(root)["findings"]]
    assert codes.count("LNK001") == 2


def test_redirect_chain_records_every_hop(project, server: HTTPServer) -> None:
    for source, status, target in (("/r301", 301, "/r302"), ("/r302", 302, "/r307"),
                                   ("/r307", 307, "/r308"), ("/r308", 308, "/final")):
        server.expect_request(source).respond_with_response(
            Response(status=status, headers={"Location": target}))
    server.expect_request("/final").respond_with_data("here")
    root = one_page(project, f"[x]({server.url_for('/r301')})")
    assert run_links(root) == 0  # permanent redirects are warnings
    link = by_url(read_report(root))[server.url_for("/r301")]
    assert [status for status, _ in link["redirects"]] == [301, 302, 307, 308]
    assert link["final_url"] == server.url_for("/final")
    assert link["state"] == "redirected"
    warning = [f for f in read_report(root)["findings"] if f["code"] == "LNK004"][0]
    assert server.url_for("/final") in warning["hint"]


def test_redirect_loop_is_detected(project, server: HTTPServer) -> None:
    server.expect_request("/a").respond_with_response(Response(status=302,
                                                               headers={"Location": "/b"}))
    server.expect_request("/b").respond_with_response(Response(status=302,
                                                               headers={"Location": "/a"}))
    root = one_page(project, f"[x]({server.url_for('/a')})")
    assert run_links(root) == 1
    link = by_url(read_report(root))[server.url_for("/a")]
    assert link["detail"] == "redirect-loop"
    assert len(server.log) == 2  # a, b, then the loop is seen without a third request


def test_server_error_that_succeeds_on_retry(project, server: HTTPServer) -> None:
    server.expect_oneshot_request("/flaky").respond_with_data("oops", status=500)
    server.expect_request("/flaky").respond_with_data("ok now")
    root = one_page(project, f"[x]({server.url_for('/flaky')})")
    assert run_links(root) == 0
    assert [r.status_code for _, r in server.log] == [500, 200]


def test_persistent_server_error_is_broken_after_retries(project, server: HTTPServer) -> None:
    server.expect_request("/down").respond_with_data("no", status=503)
    root = one_page(project, f"[x]({server.url_for('/down')})", retries=2)
    assert run_links(root) == 1
    assert len(server.log) == 3
    assert by_url(read_report(root))[server.url_for("/down")]["status"] == 503


def test_429_waits_for_retry_after(project, server: HTTPServer) -> None:
    server.expect_oneshot_request("/busy").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "1"})
    server.expect_request("/busy").respond_with_data("ok")
    root = one_page(project, f"[x]({server.url_for('/busy')})")
    assert run_links(root) == 0
    assert [r.status_code for _, r in server.log] == [429, 200]


def test_429_with_retry_after_beyond_the_cap_is_reported(project, server: HTTPServer) -> None:
    server.expect_request("/busy").respond_with_data("later", status=429,
                                                     headers={"Retry-After": "3600"})
    root = one_page(project, f"[x]({server.url_for('/busy')})")
    assert run_links(root) == 1
    link = by_url(read_report(root))[server.url_for("/busy")]
    assert link["status"] == 429 and "exceeds" in link["detail"]
    assert len(server.log) == 1


def test_head_405_falls_back_to_get(project, server: HTTPServer) -> None:
    server.expect_request("/nohead", method="HEAD").respond_with_data("", status=405)
    server.expect_request("/nohead", method="GET").respond_with_data("body")
    root = one_page(project, f"[x]({server.url_for('/nohead')})")
    assert run_links(root) == 0
    assert [req.method for req, _ in server.log] == ["HEAD", "GET"]


def test_user_agent_is_sent(project, server: HTTPServer) -> None:
    server.expect_request("/ua").respond_with_data("ok")
    root = one_page(project, f"[x]({server.url_for('/ua')})", user_agent="probe/9")
    assert run_links(root) == 0
    assert server.log[0][0].headers["User-Agent"] == "probe/9"


def test_arabic_path_and_its_double_encoded_twin(project, server: HTTPServer) -> None:
    server.expect_request(f"/{ARABIC}").respond_with_data("عربي")
    good = server.url_for(f"/{ARABIC_ENC}")
    double = server.url_for("/" + ARABIC_ENC.replace("%", "%25"))
    root = one_page(project, f"[good]({good})\n\n[bad]({double})")
    assert run_links(root) == 1
    links = by_url(read_report(root))
    assert links[good]["state"] == "ok"
    assert links[good]["display"].endswith(ARABIC)
    assert links[double]["status"] == 404
    codes = {f["code"] for f in read_report(root)["findings"]}
    assert "LNK020" in codes  # double encoding is a finding of its own
    wire = {req.full_path.rstrip("?") for req, _ in server.log}
    assert len(wire) == 2


def test_raw_iri_and_encoded_form_make_one_request(project, server: HTTPServer) -> None:
    server.expect_request(f"/{ARABIC}").respond_with_data("عربي")
    raw = f"http://127.0.0.1:{server.port}/{ARABIC}"
    encoded = server.url_for(f"/{ARABIC_ENC.lower()}")
    root = one_page(project, f"[raw]({raw})\n\n<{encoded}>")
    assert run_links(root) == 0
    assert len(server.log) == 1
    externals = [x for x in read_report(root)["data"]["links"] if not x["internal"]]
    assert len(externals) == 1 and len(externals[0]["sources"]) == 2
    assert set(externals[0]["written"]) == {raw, encoded}


def test_arabic_fragments_present_and_missing(project, server: HTTPServer) -> None:
    page = '<html><body><h2 id="مقدمة">x</h2><a name="old">y</a></body></html>'
    server.expect_request("/page").respond_with_data(page, content_type="text/html")
    url = server.url_for("/page")
    body = (f"[a]({url}#{quote('مقدمة')})\n\n[b](<{url}#مقدمة>)\n\n[c]({url}#old)\n\n"
            f"[d]({url}#{quote('الخلاصة')})")
    root = one_page(project, body)
    assert run_links(root) == 1
    link = by_url(read_report(root))[url]
    assert link["fragments"][quote("مقدمة")] == "ok"
    assert link["fragments"]["مقدمة"] == "ok"
    assert link["fragments"]["old"] == "ok"
    assert link["fragments"][quote("الخلاصة")] == "missing"
    missing = [f for f in read_report(root)["findings"] if f["code"] == "LNK005"]
    text = (root / "content" / "en" / "a.md").read_text(encoding="utf-8").split("\n")
    expected_line = next(i for i, line in enumerate(text, 1) if line.startswith("[d]"))
    assert len(missing) == 1 and missing[0]["line"] == expected_line
    assert len(server.log) == 1 and server.log[0][0].method == "GET"


def test_slow_server_hits_the_read_timeout(project, raw_server) -> None:  # type: ignore[no-untyped-def]
    root = one_page(project, f"[x]({raw_server.url('/slow')})", read_timeout=0.3)
    assert run_links(root) == 1
    link = by_url(read_report(root))[raw_server.url("/slow")]
    assert (link["state"], link["detail"]) == ("network", "timeout")
    assert len(raw_server.requests) == 1  # a slow server is not asked again


def test_connection_reset_is_retried_then_reported(project, raw_server) -> None:  # type: ignore[no-untyped-def]
    root = one_page(project, f"[x]({raw_server.url('/reset')})", retries=2)
    assert run_links(root) == 1
    link = by_url(read_report(root))[raw_server.url("/reset")]
    assert (link["state"], link["detail"]) == ("network", "connection-reset")
    assert len(raw_server.requests) == 3


def test_tls_failure_is_classified(project, server: HTTPServer) -> None:
    url = f"https://127.0.0.1:{server.port}/tls"
    root = one_page(project, f"[x]({url})", retries=0)
    assert run_links(root) == 1
    assert by_url(read_report(root))[url]["detail"] == "tls"


def test_connection_refused_is_a_network_error_not_a_traceback(project, capsys) -> None:  # type: ignore[no-untyped-def]
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/nothing"
    root = one_page(project, f"[x]({url})", retries=0)
    assert run_links(root) == 1
    out = capsys.readouterr().out
    assert "connection-refused" in out and "Traceback" not in out
    assert "no external link could be reached" in out


def test_private_address_refused_without_allow_private(project, server: HTTPServer) -> None:
    server.expect_request("/secret").respond_with_data("internal")
    root = one_page(project, f"[x]({server.url_for('/secret')})", allow_private=False)
    assert run_links(root) == 1
    link = by_url(read_report(root))[server.url_for("/secret")]
    assert link["state"] == "refused" and "127.0.0.1" in link["detail"]
    assert server.log == []
    assert run_links(root, "--allow-private") == 0
    assert len(server.log) == 1


def test_second_run_is_answered_from_the_cache(project, server: HTTPServer) -> None:
    server.expect_request("/cached").respond_with_data("ok")
    server.expect_request("/broken").respond_with_data("", status=404)
    body = f"[x]({server.url_for('/cached')})\n\n[y]({server.url_for('/broken')})"
    root = one_page(project, body)
    args = ["links", "--root", str(root)]
    assert main(args) == 1
    first = (root / "reports" / "links.json").read_bytes()
    assert len(server.log) == 2
    server.clear_log()
    assert main(args) == 1
    paths = [req.path for req, _ in server.log]
    assert paths == ["/broken"]  # the success came from the cache; the failure was re-checked
    assert (root / "reports" / "links.json").read_bytes() == first
    server.clear_log()
    assert main([*args, "--max-cache-age", "0"]) == 1
    assert sorted(req.path for req, _ in server.log) == ["/broken", "/cached"]


def test_per_host_cap_limits_concurrency(project, raw_server) -> None:  # type: ignore[no-untyped-def]
    body = "\n\n".join(f"[x{i}]({raw_server.url(f'/page{i}')})" for i in range(12))
    root = one_page(project, body, per_host=3, workers=12)
    assert run_links(root) == 0
    assert len(raw_server.requests) == 12
    assert raw_server.max_in_flight <= 3


def test_fragment_after_the_byte_cap_is_unchecked_not_missing(project, server: HTTPServer) -> None:
    filler = "<p>" + "x" * 2000 + "</p>"
    page = f'<html><body><h2 id="early">a</h2>{filler}<h2 id="late">b</h2></body></html>'
    server.expect_request("/big").respond_with_data(page, content_type="text/html")
    url = server.url_for("/big")
    root = one_page(project, f"[a]({url}#early)\n\n[b]({url}#late)\n\n[c]({url}#nowhere)",
                    max_bytes=1000)
    assert run_links(root) == 0
    fragments = by_url(read_report(root))[url]["fragments"]
    assert fragments == {"early": "ok", "late": "unchecked", "nowhere": "unchecked"}
    root_full = one_page(project, f"[b]({url}#late)\n\n[c]({url}#nowhere)")
    assert run_links(root_full) == 1
    assert by_url(read_report(root_full))[url]["fragments"] == {"late": "ok",
                                                                "nowhere": "missing"}
