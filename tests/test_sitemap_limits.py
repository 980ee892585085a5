"""Sitemap reading (``pipeline.sitemaps.reader`` and ``walk``, behind ``hreflang --sitemap``,
``hreflang --url`` and ``links --sitemap``): streamed, the sitemaps.org limits enforced,
every limit a located finding, nothing audited never a silent 'ok', and memory that
does not grow with the input. HTTP goes to real servers on 127.0.0.1."""

from __future__ import annotations

import gzip
import io
import json
import re
import subprocess
import sys
import textwrap
import threading
import tracemalloc
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from links_support import article, make_project, read_report
from sitetree import REPO

from pipeline.cli import main
from pipeline.sitemaps.reader import Limits, Listed, read_items
from pipeline.sitemaps.walk import Codes, Places, SitemapWalk

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
CODES = Codes(unreadable="X012", limit="X016", missing="X013")


def urlset(locs: list[str], links: int = 0) -> bytes:
    rows = "".join(f"<url><loc>{loc}</loc>" + "".join(
        f'<xhtml:link rel="alternate" hreflang="en" href="{loc}?{i}"/>' for i in range(links))
        + "</url>\n" for loc in locs)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{NS}" '
            f'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n{rows}</urlset>\n').encode()


def index(children: list[str]) -> bytes:
    rows = "".join(f"<sitemap><loc>{c}</loc></sitemap>\n" for c in children)
    return f'<?xml version="1.0"?>\n<sitemapindex xmlns="{NS}">\n{rows}</sitemapindex>\n'.encode()


def walk(root: Path, start: Path | str, limits: Limits = Limits(),  # noqa: B008
         download=None) -> tuple[list[Listed], SitemapWalk]:  # type: ignore[no-untyped-def]
    walker = SitemapWalk(Places(root, download), [str(start)], CODES, limits)
    return list(walker), walker


def by_code(findings) -> dict[str, list]:  # type: ignore[no-untyped-def]
    found: dict[str, list] = {}
    for finding in findings:
        found.setdefault(finding.code, []).append(finding)
    return found


# -- one file: the protocol limits -------------------------------------------------------

def test_more_than_50000_urls_in_one_file_is_a_finding_at_the_50001st(tmp_path: Path) -> None:
    locs = [f"https://shop.test/p/{i}" for i in range(50_001)]
    (tmp_path / "s.xml").write_bytes(urlset(locs))
    listed, walker = walk(tmp_path, tmp_path / "s.xml")
    assert len(listed) == 50_000 and listed[-1].page.url == locs[49_999]
    (finding,) = walker.findings
    assert (finding.code, finding.path, finding.line) == ("X016", "s.xml", 50_003)
    assert "more than 50,000 <url>" in finding.message and "not read" in finding.message


def test_more_than_50000_children_in_an_index_is_a_finding(tmp_path: Path) -> None:
    (tmp_path / "a.xml").write_bytes(urlset(["https://shop.test/a"]))
    (tmp_path / "index.xml").write_bytes(index(["https://shop.test/a.xml"] * 50_001))
    listed, walker = walk(tmp_path, tmp_path / "index.xml")
    assert [item.page.url for item in listed] == ["https://shop.test/a"]
    (finding,) = walker.findings
    assert (finding.code, finding.path, finding.line) == ("X016", "index.xml", 50_003)
    assert "more than 50,000 <sitemap>" in finding.message


@pytest.mark.parametrize("compress", [True, False])
def test_more_than_50_mib_uncompressed_is_a_finding(tmp_path: Path, compress: bool) -> None:
    head = f'<urlset xmlns="{NS}">\n<url><loc>https://shop.test/a</loc></url>\n'.encode()
    body = head + b"<!--" + b" " * (50 * 1024 * 1024) + b"-->\n</urlset>\n"
    name = "big.xml.gz" if compress else "big.xml"
    (tmp_path / name).write_bytes(gzip.compress(body, 1) if compress else body)
    listed, walker = walk(tmp_path, tmp_path / name)
    assert [item.page.url for item in listed] == ["https://shop.test/a"]
    (finding,) = walker.findings
    assert finding.code == "X016" and "more than 52,428,800 bytes" in finding.message


