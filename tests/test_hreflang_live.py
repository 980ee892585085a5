"""``seo-pipeline hreflang --url``: a live site served on loopback by the test, reached from
its robots.txt, a sitemap index (one child gzip-compressed) or one sitemap."""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from pipeline.cli import main

Route = tuple[int, dict[str, str], bytes]


class _Site(BaseHTTPRequestHandler):
    routes: dict[str, Route] = {}
    seen: list[tuple[str, str]] = []

    def log_message(self, fmt: str, *args: object) -> None:
        pass

    def _answer(self) -> None:
        self.seen.append((self.command, self.path))
        status, headers, body = self.routes.get(self.path, (404, {}, b"not found"))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_HEAD = _answer


def page(url: str, *links: tuple[str, str], canonical: str | None = None) -> Route:
    head = "".join(f'<link rel="alternate" hreflang="{c}" href="{h}">\n' for c, h in links)
    html = (f'<!doctype html>\n<html lang="en">\n<head>\n<title>t</title>\n'
            f'<link rel="canonical" href="{canonical or url}">\n{head}</head>\n'
            "<body><p>x</p></body>\n</html>\n")
    return 200, {"Content-Type": "text/html; charset=utf-8"}, html.encode()


def urlset(*entries: tuple[str, tuple[tuple[str, str], ...]]) -> bytes:
    body = "".join(
        f"<url><loc>{loc}</loc>" + "".join(
            f'<xhtml:link rel="alternate" hreflang="{c}" href="{h}"/>' for c, h in links)
        + "</url>\n" for loc, links in entries)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n' + body + "</urlset>\n").encode()


XML = {"Content-Type": "application/xml"}


def build_routes(base: str) -> dict[str, Route]:
    home = ((("en", f"{base}/en/"), ("ar", f"{base}/ar/"), ("x-default", f"{base}/")))
    # /en/a/ <-> /ar/a/: /ar/a/ links back to /en/a/ only as x-default (broken cluster).
    en_a = (("en", f"{base}/en/a/"), ("ar", f"{base}/ar/a/"), ("x-default", f"{base}/en/a/"))
    ar_a = (("ar", f"{base}/ar/a/"), ("x-default", f"{base}/en/a/"))
    # /en/b/ names a French version that answers 404.
    en_b = (("en", f"{base}/en/b/"), ("fr", f"{base}/fr/b/"), ("x-default", f"{base}/en/b/"))
    en_old = (("en", f"{base}/en/old/"), ("x-default", f"{base}/en/old/"))
    # /en/c/ is canonical to another page; /en/d/'s head lacks the sitemap's x-default.
    en_c = (("en", f"{base}/en/c/"), ("x-default", f"{base}/en/c/"))
    en_d = (("en", f"{base}/en/d/"), ("x-default", f"{base}/en/d/"))
    english = urlset((f"{base}/", home), (f"{base}/en/", home), (f"{base}/en/a/", en_a),
                     (f"{base}/en/b/", en_b), (f"{base}/en/old/", en_old),
                     (f"{base}/en/c/", en_c), (f"{base}/en/d/", en_d))
    arabic = urlset((f"{base}/ar/", home), (f"{base}/ar/a/", ar_a))
    index = ('<?xml version="1.0" encoding="UTF-8"?>\n'
             '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
             f"<sitemap><loc>{base}/sitemap-en.xml</loc></sitemap>\n"
             f"<sitemap><loc>{base}/sitemap-ar.xml.gz</loc></sitemap>\n"
             "</sitemapindex>\n").encode()
    return {
        "/robots.txt": (200, {"Content-Type": "text/plain"},
                        f"User-agent: *\nAllow: /\nSitemap: {base}/sitemap_index.xml\n".encode()),
        "/sitemap_index.xml": (200, XML, index),
        "/sitemap-en.xml": (200, XML, english),
        "/sitemap-ar.xml.gz": (200, {"Content-Type": "application/gzip"},
                               gzip.compress(arabic, mtime=0)),
        "/": page(f"{base}/", *home), "/en/": page(f"{base}/en/", *home),
        "/ar/": page(f"{base}/ar/", *home),
        "/en/a/": page(f"{base}/en/a/", *en_a), "/ar/a/": page(f"{base}/ar/a/", *ar_a),
        "/en/b/": page(f"{base}/en/b/", *en_b),
        "/en/c/": page(f"{base}/en/c/", *en_c, canonical=f"{base}/en/a/"),
        "/en/d/": page(f"{base}/en/d/", en_d[0]),
        "/en/old/": (301, {"Location": f"{base}/en/new/"}, b""),
        "/en/new/": page(f"{base}/en/new/", ("en", f"{base}/en/new/")),
    }


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    server.daemon_threads = True
    base = f"http://127.0.0.1:{server.server_address[1]}"
    _Site.routes = build_routes(base)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield base
    server.shutdown()
    server.server_close()


