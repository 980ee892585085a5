"""Independent validators on built sites: the Nu HTML Checker on every page of the bundled
site and of a generated corpus; Lighthouse 12 (SEO, accessibility, best practices = 100)
on every indexable page of the bundled site, served on loopback; sitemap schemas.

The tools come from ``scripts/ensure-validators.sh`` (``make test`` runs it); a missing
tool fails the test with that hint instead of skipping it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sitetree import REPO

from pipeline.audit import lighthouse, nu
from pipeline.audit.site import audit, html_files, lines, served
from pipeline.audit.tools import ToolMissing
from pipeline.cli import main

pytestmark = pytest.mark.validators

# 10 articles, /en/ and /ar/ with a second page each, 5 tag pages per locale (laser has
# two pages), the search page per locale, the chooser and 404.html: three articles per
# list page (copy_project).
BUNDLED_PAGES = 28


def copy_project(target: Path) -> Path:
    for name in ("content", "public"):  # UI catalogs: the package's defaults
        shutil.copytree(REPO / name, target / name)
    config = (REPO / "site.toml").read_text(encoding="utf-8")
    assert "per_page = 30" in config
    (target / "site.toml").write_text(config.replace("per_page = 30", "per_page = 3"),
                                      encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("bundled"))
    assert main(["build", "--root", str(root)]) == 0
    return root / "dist"


def nu_check(files: list[Path]) -> dict[Path, list[nu.NuMessage]]:
    try:
        return nu.check(files)
    except ToolMissing as exc:
        pytest.fail(str(exc))


def test_nu_finds_errors_it_should(tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text('<!doctype html><html lang="en"><head><title>x</title></head><body>'
                   '<time datetime="2025-07-01T05:35:07.322000+00:00">July</time>'
                   "<p><div>block in p</div></body></html>")
    (messages,) = nu_check([bad]).values()
    assert any("datetime" in m.message for m in messages)


def test_nu_zero_errors_on_every_bundled_page(bundled: Path) -> None:
    files = html_files(bundled)
    assert len(files) == BUNDLED_PAGES
    errors = {f.relative_to(bundled).as_posix(): [f"{m.line}: {m.message}" for m in found]
              for f, found in nu_check(files).items() if found}
    assert errors == {}


def test_nu_zero_errors_on_redirect_pages(tmp_path: Path) -> None:
    """Redirect pages (English, Arabic right-to-left, a rule's target) are valid HTML."""
    root = copy_project(tmp_path / "site")
    with (root / "site.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[redirects]\nrules = ["/old-blog/ /en/"]\n')
    for locale, alias in (("en", "/en/2019/laser/"), ("ar", "/ar/قديم/")):
        source = sorted((root / "content" / locale).glob("*.md"))[0]
        text = source.read_text(encoding="utf-8")
        source.write_text(text.replace("\n---\n", f'\naliases: ["{alias}"]\n---\n', 1),
                          encoding="utf-8")
    assert main(["build", "--root", str(root)]) == 0
    files = [root / "dist" / rel for rel in ("en/2019/laser/index.html",
                                             "ar/قديم/index.html", "old-blog/index.html")]
    assert all(b'http-equiv="refresh"' in f.read_bytes() for f in files)
    errors = {f.relative_to(root).as_posix(): [f"{m.line}: {m.message}" for m in found]
              for f, found in nu_check(files).items() if found}
    assert errors == {}


CORPUS_BODY = """\
Intro paragraph with **bold**, *emphasis*, `code`, a [link](https://example.org/a b),
an autolink <https://example.org/x?y=1&z=2> and raw <b>HTML</b> <script>alert(1)</script>.

## Steps

1. First step
2. Second step with a nested list:
   - inner *item*
   - inner item with `code`
3. Third step

## Steps

> A quote with a list:
> - one
> - two

| Left | Centre | Right |
|:--|:-:|--:|
| a | b | 1 |
| <i>x</i> | `y` | 22 |

```python
print("<not a tag>")
```

![missing image](/assets/nope.png "title")
![present image](/assets/blog/authors/a.jpg)

### Deep heading {n}

Line one\\
line two. Footnote-like [^1] text & ampersands < less-than.

---

<div onclick="x()">raw block</div>

- [ ] task
- [x] done
"""


def test_nu_zero_errors_on_a_generated_corpus(tmp_path: Path) -> None:
    from seo_site import Post, write_post, write_site

    root = write_site(tmp_path / "corpus", posts=[], extra="[bundles]\nper_page = 4\n")
    titles = ["Plain title", 'Quotes "and" <tags> & ampersands', "عنوان عربي مع أرقام ١٢٣",
              "Mixed English و العربية", "A" * 90]
    for n in range(20):
        locale = "ar" if n % 3 == 0 else "en"
        post = Post(locale, f"post-{n}", f"key-{n // 2}", f"{titles[n % len(titles)]} {n}",
                    image=f"/assets/blog/c{n}.jpg", date=f"2025-0{1 + n % 9}-1{n % 10}T0"
                    f"{n % 10}:30:00.{n:03d}+0{n % 4}:00", tags=[f"t{n}", "shared"])
        path = write_post(root, post)
        path.write_text(path.read_text(encoding="utf-8").replace(
            f"Body of post-{n}.", CORPUS_BODY.format(n=n)), encoding="utf-8")
    assert main(["bundles", "--root", str(root)]) in (0, 1)  # warnings only
    files = html_files(root / "dist")
    assert len(files) >= 23
    paged = {f.relative_to(root / "dist").as_posix() for f in files}
    assert {"en/page/2/index.html", "en/tags/shared/page/2/index.html"} <= paged
    errors = {f.relative_to(root).as_posix(): [f"{m.line}: {m.message}" for m in found]
              for f, found in nu_check(files).items() if found}
    assert errors == {}


def test_lighthouse_100_on_every_indexable_bundled_page(bundled: Path) -> None:
    try:
        result = audit(bundled)
    except ToolMissing as exc:
        pytest.fail(str(exc))
    report = "\n".join(lines(result))
    scored = [p for p in result.pages if p.lighthouse is not None]
    assert len(scored) == BUNDLED_PAGES - 3, report  # all but 404 and the search pages
    assert sorted(p.path for p in result.pages if not p.indexable) == \
        ["/404.html", "/ar/search/", "/en/search/"]
    assert all(p.lighthouse.perfect for p in scored), report
    assert result.ok, report
    assert sorted(result.sitemaps) == ["sitemap-ar-1.xml", "sitemap-en-1.xml", "sitemap.xml",
                                       "sitemap_index.xml"]


def test_lighthouse_reports_failing_audits(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(
        "<!doctype html><html><head><title>t</title></head><body>"
        '<img src="data:,"><a href="#"></a></body></html>')
    try:
        with served(tmp_path) as origin:
            (page,) = lighthouse.run([origin + "/"])
    except ToolMissing as exc:
        pytest.fail(str(exc))
    assert not page.perfect
    assert {"meta-description", "html-has-lang", "image-alt"} <= set(page.failing)
    assert page.scores["seo"] < 100 and page.scores["accessibility"] < 100


def test_audit_command_prints_one_line_per_page(bundled: Path, tmp_path: Path, capsys) -> None:
    from pipeline.audit.__main__ import main as audit_main

    site = tmp_path / "site"
    shutil.copytree(bundled, site)
    broken = site / "ar" / "صفحة مكسورة" / "index.html"  # a file name Nu reports as a URL
    broken.parent.mkdir()
    broken.write_text("<!doctype html><title>x</title><p>x</span>", encoding="utf-8")
    assert audit_main(["--site", str(site), "--no-lighthouse"]) == 1
    out = capsys.readouterr().out.splitlines()
    pages = [line for line in out if " nu " in line]
    assert len(pages) == BUNDLED_PAGES + 1
    (failing,) = [line for line in pages if line.startswith("FAIL")]
    assert failing.startswith("FAIL /ar/صفحة مكسورة/  nu 1 error(s)")
    assert "failing: nu:1: Stray end tag" in failing
    assert out[-1] == f"audit: {BUNDLED_PAGES + 1} page(s), 4 sitemap file(s), 1 failing"
    assert audit_main(["--site", str(tmp_path / "missing")]) == 2


def test_site_report_nu_clean_and_lighthouse_accessibility_100(tmp_path: Path) -> None:
    """The site health report (``reports/index.html``, both languages on one page) with
    every part filled: a near-copy of an article (cluster, near-duplicate, orphan) and an
    offline links run (link health)."""
    root = copy_project(tmp_path)
    source = (root / "content/en/what-is-laser-skin-resurfacing.md").read_text(encoding="utf-8")
    (root / "content/en/near-copy.md").write_text(
        source.replace("slug: what-is-laser-skin-resurfacing", "slug: near-copy")
        .replace("translationKey: what-is-laser-skin-resurfacing", "translationKey: near-copy"),
        encoding="utf-8")
    assert main(["links", "--offline", "--root", str(root)]) == 0
    assert main(["build", "--root", str(root)]) == 0
    reports = root / "reports"
    page = reports / "index.html"
    html = page.read_text(encoding="utf-8")
    assert '<table class="pair">' in html and "content/en/near-copy.md:" in html
    errors = [f"{m.line}: {m.message}" for m in nu_check([page])[page]]
    assert errors == []
    try:
        with served(reports) as origin:
            (scores,) = lighthouse.run([origin + "/index.html"])
    except ToolMissing as exc:
        pytest.fail(str(exc))
    assert scores.scores["accessibility"] == 100, scores.failing
