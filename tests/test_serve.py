"""The preview server over real HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from servers import serving
from sitetree import AR_PATH, build, make_site

from pipeline.preview.serve import make_server


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Iterator[str]:
    root = make_site(tmp_path_factory.mktemp("serve"))
    assert build(root) == 0
    (root / "dist" / "sitemap.xml").write_text("<urlset/>\n")
    with serving(root / "dist") as url:
        yield url


def get(url: str) -> requests.Response:
    return requests.get(url, timeout=5, allow_redirects=False)


def test_arabic_page_by_percent_encoded_path(base: str):
    response = get(base + AR_PATH)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<html lang="ar" dir="rtl" data-numbering="arab">' in response.content.decode("utf-8")


@pytest.mark.parametrize(("path", "content_type"), [
    ("/", "text/html; charset=utf-8"),
    ("/static/site.css", "text/css; charset=utf-8"),
    ("/manifest.json", "application/json"),
    (AR_PATH + "article.json", "application/json"),
    ("/sitemap.xml", "application/xml; charset=utf-8"),
    ("/assets/blog/laser/cover%20(1).png", "image/png"),
])
def test_content_types(base: str, path: str, content_type: str):
    response = get(base + path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type


def test_missing_paths_get_the_404_page(base: str):
    for path in ("/nope/", "/en/nope", "/%D8%AD%D9%82%D9%86/", "/%ff%fe/", "/404.html/"):
        response = get(base + path)
        assert response.status_code == 404, path
        assert "Page not found" in response.text


def test_folder_without_slash_redirects(base: str):
    response = get(base + "/en")
    assert response.status_code == 301
    assert response.headers["Location"] == "/en/"


def test_nothing_outside_the_output_folder(base: str):
    with requests.Session() as session:
        request = requests.Request("GET", base + "/x").prepare()
        request.url = base + "/../site.toml"
        assert session.send(request, timeout=5).status_code == 404
        request.url = base + "/%2e%2e/site.toml"
        assert session.send(request, timeout=5).status_code == 404


def test_refuses_non_loopback_hosts(tmp_path: Path):
    with pytest.raises(ValueError, match="loopback"):
        make_server(tmp_path, host="0.0.0.0")