def test_a_gzip_bomb_is_cut_at_the_limit(tmp_path: Path) -> None:
    """1 GiB of zeros in a 1 MiB file: read up to the limit only."""
    bomb = io.BytesIO()
    with gzip.GzipFile(fileobj=bomb, mode="wb", compresslevel=9) as out:
        out.write(f'<urlset xmlns="{NS}">'.encode())
        chunk = b" " * (1 << 20)
        for _ in range(1024):
            out.write(chunk)
    (tmp_path / "bomb.xml.gz").write_bytes(bomb.getvalue())
    listed, walker = walk(tmp_path, tmp_path / "bomb.xml.gz",
                          Limits(bytes_per_file=4 * 1024 * 1024))
    assert listed == [] and [f.code for f in walker.findings] == ["X016"]


def test_too_many_alternates_in_one_url_keeps_the_first(tmp_path: Path) -> None:
    (tmp_path / "s.xml").write_bytes(urlset(["https://shop.test/a", "https://shop.test/b"],
                                            links=5))
    listed, walker = walk(tmp_path, tmp_path / "s.xml", Limits(alternates_per_url=3))
    assert [len(item.page.alternates) for item in listed] == [3, 3]
    assert [(f.code, f.line) for f in walker.findings] == [("X016", 3), ("X016", 4)]


def test_an_index_inside_an_index_is_not_followed(tmp_path: Path) -> None:
    (tmp_path / "a.xml").write_bytes(urlset(["https://shop.test/a"]))
    (tmp_path / "inner.xml").write_bytes(index(["https://shop.test/a.xml"]))
    (tmp_path / "top.xml").write_bytes(index(["https://shop.test/inner.xml"]))
    listed, walker = walk(tmp_path, tmp_path / "top.xml")
    assert listed == []
    (finding,) = walker.findings
    assert (finding.code, finding.path) == ("X016", "inner.xml")
    assert "index listed by another index" in finding.message


def test_the_run_limits_say_what_is_not_read(tmp_path: Path) -> None:
    names = [f"c{i}.xml" for i in range(5)]
    for n, name in enumerate(names):
        (tmp_path / name).write_bytes(urlset([f"https://shop.test/{n}/{i}" for i in range(4)]))
    (tmp_path / "index.xml").write_bytes(index([f"https://shop.test/{n}" for n in names]))
    listed, walker = walk(tmp_path, tmp_path / "index.xml", Limits(urls=10))
    assert len(listed) == 10
    (finding,) = walker.findings
    assert (finding.code, finding.path, finding.line) == ("X016", "c2.xml", 5)
    assert "more than 10 URLs" in finding.message and "2 more sitemaps" in finding.message
    listed, walker = walk(tmp_path, tmp_path / "index.xml", Limits(files=3))
    assert len(listed) == 8
    (finding,) = walker.findings
    assert (finding.code, finding.path) == ("X016", "c2.xml")
    assert "more than 3 sitemap files; this one and 2 more" in finding.message


def test_only_regular_files_are_read(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "pipe.xml")
    listed, walker = walk(tmp_path, tmp_path / "pipe.xml")
    assert listed == [] and [f.code for f in walker.findings] == ["X012"]
    assert "FIFO" in walker.findings[0].message


# -- locations: streamed, yet at the <loc>'s line and column -----------------------------

class Trickle(io.RawIOBase):
    """A seekable reader handing out at most ``step`` bytes per read."""

    def __init__(self, data: bytes, step: int):
        self.data, self.step, self.at = data, step, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        self.at = offset
        return offset

    def read(self, size: int = -1) -> bytes:
        size = self.step if size < 0 else min(size, self.step)
        chunk = self.data[self.at:self.at + size]
        self.at += len(chunk)
        return chunk


_GAP = st.sampled_from(["", " ", "\n", "  \n  ", "\r\n", "\t", "<!-- <loc> -->\n"])


@settings(max_examples=150, deadline=None)
@given(entries=st.lists(st.tuples(st.from_regex(r"https://s\.test/[a-z0-9]{0,20}", fullmatch=True),
                                  _GAP, _GAP), min_size=1, max_size=30),
       prefix=st.sampled_from(["", "sm:"]), step=st.integers(1, 64), compress=st.booleans())
