"""More than two languages: `i18n add`, a third LTR (fr) and a second RTL (ur) locale on the
bundled site, complete catalogs required, one finding per catalog with matching hints."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from urllib.parse import quote

import frontmatter
import pytest
from babel.messages.pofile import read_po, write_po
from lxml import etree, html
from sitetree import copy_bundled, sha256_text
from test_browser import browser, direction, platform_fonts  # noqa: F401 (browser: fixture)
from test_sitemaps import assert_valid

from pipeline.cli import main
from pipeline.preview.serve import make_server
from pipeline.render import catalogs

XHTML = "{http://www.w3.org/1999/xhtml}link"
SOURCE = "what-is-laser-skin-resurfacing"
ARTICLES = {  # locale -> (title, excerpt, slug, heading, paragraph)
    "fr": ("Qu'est-ce que le resurfaçage cutané au laser ?",
           "Le resurfaçage au laser est un soin esthétique courant qui atténue les rides, "
           "les ridules et les cicatrices.", "resurfacage-laser", "Comment ça marche ?",
           "Le laser retire en douceur la couche supérieure de la peau abîmée."),
    "ur": ("لیزر سے جلد کی بحالی کیا ہے؟",
           "لیزر سے جلد کی بحالی ایک عام جمالیاتی علاج ہے جو جھریوں، باریک لکیروں اور داغوں کو کم کرتا ہے۔",
           "لیزر-جلد", "یہ کیسے کام کرتا ہے؟",
           "لیزر نرمی سے جلد کی خراب اوپری تہہ ہٹاتا ہے۔"),
}
NAMES = {"en": "English", "ar": "العربية", "fr": "Français", "ur": "اردو"}


def project(tmp_path: Path) -> Path:
    return copy_bundled(tmp_path / "site")


def translate_catalog(path: Path, mark: str) -> None:
    """What a translator does: every msgstr (every plural form) filled, through Babel."""
    with path.open("rb") as fh:
        catalog = read_po(fh)
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            message.string = tuple(f"{mark} {message.id[min(i, 1)]}"
                                   for i in range(catalog.num_plurals))
        else:
            message.string = f"{mark} {message.id}"
    with path.open("wb") as fh:
        write_po(fh, catalog, width=0)


def write_translation(root: Path, locale: str) -> Path:
    title, excerpt, slug, heading, paragraph = ARTICLES[locale]
    source = root / "content/en" / f"{SOURCE}.md"
    post = frontmatter.load(source)
    post.metadata.update(title=title, excerpt=excerpt, slug=slug, locale=locale,
                         translationOf=sha256_text(source.read_text(encoding="utf-8")))
    post.content = f"{paragraph}\n\n## {heading}\n\n{paragraph}\n"
    path = root / "content" / locale / f"{SOURCE}.md"
    path.write_text(frontmatter.dumps(post) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def four_locales(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = project(tmp_path_factory.mktemp("locales"))
    for code in ("fr", "ur"):
        assert main(["i18n", "add", code, "--root", str(root)]) == 0
        translate_catalog(root / "locales" / code / "LC_MESSAGES/messages.po", f"[{code}]")
        write_translation(root, code)
    assert main(["build", "--root", str(root)]) == 0
    return root


def page(root: Path, rel: str) -> html.HtmlElement:
    return html.fromstring((root / "dist" / rel).read_bytes())


def test_i18n_add_writes_entry_tree_and_catalog_and_lists_the_strings(tmp_path: Path,
                                                                      capsys) -> None:
    root = project(tmp_path)
    before = (root / "site.toml").read_text(encoding="utf-8")
    assert main(["i18n", "add", "ur", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    text = (root / "site.toml").read_text(encoding="utf-8")
    assert text.startswith(before.split("\n[metadata]")[0])  # comments and entries kept
    assert "# IndexNow: no key is shipped" in text  # a comment far below the new entry
    entry = text.split('code = "ur"')[1].split("\n[")[0]
    assert 'hreflang = "ur"' in entry and 'og_locale = "ur_PK"' in entry
    assert 'direction = "rtl"' in entry and 'name = "اردو"' in entry
    assert (root / "content/ur").is_dir()
    po = root / "locales/ur/LC_MESSAGES/messages.po"
    with po.open("rb") as fh:
        catalog = read_po(fh)
    assert catalog.locale_identifier == "ur" and catalog.num_plurals == 2
    assert {catalogs.msgid_of(m) for m in catalog if m.id} == catalogs.ui_msgids()
    listed = re.findall(r'^  line (\d+): "([^"]+)"', out, re.M)
    assert {msgid for _, msgid in listed} == catalogs.ui_msgids()  # exactly these strings
    assert '"Page not found": fill msgstr\n' in out
    assert "fill msgstr[0]..msgstr[1] (the 2 plural forms of 'ur')" in out
    # Again: nothing is added twice, translations are kept, the list shrinks.
    translate_catalog(po, "[ur]")
    assert main(["i18n", "add", "ur", "--root", str(root)]) == 0
    again = capsys.readouterr().out
    assert "already configured" in again
    assert f"0 of {len(catalogs.ui_msgids())} UI strings to translate" in again
    assert (root / "site.toml").read_text(encoding="utf-8").count('code = "ur"') == 1
    assert "[ur] Page not found" in po.read_text(encoding="utf-8")


def test_i18n_add_refuses_an_unknown_language(tmp_path: Path, capsys) -> None:
    root = project(tmp_path)
    before = (root / "site.toml").read_bytes()
    assert main(["i18n", "add", "xx-nowhere", "--root", str(root)]) == 2
    assert "I18N001" in capsys.readouterr().err
    assert (root / "site.toml").read_bytes() == before
    assert not (root / "content/xx-nowhere").exists()


def test_untranslated_catalog_is_one_finding_with_matching_hints(tmp_path: Path,
                                                                  capsys) -> None:
    root = project(tmp_path)
    assert main(["i18n", "add", "fr", "--root", str(root)]) == 0
    capsys.readouterr()
    # No French articles yet: the empty catalog is a warning, the build passes.
    assert main(["build", "--root", str(root), "--format", "json"]) == 0
    capsys.readouterr()
    write_translation(root, "fr")
    assert main(["bundles", "--root", str(root), "--format", "json"]) == 1
    findings = [f for f in json.loads(capsys.readouterr().out)["findings"]
                if f["code"].startswith("BN3")]
    assert len(findings) == 1
    (finding,) = findings
    assert finding["code"] == "BN303" and finding["severity"] == "error"
    assert finding["path"] == "locales/fr/LC_MESSAGES/messages.po"
    assert finding["message"].startswith(f"{len(catalogs.ui_msgids())} untranslated string(s): ")
    for msgid in catalogs.ui_msgids():
        assert repr(msgid) in finding["message"]
    hint = finding["hint"]
    assert 'msgstr ""' in hint and "plural" in hint
    assert "for 'Reading time: %(num)s minute' fill msgstr[0]..msgstr[2]" in hint
    assert "'Page not found'" not in hint  # the plain string is not told about plural forms


def test_hint_of_plain_strings_says_nothing_about_plural_forms(tmp_path: Path) -> None:
    po = tmp_path / "fr/LC_MESSAGES/messages.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Language: fr\\n"\n\nmsgid "Page not found"\n'
                  'msgstr ""\n', encoding="utf-8")
    with po.open("rb") as fh:
        (finding,) = catalogs.check_catalog(read_po(fh), "x.po")
    assert finding.code == "BN303" and finding.line == 5
    assert "plural" not in finding.hint and "msgstr" in finding.hint


def test_catalog_lacking_strings_and_missing_catalog_of_a_locale_with_articles(
        tmp_path: Path, capsys) -> None:
    root = project(tmp_path)
    assert main(["i18n", "add", "fr", "--root", str(root)]) == 0
    po = root / "locales/fr/LC_MESSAGES/messages.po"
    translate_catalog(po, "[fr]")
    text = po.read_text(encoding="utf-8")
    cut = text.index('msgid "Skip to content"')
    po.write_text(text[:cut] + text[text.index("\n\n", cut) + 2:], encoding="utf-8")
    write_translation(root, "fr")
    capsys.readouterr()
    assert main(["bundles", "--root", str(root), "--format", "json"]) == 1
    (finding,) = [f for f in json.loads(capsys.readouterr().out)["findings"]
                  if f["code"].startswith("BN3")]
    assert finding["code"] == "BN306" and "'Skip to content'" in finding["message"]
    assert "seo-pipeline i18n add fr" in finding["hint"]
    po.unlink()
    assert main(["bundles", "--root", str(root), "--format", "json"]) == 1
    (finding,) = [f for f in json.loads(capsys.readouterr().out)["findings"]
                  if f["code"].startswith("BN3")]
    assert finding["code"] == "BN305" and finding["severity"] == "error"
    assert "seo-pipeline i18n add fr" in finding["hint"]


def test_four_locales_hreflang_audit_is_clean(four_locales: Path, capsys) -> None:
    capsys.readouterr()
    for extra in ([], ["--sitemap", str(four_locales / "sitemap")]):
        assert main(["hreflang", "--root", str(four_locales), "--strict", "--format", "json",
                     *extra]) == 0
        report = json.loads(capsys.readouterr().out)
        assert report["findings"] == [], report["findings"]


def test_four_locales_pages_have_full_clusters_and_x_default(four_locales: Path) -> None:
    cluster_pages = {"en": f"en/{SOURCE}/index.html", "fr": "fr/resurfacage-laser/index.html",
                     "ur": "ur/لیزر-جلد/index.html"}
    for locale, rel in cluster_pages.items():
        doc = page(four_locales, rel)
        langs = {link.get("hreflang") for link in doc.xpath('//head/link[@rel="alternate"]')
                 if link.get("hreflang")}
        assert langs == {"en", "ar", "fr", "ur", "x-default"}, (locale, langs)
        switcher = [a.text_content() for a in doc.xpath('//nav[@class="switcher"]//li')]
        assert switcher == list(NAMES.values()), (locale, switcher)
    for code in NAMES:
        doc = page(four_locales, f"{code}/index.html")
        assert {link.get("hreflang") for link in doc.xpath('//head/link[@rel="alternate"]')
                if link.get("hreflang")} == {*NAMES, "x-default"}
    chooser = page(four_locales, "index.html")
    assert [li.get("lang") for li in chooser.xpath('//ul[@class="chooser"]/li')] == list(NAMES)
    names = [n.text_content() for n in chooser.xpath('//ul[@class="chooser"]//*[@class="name"]')]
    assert names == list(NAMES.values())
    assert "[fr] Read the articles in this language" in etree.tostring(
        chooser, encoding="unicode")


def test_four_locales_direction_fonts_and_translated_ui(four_locales: Path) -> None:
    ur = page(four_locales, "ur/لیزر-جلد/index.html")
    fr = page(four_locales, "fr/resurfacage-laser/index.html")
    assert (ur.get("lang"), ur.get("dir")) == ("ur", "rtl")
    assert (fr.get("lang"), fr.get("dir")) == ("fr", "ltr")
    assert "[ur] All articles" in ur.text_content()
    assert "[fr] Skip to content" in fr.text_content()
    assert "[ur] Reading time:" in ur.text_content()
    css = re.sub(r"/\*.*?\*/", "", (four_locales / "dist/static/site.css").read_text(
        encoding="utf-8"), flags=re.S)
    rules = {selector.strip(): body for selector, body in re.findall(r"([^{}]+)\{([^}]*)\}", css)}
    urdu = [body for selector, body in rules.items() if selector == ":lang(ur)"]
    assert urdu and "Noto Nastaliq Urdu" in urdu[0]  # Arabic-script fonts, not Latin ones
    scaled = [s for s in rules if s.startswith("html:is(") and ":lang(ur)" in s]
    assert scaled, "Urdu pages are not enlarged like Arabic ones"


def test_four_locales_sitemaps_validate_and_list_every_alternate(four_locales: Path) -> None:
    folder = four_locales / "sitemap"
    clusters = {}
    for path in sorted(folder.iterdir()):
        tree = assert_valid(path)
        for url in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}url"):
            loc = url.findtext("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
            clusters[loc] = {link.get("hreflang") for link in url.iter(XHTML)}
    fr_url = "https://o9medical.com/fr/resurfacage-laser/"
    assert clusters[fr_url] == {"en", "ar", "fr", "ur", "x-default"}
    ur_urls = [u for u in clusters if u.startswith("https://o9medical.com/ur/%D9")]
    assert len(ur_urls) == 1 and clusters[ur_urls[0]] == clusters[fr_url]
    assert clusters["https://o9medical.com/"] == {*NAMES, "x-default"}


def test_i18n_add_without_a_template_uses_the_packages_strings(tmp_path: Path,
                                                               capsys) -> None:
    """A pip-installed project has no locales/messages.pot: the package's strings serve."""
    root = project(tmp_path)
    (root / "locales/messages.pot").unlink()
    assert main(["i18n", "add", "he", "--root", str(root)]) == 0
    count = len(catalogs.ui_msgids())
    assert f"{count} of {count} UI strings to translate" in capsys.readouterr().out
    with (root / "locales/he/LC_MESSAGES/messages.po").open("rb") as fh:
        catalog = read_po(fh)
    assert {catalogs.msgid_of(m) for m in catalog if m.id} == catalogs.ui_msgids()
    assert 'direction = "rtl"' in (root / "site.toml").read_text(encoding="utf-8")


@pytest.mark.browser
def test_urdu_page_is_drawn_right_to_left_in_nastaliq(four_locales: Path, browser) -> None:  # noqa: F811
    server = make_server(four_locales / "dist")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    try:
        page = browser.new_page()
        page.goto(f"http://{host}:{port}/ur/{quote('لیزر-جلد')}/")
        for selector in ("body", "article h1", ".article-body p"):
            assert direction(page, selector) == "rtl", selector
        assert "Noto Nastaliq Urdu" in platform_fonts(page, "article h1")
        page.goto(f"http://{host}:{port}/fr/resurfacage-laser/")
        assert direction(page, "article h1") == "ltr"
        assert not any("Arabic" in f or "Urdu" in f for f in platform_fonts(page, "article h1"))
        page.close()
    finally:
        server.shutdown()
        server.server_close()
