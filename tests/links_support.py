"""Links tests: tiny projects built in a temp dir and real loopback HTTP servers.

The fixtures are re-exported by ``conftest.py``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SITE_TOML
from pytest_httpserver import HTTPServer
from servers import RawServer

# Small timeouts and waits keep the tests fast; they are settings, not timing assertions.
FAST_LINKS = {"connect_timeout": 1.0, "read_timeout": 0.5, "retries": 1, "backoff": 0.01,
              "max_retry_after": 2.0, "allow_private": True, "workers": 8}


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(value) if isinstance(value, str) else repr(value)


def article(slug: str, body: str, locale: str = "en", extra: str = "", key: str = "") -> str:
    """A valid article with local images that exist in the project's public/."""
    return (f"---\ntitle: Title {slug}\nexcerpt: An excerpt long enough to pass every rule of "
            f"the validate stage here.\ncoverImage: /img/cover.jpg\ndate: '2025-01-02T03:04:05Z'\n"
            f"author:\n  name: A\n  picture: /img/a.jpg\nogImage:\n  url: /img/cover.jpg\n"
            f"slug: {slug}\ntranslationKey: {key or slug}\nlocale: {locale}\n{extra}---\n\n"
            f"{body}\n")


def make_project(root: Path, articles: dict[str, str], links: dict | None = None) -> Path:
    """``site.toml`` + ``content/<locale>/<name>.md`` + ``public/img/*`` under ``root``."""
    settings = {**FAST_LINKS, **(links or {})}
    lines = [SITE_TOML, "[links]"]  # base_url https://example.org: the site's own host
    lines += [f"{k} = {toml_value(v)}" for k, v in settings.items()]
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for name, text in articles.items():
        path = root / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "content" / "en").mkdir(parents=True, exist_ok=True)
    for image in ("cover.jpg", "a.jpg"):
        (root / "public" / "img").mkdir(parents=True, exist_ok=True)
        (root / "public" / "img" / image).write_bytes(b"\xff\xd8\xff\xd9")
    return root


@pytest.fixture
def project(tmp_path: Path):  # type: ignore[no-untyped-def]
    def build(articles: dict[str, str], links: dict | None = None) -> Path:
        return make_project(tmp_path / "site", articles, links)

    return build


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    """pytest-httpserver on 127.0.0.1; unknown paths answer 404."""
    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.no_handler_status_code = 404
    srv.start()
    try:
        yield srv
    finally:
        srv.clear()
        srv.stop()


@pytest.fixture
def raw_server() -> Iterator[RawServer]:
    """A threaded loopback server whose routes can stall or reset the connection."""
    srv = RawServer()
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


def read_report(root: Path) -> dict:
    return json.loads((root / "reports" / "links.json").read_text(encoding="utf-8"))


def by_url(report: dict) -> dict[str, dict]:
    return {link["url"]: link for link in report["data"]["links"]}