def audit(capsys, tmp_path, url: str, *flags: str) -> tuple[int, dict]:
    status = main(["hreflang", "--root", str(tmp_path), "--url", url, "--format", "json",
                   "--no-cache", "--retries", "0", "--timeout", "5", *flags])
    return status, json.loads(capsys.readouterr().out)


def codes(report: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for finding in report["findings"]:
        found.setdefault(finding["code"], []).append(finding)
    return found


@pytest.mark.parametrize("start", ["/robots.txt", "/sitemap_index.xml"])
def test_live_site_from_robots_or_index(site: str, capsys, tmp_path, start: str) -> None:
    status, report = audit(capsys, tmp_path, site + start, "--allow-private")
    assert status == 1
    found = codes(report)
    assert set(found) == {"HL004", "HL007", "HL009", "HL010", "HL014", "HL015"}, \
        report["findings"]
    # Index + 2 sitemaps; 9 URLs listed; heads of the 8 that answer 200 (not /en/old/).
    assert report["data"] == {"sitemaps": 3, "sitemap_urls": 9, "pages": 8}
    # The broken cluster: in the sitemap and in the page head alike.
    assert sorted(f["path"] for f in found["HL004"]) == [f"{site}/en/a/",
                                                         f"{site}/sitemap-en.xml"]
    assert all(f["message"].endswith("except as x-default") for f in found["HL004"])
    (moved,) = found["HL014"]
    assert moved["message"] == f"{site}/en/old/ redirects (301) to {site}/en/new/"
    assert moved["path"] == f"{site}/sitemap-en.xml"
    (gone,) = found["HL015"]
    assert gone["message"].startswith(f"{site}/fr/b/ HTTP 404")
    (canonical,) = found["HL009"]
    assert canonical["path"] == f"{site}/en/c/" and canonical["severity"] == "warning"
    (disagree,) = found["HL010"]
    assert disagree["path"] == f"{site}/sitemap-en.xml"
    assert f"only in sitemap: x-default {site}/en/d/" in disagree["message"]
    assert [f["path"] for f in found["HL007"]] == [f"{site}/en/d/"]
    # The sound cluster (chooser pattern, gzip child) raises nothing.
    assert not [f for f in report["findings"] if f["path"] == f"{site}/sitemap-ar.xml.gz"
                or f["path"].rstrip("/") in (site, f"{site}/en", f"{site}/ar")]


def test_one_sitemap_url(site: str, capsys, tmp_path) -> None:
    status, report = audit(capsys, tmp_path, site + "/sitemap-ar.xml.gz", "--allow-private")
    assert status == 1 and report["data"]["sitemap_urls"] == 2
    found = codes(report)
    # The alternates outside this sitemap are fetched, so the broken cluster still shows
    # in the heads: /en/a/'s 'ar' alternate links back only as x-default.
    (broken,) = found["HL004"]
    assert broken["path"] == f"{site}/en/a/"
    # The sitemap's own alternates to pages outside it cannot have their return links
    # checked there: warnings only.
    assert {f["severity"] for f in found["HL005"]} == {"warning"}
    assert set(found) == {"HL004", "HL005"}


def test_loopback_refused_without_allow_private(site: str, capsys, tmp_path) -> None:
    status, report = audit(capsys, tmp_path, site + "/robots.txt")
    assert status == 1
    finding, nothing = report["findings"]  # and so nothing was audited
    assert finding["code"] == "HL012" and "private-address 127.0.0.1" in finding["message"]
    assert nothing["code"] == "HL017" and nothing["path"] == site + "/robots.txt"


def test_missing_sitemap_is_reported(site: str, capsys, tmp_path) -> None:
    status, report = audit(capsys, tmp_path, site + "/nope.xml", "--allow-private")
    assert status == 1
    assert [(f["code"], f["message"]) for f in report["findings"]] == [
        ("HL012", "sitemap HTTP 404 (http-404)"),
        ("HL017", "no page was audited: no URL was read from the sitemaps")]


def test_links_cache_spares_the_checks_of_a_second_run(site: str, capsys, tmp_path) -> None:
    def run() -> tuple[list[tuple[str, str]], dict]:
        _Site.seen.clear()
        status = main(["hreflang", "--root", str(tmp_path), "--url", site + "/robots.txt",
                       "--format", "json", "--allow-private", "--retries", "0"])
        assert status == 1
        return list(_Site.seen), json.loads(capsys.readouterr().out)

    first, report = run()
    second, again = run()
    assert again["findings"] == report["findings"]
    assert (tmp_path / ".cache" / "links.sqlite3").is_file()
    checked = [path for method, path in first if method == "HEAD"]
    rechecked = [path for method, path in second if method == "HEAD"]
    assert len(checked) >= 10
    assert set(rechecked) <= {"/fr/b/", "/en/old/"}  # only failures are checked again
