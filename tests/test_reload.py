"""Live reload over real HTTP: the injected script, the event stream, untouched files."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from sitetree import AR_PATH, build, make_site
from watch_support import read_event

from pipeline.preview.reload import SCRIPT, Broadcaster, inject
from pipeline.preview.serve import make_server

TAG = b'<script src="/__reload.js"'


class Preview:
    """A built site served in watch mode from a thread."""

    def __init__(self, root: Path, reload: Broadcaster | None):
        self.root, self.reload = root, reload
        self.server = make_server(root / "dist", reload=reload)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        host, port = self.server.server_address[:2]
        self.base = f"http://{host}:{port}"

    def get(self, path: str, **kwargs) -> requests.Response:
        return requests.get(self.base + path, timeout=5, allow_redirects=False, **kwargs)

    def close(self) -> None:
        if self.reload:
            self.reload.close()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = make_site(tmp_path_factory.mktemp("reload"))
    assert build(root) == 0
    return root


@pytest.fixture()
def preview(site: Path) -> Iterator[Preview]:
    served = Preview(site, Broadcaster())
    yield served
    served.close()


def dist_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes()
            for p in sorted((root / "dist").rglob("*")) if p.is_file()}


def test_html_responses_carry_the_script_and_files_do_not(preview: Preview, site: Path):
    before = dist_files(site)
    token = preview.reload.state.token
    for path, file in (("/", "index.html"), ("/en/", "en/index.html"),
                       (AR_PATH, "ar/تقشير-البشرة-بالليزر/index.html")):
        response = preview.get(path)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert response.content == inject((site / "dist" / file).read_bytes(), token)
        assert response.content.count(TAG) == 1
        assert response.content.index(TAG) < response.content.rindex(b"</body>")
        assert response.headers["Cache-Control"] == "no-cache"
    assert dist_files(site) == before
    assert not any(TAG in body or b"__reload" in body for body in before.values())


def test_the_404_page_carries_the_script(preview: Preview):
    response = preview.get("/no/such/page/")
    assert response.status_code == 404
    assert TAG in response.content and "Page not found" in response.text


@pytest.mark.parametrize(("path", "file", "content_type"), [
    ("/static/site.css", "static/site.css", "text/css; charset=utf-8"),
    ("/manifest.json", "manifest.json", "application/json"),
    (AR_PATH + "article.json", "ar/تقشير-البشرة-بالليزر/article.json", "application/json"),
    ("/assets/blog/laser/cover%20(1).png", "assets/blog/laser/cover (1).png", "image/png"),
])
def test_other_responses_are_untouched(preview: Preview, site: Path, path: str, file: str,
                                       content_type: str):
    response = preview.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    assert response.content == (site / "dist" / file).read_bytes()


def test_the_script(preview: Preview):
    response = preview.get("/__reload.js")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert response.text == SCRIPT
    assert 'new EventSource("/__reload")' in SCRIPT


def test_without_watch_nothing_is_injected(site: Path):
    plain = Preview(site, None)
    try:
        page = plain.get("/en/")
        assert page.content == (site / "dist/en/index.html").read_bytes()
        assert "Cache-Control" not in page.headers
        assert plain.get("/__reload.js").status_code == 404
        assert plain.get("/__reload").status_code == 404
    finally:
        plain.close()


def test_event_stream(preview: Preview):
    reload = preview.reload
    with preview.get("/__reload", stream=True) as response:
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/event-stream"
        lines = response.iter_lines(chunk_size=1, decode_unicode=True)
        first = reload.state.token
        assert read_event(lines) == [f"data: {first}"]
        reload.published()
        second = reload.state.token
        assert second != first
        assert read_event(lines) == [f"data: {second}"]
        reload.failed("build failed: 1 error(s)\ncontent/en/x.md:2:1: error FM102")
        assert read_event(lines) == [f"data: {second}"]
        assert read_event(lines) == ["event: failed", "data: build failed: 1 error(s)",
                                     "data: content/en/x.md:2:1: error FM102"]
        reload.published()
        assert read_event(lines) == [f"data: {reload.state.token}"]


def test_a_new_connection_hears_of_a_standing_failure(preview: Preview):
    preview.reload.failed("broken")
    with preview.get("/__reload", stream=True) as response:
        lines = response.iter_lines(chunk_size=1, decode_unicode=True)
        assert read_event(lines) == [f"data: {preview.reload.state.token}"]
        assert read_event(lines) == ["event: failed", "data: broken"]


def test_the_folder_is_looked_up_per_request(tmp_path: Path):
    """A build may swap the output folder (a renamed folder or a repointed symlink)."""
    for name, text in (("one", "first"), ("two", "second"), ("three", "third")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "index.html").write_text(f"<body>{text}</body>")
    os.symlink(tmp_path / "one", tmp_path / "dist")
    served = Preview(tmp_path, None)
    try:
        assert served.get("/").text == "<body>first</body>"
        os.symlink(tmp_path / "two", tmp_path / "next")
        os.replace(tmp_path / "next", tmp_path / "dist")
        assert served.get("/").text == "<body>second</body>"
        os.unlink(tmp_path / "dist")
        os.rename(tmp_path / "three", tmp_path / "dist")
        assert served.get("/").text == "<body>third</body>"
    finally:
        served.close()


def test_inject():
    assert inject(b"<p>x</p></BODY></html>", "t") == (
        b'<p>x</p><script src="/__reload.js" data-token="t"></script></BODY></html>')
    assert inject(b"Not found\n", "t").endswith(b'data-token="t"></script>')


def test_changed_pages_are_the_html_pages_a_build_touched() -> None:
    from pipeline.preview.rebuild import changed_pages

    assert changed_pages(("en/a/index.html", "en/a/article.json", "sitemap.xml"),
                         ("ar/b/index.html",)) == ("/ar/b/", "/en/a/")
    assert changed_pages(("index.html",), (), "/blog/") == ("/blog/",)
    assert changed_pages(("en/a/index.html", "assets/site.css"), ()) is None  # every page
    assert changed_pages((), ()) == ()
    index = ("pagefind/fragment/en_1.pf_fragment", "pagefind/part-2/pagefind.en_2.pf_meta")
    assert changed_pages(("en/a/index.html", *index), index[:1]) == ("/en/a/",)  # search data


def test_a_live_event_names_the_changed_pages_and_a_first_event_does_not() -> None:
    from pipeline.preview.reload import Broadcaster, event

    reload = Broadcaster()
    reload.published(("/en/a/", "/ar/b/"))
    state = reload.state
    live = event(state, live=True).decode()
    assert live.startswith("event: changed\ndata: /en/a/\ndata: /ar/b/\n\n")
    assert live.endswith(f"data: {state.token}\n\n")
    assert event(state).decode() == f"data: {state.token}\n\n"  # on connect: token only
    reload.published(None)
    assert "event: changed" not in event(reload.state, live=True).decode()


def test_the_reload_script_is_valid_javascript(tmp_path) -> None:
    """Node parses the injected script (a Python escape once broke it in browsers)."""
    import shutil
    import subprocess

    import pytest

    from pipeline.preview.reload import SCRIPT
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is missing (make test installs the validators, which need it)")
    path = tmp_path / "reload.js"
    path.write_text(SCRIPT, encoding="utf-8")
    done = subprocess.run([node, "--check", str(path)], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