def test_each_url_is_at_its_loc_line_and_column(entries, prefix, step, compress) -> None:  # type: ignore[no-untyped-def]
    declare = f'xmlns:sm="{NS}"' if prefix else f'xmlns="{NS}"'
    text = f'<?xml version="1.0"?>\n<{prefix}urlset {declare}>\n'
    expected = []
    for loc, before, inside in entries:
        text += before + f"<{prefix}url>" + inside
        line = text.count("\n") + 1
        expected.append((loc, line, len(text) - (text.rfind("\n") + 1) + 1))
        text += f"<{prefix}loc>{loc}</{prefix}loc></{prefix}url>"
    text += f"\n</{prefix}urlset>\n"
    # Plain text trickles in a few bytes at a time: a ``<loc`` tag is cut across reads.
    raw = io.BytesIO(gzip.compress(text.encode())) if compress else Trickle(text.encode(), step)
    items = list(read_items(raw, "s.xml"))
    assert items[0] == "sitemap"
    assert [(i.page.url, i.loc_line, i.loc_col) for i in items[1:]] == expected


# -- the tools over real HTTP --------------------------------------------------------------

class Routes(BaseHTTPRequestHandler):
    """Answers from ``route(path) -> (status, content type, body parts)``."""

    route: Callable[[str], tuple[int, str, list[bytes]]] = staticmethod(
        lambda path: (404, "text/plain", [b"no"]))

    def log_message(self, fmt: str, *args: object) -> None:
        pass

    def _answer(self) -> None:
        status, kind, parts = type(self).route(self.path)
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(sum(len(p) for p in parts)))
        self.end_headers()
        if self.command != "HEAD":
            for part in parts:
                self.wfile.write(part)

    do_GET = do_HEAD = _answer


@pytest.fixture
def http() -> Iterator[Callable[[Callable[[str], tuple[int, str, list[bytes]]]], str]]:
    servers: list[ThreadingHTTPServer] = []

    def start(route: Callable[[str], tuple[int, str, list[bytes]]]) -> str:
        handler = type("Handler", (Routes,), {"route": staticmethod(route)})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def head_page(url: str, filler: bytes = b"", x_default: bool = True) -> list[bytes]:
    default = f'<link rel="alternate" hreflang="x-default" href="{url}">' if x_default else ""
    head = (f'<!doctype html><html lang="en"><head><title>t</title>'
            f'<link rel="canonical" href="{url}">'
            f'<link rel="alternate" hreflang="en" href="{url}">{default}'
            "</head><body><p>").encode()
    return [head, filler, b"</p></body></html>"]


def hreflang_url(capsys, tmp_path: Path, url: str, *flags: str) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    status = main(["hreflang", "--root", str(tmp_path), "--url", url, "--format", "json",
                   "--no-cache", "--retries", "0", "--timeout", "10", "--allow-private",
                   *flags])
    return status, json.loads(capsys.readouterr().out)


