"""The head fragment in a real browser: Chromium parses it as intended, content stays inert."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from seo_site import Post, load, write_site

from pipeline.seo.metadata import page_metadata

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
NASTY = "Ends </script><script>window.pwned = 1</script> <!-- & \"quoted\" text, long enough."


def serve(html: str) -> tuple[ThreadingHTTPServer, str]:
    body = html.encode("utf-8")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server API)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
def test_chromium_reads_head_as_intended(tmp_path: Path) -> None:
    site = load(write_site(tmp_path, [Post("en", "nasty", "k", 'A "quoted" <b>title</b>',
                                           excerpt=NASTY, tags=["</script>"])]))
    meta = page_metadata(site, site.articles[0])
    html = (f'<!doctype html><html lang="en"><head><meta charset="utf-8">{meta.head_html}'
            "</head><body><p>body</p></body></html>")
    server, url = serve(html)
    try:
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            page = browser.new_page()
            page.goto(url)
            seen = page.evaluate("""() => ({
                title: document.title,
                description: document.querySelector('meta[name=description]').content,
                scripts: document.scripts.length,
                pwned: window.pwned === 1,
                ld: JSON.parse(document.querySelector('script[type="application/ld+json"]')
                               .textContent),
                og: [...document.querySelectorAll('meta[property]')]
                    .map(m => [m.getAttribute('property'), m.content]),
            })""")
            browser.close()
    finally:
        server.shutdown()
    assert seen["title"] == 'A "quoted" <b>title</b>'
    assert seen["description"] == NASTY
    assert seen["scripts"] == 1 and seen["pwned"] is False
    assert seen["ld"] == json.loads(json.dumps(meta.data["jsonLd"]))
    assert seen["ld"]["description"] == NASTY and seen["ld"]["keywords"] == ["</script>"]
    assert [tuple(pair) for pair in seen["og"]] == [
        (p["property"], p["content"]) for p in meta.data["openGraph"]]
