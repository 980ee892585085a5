"""Names that look the same are one name: slugs and translation keys a file name gives
are its NFC form (FM110 warns when the name is not NFC); explicit ones must be NFC
(FM105) or ASCII (FM107)."""

from __future__ import annotations

import tempfile
import unicodedata
from pathlib import Path

from conftest import AR_ARTICLE, EN_ARTICLE, build_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.content.load import load_article, load_site
from pipeline.core.settings import load_settings

CAFE_NFC = unicodedata.normalize("NFC", "café")
CAFE_NFD = unicodedata.normalize("NFD", "café")


def _without(text: str, *keys: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True)
                   if not line.startswith(tuple(f"{k}:" for k in keys)))


def _load(root: Path):  # type: ignore[no-untyped-def]
    return load_site(load_settings(root), use_cache=False)


def _codes(findings, code: str) -> list[tuple[str, int, int]]:  # type: ignore[no-untyped-def]
    return [(f.path, f.line, f.col) for f in findings if f.code == code]


def test_nfd_and_nfc_file_names_give_one_translation_key(tmp_path: Path) -> None:
    root = build_site(tmp_path, {
        f"content/en/{CAFE_NFD}.md": _without(EN_ARTICLE, "slug", "translationKey"),
        f"content/ar/{CAFE_NFC}.md": _without(AR_ARTICLE, "translationKey"),
    })
    site, findings = _load(root)
    en, ar = site.in_locale("en")[0], site.in_locale("ar")[0]
    assert en.translation_key == ar.translation_key == CAFE_NFC
    assert en.slug == CAFE_NFC
    assert ar in site.translations(en) and len(site.groups()) == 1
    warned = [f for f in findings if f.code == "FM110"]
    assert [(f.path, f.line, f.col) for f in warned] == [(f"content/en/{CAFE_NFD}.md", 1, 1)]
    assert "slug and translation key" in warned[0].message
    assert "\\u0301" in warned[0].message  # the decomposed accent is shown, not hidden
    assert main(["validate", "--root", str(root)]) == 0


def test_the_english_page_lists_the_arabic_alternate(tmp_path: Path) -> None:
    root = build_site(tmp_path, {
        f"content/en/{CAFE_NFD}.md": _without(EN_ARTICLE, "slug", "translationKey"),
        f"content/ar/{CAFE_NFC}.md": _without(AR_ARTICLE, "translationKey"),
    })
    assert main(["build", "--root", str(root), "--format", "json"]) == 0
    page = (root / "dist" / "en" / CAFE_NFC / "index.html").read_text(encoding="utf-8")
    assert 'hreflang="ar"' in page


def test_only_what_the_name_gives_is_named(tmp_path: Path) -> None:
    root = build_site(tmp_path, {f"content/en/{CAFE_NFD}.md": _without(EN_ARTICLE,
                                                                         "translationKey")})
    _, findings = _load(root)
    [warned] = [f for f in findings if f.code == "FM110"]
    assert "its translation key use" in warned.message and "slug" not in warned.message
    root = build_site(tmp_path / "b", {f"content/en/{CAFE_NFD}.md": EN_ARTICLE})
    _, findings = _load(root)
    assert _codes(findings, "FM110") == []  # slug and key are explicit: the name gives nothing


def test_two_files_differing_only_in_normal_form_collide(tmp_path: Path) -> None:
    text = _without(EN_ARTICLE, "slug", "translationKey")
    root = build_site(tmp_path, {f"content/en/{CAFE_NFD}.md": text,
                                 f"content/en/{CAFE_NFC}.md": text})
    assert main(["validate", "--root", str(root), "--format", "json"]) == 1
    _, findings = _load(root)
    from pipeline.stages.validate import run

    site, _ = _load(root)
    codes = {f.code for f in run(site).findings if f.is_error}
    assert {"FM202", "FM203"} <= codes


def test_explicit_slug_and_key_in_nfd_are_refused(tmp_path: Path) -> None:
    slug = EN_ARTICLE.replace("slug: laser-basics", f"slug: {CAFE_NFD}")
    key = EN_ARTICLE.replace("translationKey: laser-basics", f"translationKey: {CAFE_NFD}")
    root = build_site(tmp_path, {"content/en/a.md": slug, "content/en/b.md": key})
    _, findings = _load(root)
    assert [(f.code, f.path) for f in findings if f.is_error] == [
        ("FM105", "content/en/a.md"), ("FM107", "content/en/b.md")]
    assert "NFC" in next(f.message for f in findings if f.code == "FM105")


def test_tags_that_differ_only_in_normal_form_are_one_tag(tmp_path: Path) -> None:
    text = EN_ARTICLE.replace("translationKey: laser-basics\n",
                              f"translationKey: laser-basics\ntags: [{CAFE_NFD}, {CAFE_NFC}]\n")
    root = build_site(tmp_path, {"content/en/a.md": text})
    site, _ = _load(root)
    assert site.articles[0].meta.tags == (CAFE_NFC,)


NAME_CHARS = st.sampled_from(["a", "e", "\u0301", "\u0308", "\u00e9", "\u0627", "\u0653",
                              "\u0622", "\u064b", "-", "1", "\u1e9b", "\u0323"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stem=st.text(NAME_CHARS, min_size=1, max_size=6).filter(lambda s: s[0].isalnum()))
def test_a_file_name_gives_its_nfc_form(stem: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = build_site(Path(folder), {
            f"content/en/{stem}.md": _without(EN_ARTICLE, "slug", "translationKey")})
        article, findings = load_article(root / "content" / "en" / f"{stem}.md", "en",
                                         load_settings(root))
    nfc = unicodedata.normalize("NFC", stem)
    assert bool(_codes(findings, "FM110")) == (stem != nfc)
    if article is not None:
        assert article.translation_key == article.slug == nfc
    else:  # the NFC name is still no slug (a leading mark, say): FM105, located
        assert _codes(findings, "FM105") == [(f"content/en/{stem}.md", 1, 1)]