def test_hreflang_url_reads_every_child_of_a_1001_child_index(http, capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The old reader stopped at 1,000 files and said 'ok' having audited nothing."""
    base = ""

    def route(path: str) -> tuple[int, str, list[bytes]]:
        if path == "/index.xml":
            return 200, "application/xml", [index([f"/c{i}.xml" for i in range(1001)])]
        if match := re.fullmatch(r"/c(\d+)\.xml", path):
            page = f"{base}/p{match.group(1)}"  # no x-default, in sitemap and head: HL007
            return 200, "application/xml", [urlset([page]).replace(b"</loc>", (
                f'</loc><xhtml:link rel="alternate" hreflang="en" href="{page}"/>').encode())]
        if re.fullmatch(r"/p\d+", path):
            return 200, "text/html", head_page(base + path, x_default=False)
        return 404, "text/plain", [b"no"]

    base = http(route)
    status, report = hreflang_url(capsys, tmp_path, base + "/index.xml", "--workers", "8")
    assert report["data"] == {"sitemaps": 1002, "sitemap_urls": 1001, "pages": 1001}
    warned = {f["path"] for f in report["findings"] if f["code"] == "HL007"}
    assert warned == {f"{base}/c{i}.xml" for i in range(1001)} | {
        f"{base}/p{i}" for i in range(1001)}
    assert status == 0  # warnings only; with --strict they fail


def test_hreflang_url_with_nothing_to_audit_is_an_error(http, capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    base = http(lambda path: (200, "application/xml", [urlset([])]) if path == "/s.xml"
                else (200, "application/xml", [index([])]))
    for start in ("/s.xml", "/index.xml"):
        status, report = hreflang_url(capsys, tmp_path, base + start)
        assert status == 1
        assert [(f["code"], f["path"]) for f in report["findings"]] == [("HL017", base + start)]


def test_hreflang_sitemap_with_nothing_to_audit_is_an_error(tmp_path: Path, capsys) -> None:
    (tmp_path / "empty.xml").write_bytes(urlset([]))
    status = main(["hreflang", "--root", str(tmp_path), "--sitemap", str(tmp_path / "empty.xml"),
                   "--format", "json"])
    assert status == 1
    assert [f["code"] for f in json.loads(capsys.readouterr().out)["findings"]] == ["HL017"]


def test_remote_sitemaps_never_name_local_files(http, capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "secret.xml"
    secret.write_bytes(urlset(["https://shop.test/secret"]))
    base = http(lambda path: {
        "/robots.txt": (200, "text/plain", [f"Sitemap: file://{secret}\n".encode()]),
        "/index.xml": (200, "application/xml", [index([f"file://{secret}"])]),
    }.get(path, (404, "text/plain", [b"no"])))
    for start in ("/robots.txt", "/index.xml"):
        status, report = hreflang_url(capsys, tmp_path, base + start)
        assert status == 1 and report["data"]["sitemap_urls"] == 0
        assert sorted(f["code"] for f in report["findings"]) == ["HL012", "HL017"]
        (refused,) = [f for f in report["findings"] if f["code"] == "HL012"]
        assert "not an http(s) URL" in refused["message"]


def test_hreflang_url_gzip_bomb_child_is_a_limit_finding(http, capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bomb = gzip.compress(f'<urlset xmlns="{NS}">\n'.encode()
                         + b"<!-- padding -->\n" * (51 * 1024 * 1024 // 17), 9)
    base = ""

    def route(path: str) -> tuple[int, str, list[bytes]]:
        if path == "/index.xml":
            return 200, "application/xml", [index(["/bomb.xml.gz", "/ok.xml"])]
        if path == "/bomb.xml.gz":
            return 200, "application/gzip", [bomb]
        if path == "/ok.xml":
            return 200, "application/xml", [urlset([base + "/p"])]
        return 200, "text/html", head_page(base + path)

    base = http(route)
    status, report = hreflang_url(capsys, tmp_path, base + "/index.xml")
    assert status == 1 and report["data"]["sitemap_urls"] == 1
    (limit,) = [f for f in report["findings"] if f["code"] == "HL016"]
    assert limit["path"] == base + "/bomb.xml.gz" and "52,428,800 bytes" in limit["message"]


def run_links(root: Path, *flags: str) -> int:
    return main(["links", "--root", str(root), "--no-cache", "--offline", *flags])


def test_links_reads_past_1000_children_and_reports_the_unreadable_one(tmp_path: Path) -> None:
    root = make_project(tmp_path / "site", {"en/a.md": article("a", "x")})
    folder = root / "maps"
    folder.mkdir()
    for i in range(1000):
        (folder / f"c{i}.xml").write_bytes(urlset([f"https://other.test/{i}"]))
    (folder / "c1000.xml").write_text("<urlset>\n<url><loc>x", encoding="utf-8")
    (folder / "index.xml").write_bytes(index([f"https://other.test/c{i}.xml"
                                              for i in range(1001)]))
    assert run_links(root, "--sitemap", str(folder / "index.xml")) == 1
    report = read_report(root)
    (bad,) = report["findings"]
    assert (bad["code"], bad["path"], bad["line"]) == ("LNK030", "maps/c1000.xml", 2)
    assert len(report["data"]["links"]) == 1000


def test_links_sitemap_limits_and_nothing_read_are_errors(tmp_path: Path, http) -> None:  # type: ignore[no-untyped-def]
    root = make_project(tmp_path / "site", {"en/a.md": article("a", "x")})
    many = [f"https://other.test/{i}" for i in range(50_002)]
    base = http(lambda path: {
        "/many.xml": (200, "application/xml", [urlset(many)]),
        "/empty.xml": (200, "application/xml", [urlset([])]),
        "/index.xml": (200, "application/xml", [index(["/many.xml", "/nested.xml"])]),
        "/nested.xml": (200, "application/xml", [index(["/many.xml"])]),
    }.get(path, (404, "text/plain", [b"no"])))
    assert run_links(root, "--sitemap", base + "/index.xml") == 1
    report = read_report(root)
    found = {(f["code"], f["path"], f["line"]) for f in report["findings"]}
    assert found == {("LNK031", base + "/many.xml", 50_003), ("LNK031", base + "/nested.xml", 1)}
    assert len(report["data"]["links"]) == 50_000
    assert run_links(root, "--sitemap", base + "/empty.xml") == 1
    assert [f["code"] for f in read_report(root)["findings"]] == ["LNK032"]
    assert run_links(root, "--sitemap", base + "/missing.xml") == 1
    assert sorted(f["code"] for f in read_report(root)["findings"]) == ["LNK030", "LNK032"]


def test_links_sitemap_download_over_50_mib_is_cut_and_reported(tmp_path: Path, http) -> None:  # type: ignore[no-untyped-def]
    root = make_project(tmp_path / "site", {"en/a.md": article("a", "x")})
    head = urlset(["https://other.test/first"]).replace(b"</urlset>\n", b"")
    padding = b"<!-- padding -->\n" * (50 * 1024 * 1024 // 17 + 1000)
    base = http(lambda path: (200, "application/xml", [head, padding, b"</urlset>\n"]))
    assert run_links(root, "--sitemap", base + "/huge.xml") == 1
    report = read_report(root)
    finding, nothing = report["findings"]  # the download stops at the limit: nothing read
    assert (finding["code"], finding["path"]) == ("LNK031", base + "/huge.xml")
    assert nothing["code"] == "LNK032"
    assert "more than 52,428,800 bytes" in finding["message"]


# -- memory --------------------------------------------------------------------------------

PAGE_FILLER = b"x" * (3 * 1024 * 1024)  # more than links.max_bytes: only the head is read


def _peak_of_live_audit(http, capsys, tmp_path: Path, pages: int) -> int:  # type: ignore[no-untyped-def]
    base = ""

    def route(path: str) -> tuple[int, str, list[bytes]]:
        if path == "/s.xml":
            return 200, "application/xml", [urlset([f"{base}/p{i}" for i in range(pages)])]
        return 200, "text/html", head_page(base + path, PAGE_FILLER)

    base = http(route)
    tracemalloc.start()
    try:
        status, report = hreflang_url(capsys, tmp_path, base + "/s.xml", "--workers", "2")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert report["data"]["pages"] == pages, report["findings"][:3]
    return peak


def test_live_audit_memory_does_not_grow_with_the_pages(http, capsys, tmp_path: Path) -> None:
    """Every body used to be kept (40 pages of 3 MiB: 120 MiB at once); now a page is
    read up to its ``</head>`` and only its annotations are kept."""
    _peak_of_live_audit(http, capsys, tmp_path, 2)  # imports and caches out of the way
    small = _peak_of_live_audit(http, capsys, tmp_path, 10)
    large = _peak_of_live_audit(http, capsys, tmp_path, 40)
    assert large < small * 1.5 + 1024 * 1024, (small, large)
    assert large < 3 * 1024 * 1024, large  # less than one page body


def test_reading_a_large_sitemap_stays_flat(tmp_path: Path) -> None:
    """A 30 MB sitemap streamed in a separate process: its peak memory grows by far less
    than the file (a parsed tree of it would take several times its size)."""
    big = tmp_path / "big.xml"
    with big.open("wb") as out:
        out.write(f'<urlset xmlns="{NS}" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'.encode())
        row = ('<url><loc>https://shop.test/page/{0}</loc><lastmod>2025-01-01</lastmod>'
               '<xhtml:link rel="alternate" hreflang="en" href="https://shop.test/page/{0}"/>'
               '</url>\n')
        for i in range(0, 200_000, 1000):
            out.write("".join(row.format(n) for n in range(i, i + 1000)).encode())
        out.write(b"</urlset>\n")
    script = textwrap.dedent(f"""
        import resource
        from pathlib import Path
        from pipeline.sitemaps.reader import Limits
        from pipeline.sitemaps.walk import Codes, Places, SitemapWalk
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        walk = SitemapWalk(Places(Path({str(tmp_path)!r})), [{str(big)!r}],
                           Codes("A", "B"), Limits(urls_per_file=10**6, urls=10**6))
        count = sum(1 for _ in walk)
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(count, len(walk.findings), (after - before) // 1024)
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                          text=True, timeout=300, check=True)
    count, findings, grown_mib = map(int, done.stdout.split())
    assert big.stat().st_size > 30 * 1024 * 1024
    assert (count, findings) == (200_000, 0)
    assert grown_mib < 40, done.stdout
