"""Related articles (render/related.py): same locale, deterministic, tags and text, the
same relation across translations, and a page re-rendered only when its list changes."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from conftest import REPO, SITE_TOML, write_image
from hypothesis import given
from hypothesis import strategies as st
from lxml import html as lxml_html

from pipeline.content.terms import normalise
from pipeline.runner import build_project

TOPICS = {
    "acne": ("Acne scars and lasers", "acne scars acne lasers scars acne"),
    "acne2": ("Treating acne scars", "acne scars treatment acne scars"),
    "sun": ("Sunscreen every day", "sunscreen sun protection sunscreen"),
    "sun2": ("Choosing a sunscreen", "sunscreen spf sun sunscreen protection"),
    "peel": ("Chemical peels", "peel chemical acid peel skin"),
    "hair": ("Laser hair removal", "hair removal laser hair sessions"),
}
EXTRA = {  # topics of their own: their lists do not name the edited article
    "botox": ("Botulinum injections", "botulinum injections wrinkles forehead injections"),
    "botox2": ("Wrinkle injections", "wrinkles injections botulinum frown"),
    "nails": ("Nail fungus", "nails fungus toenails treatment fungus"),
    "nails2": ("Brittle nails", "nails brittle keratin nails"),
    "diet": ("Diet and skin", "diet sugar dairy diet skin"),
}
AR_TOPICS = {
    "acne": ("ندبات حب الشباب والليزر", "ندبات حَبّ الشباب ندبات الليزر ندبات"),
    "acne2": ("علاج ندبات حب الشباب", "ندبات علاج حب الشباب ندبات"),
    "sun": ("واقي الشمس كل يوم", "واقي الشمس حماية واقي"),
    "sun2": ("اختيار واقي الشمس", "واقي الشمس عامل الحماية واقي"),
    "peel": ("التقشير الكيميائي", "تقشير كيميائي حمض تقشير"),
}


def article(locale: str, key: str, title: str, body: str, tags: str = "") -> str:
    excerpt = f"An excerpt that is long enough to be a good meta description for {key}."
    return (f'---\ntitle: "{title}"\nexcerpt: "{excerpt}"\ndate: "2025-07-01T05:35:07Z"\n'
            f'coverImage: "/assets/a.jpeg"\n'
            f"author:\n  name: Team\ntranslationKey: {key}\n{tags}---\n\n{body}\n")


def make(root: Path) -> Path:
    (root / "content/en").mkdir(parents=True)
    (root / "content/ar").mkdir(parents=True)
    (root / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    shutil.copytree(REPO / "locales", root / "locales")
    write_image(root / "public/assets/a.jpeg")
    for key, (title, body) in TOPICS.items():
        (root / f"content/en/{key}.md").write_text(article("en", key, title, body),
                                                 encoding="utf-8")
    for key, (title, body) in AR_TOPICS.items():
        (root / f"content/ar/{key}.md").write_text(article("ar", key, title, body),
                                                 encoding="utf-8")
    return root


def build(root: Path) -> dict[str, int]:
    options = argparse.Namespace(jobs=1, format="human", strict=False, force=False)
    results = build_project(root, None, options).results
    assert not any(r.errors for r in results), [f for r in results for f in r.findings
                                                 if f.severity.value == "error"][:3]
    return next(r.run_stats for r in results if r.stage == "bundles")


def related(root: Path, locale: str, key: str) -> list[tuple[str, str]]:
    page: Path | None = root / "dist" / locale / key / "index.html"
    if not page.exists():  # Arabic pages live under their title's slug
        page = next(p for p in (root / "dist" / locale).glob("*/index.html")
                    if f"translationKey\": \"{key}\"" in (p.parent / "article.json").read_text())
    tree = lxml_html.fromstring(page.read_bytes())
    return [(a.get("href"), a.text_content()) for a in tree.xpath("//aside[@class='related']//a")]


def key_of(root: Path, locale: str, href: str) -> str:
    for path in (root / "dist" / locale).glob("*/article.json"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc["path"] == href:
            return str(doc["translationKey"])
    raise AssertionError(href)


def test_lists_are_in_locale_ranked_by_text_and_the_same_across_translations(tmp_path):
    root = make(tmp_path / "site")
    build(root)
    en = related(root, "en", "acne")
    assert 3 <= len(en) <= 5
    assert all(href.startswith("/en/") for href, _ in en)
    assert en[0] == ("/en/acne2/", "Treating acne scars")  # the most similar text first
    assert key_of(root, "en", related(root, "en", "sun")[0][0]) == "sun2"
    ar = related(root, "ar", "acne")
    assert all(href.startswith("/ar/") for href, _ in ar)
    assert key_of(root, "ar", ar[0][0]) == "acne2"  # diacritics do not hide the match
    en_keys = [key_of(root, "en", h) for h, _ in en if key_of(root, "en", h) in AR_TOPICS]
    assert [key_of(root, "ar", h) for h, _ in ar] == en_keys[:len(ar)]


def test_shared_tags_make_articles_related(tmp_path):
    root = make(tmp_path / "site")
    hair = root / "content/en/hair.md"
    peel = root / "content/en/peel.md"
    for path in (hair, peel):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("translationKey", 'tags: ["resurfacing"]\ntranslationKey'),
                        encoding="utf-8")
    build(root)
    assert related(root, "en", "hair")[0] == ("/en/peel/", "Chemical peels")


def all_lists(root: Path) -> dict[str, list[tuple[str, str]]]:
    return {f"{locale}:{key}": related(root, locale, key)
            for locale, topics in (("en", {**TOPICS, **EXTRA}), ("ar", AR_TOPICS))
            for key in topics if locale == "ar" or (root / f"content/en/{key}.md").exists()}


def test_a_title_edit_rerenders_exactly_the_changed_lists_as_a_clean_build(tmp_path):
    root = make(tmp_path / "site")
    for key in EXTRA:
        (root / f"content/en/{key}.md").write_text(article("en", key, *EXTRA[key]),
                                                 encoding="utf-8")
    build(root)
    before = all_lists(root)
    path = root / "content/en/acne2.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Treating acne scars",
                                                             "Fading acne scars"),
                    encoding="utf-8")
    stats = build(root)
    after = all_lists(root)
    assert ("/en/acne2/", "Fading acne scars") in related(root, "en", "acne")
    changed = {name.split(":")[1] for name in before if before[name] != after[name]}
    assert stats["units run"] == len(changed | {"acne2"}) < len(TOPICS) + len(EXTRA)
    clean = make(tmp_path / "clean")
    for key in EXTRA:
        shutil.copy(root / f"content/en/{key}.md", clean / f"content/en/{key}.md")
    shutil.copy(path, clean / "content/en/acne2.md")
    build(clean)
    for page in sorted((root / "dist").rglob("*")):
        if page.is_file():
            assert page.read_bytes() == (clean / "dist" / page.relative_to(root / "dist")) \
                .read_bytes(), page


def test_an_unrelated_body_edit_rerenders_few_units(tmp_path):
    root = make(tmp_path / "site")
    build(root)
    path = root / "content/en/hair.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nhair hair\n", encoding="utf-8")
    assert build(root)["units run"] <= 2


def test_related_zero_turns_the_lists_off(tmp_path):
    root = make(tmp_path / "site")
    config = root / "site.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "[[locales]]", "[bundles]\nrelated = 0\n\n[[locales]]", 1), encoding="utf-8")
    build(root)
    assert related(root, "en", "acne") == []


@given(st.text(alphabet="اأإآٱبةىيـًٌٍَُِّْ", max_size=30))
def test_arabic_normalisation_removes_marks_and_unifies_letters(text):
    out = normalise(text)
    assert not set(out) & set("أإآٱىةـًٌٍَُِّْ")
    assert normalise(out) == out


def test_lists_are_scored_again_only_when_a_summary_changes(tmp_path, monkeypatch):
    from pipeline.render import related as module

    root = make(tmp_path / "site")
    build(root)
    before = all_lists(root)
    calls: list[int] = []
    real = module._links
    monkeypatch.setattr(module, "_links", lambda *a: calls.append(1) or real(*a))
    path = root / "content/en/hair.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("sessions", "sessions."), encoding="utf-8")  # same terms
    stats = build(root)
    assert calls == [] and stats["units run"] == 1 and all_lists(root) == before
    path.write_text(text.replace("Laser hair removal", "Acne scars and hair"),
                    encoding="utf-8")
    build(root)
    assert calls == [1] and all_lists(root) != before


VOCAB = ["laser", "skin", "acne", "scar", "peel", "ليزر", "بشرة", "ندبات", "تقشير"]
DOC = st.tuples(st.lists(st.tuples(st.sampled_from(VOCAB), st.integers(1, 5)), max_size=6,
                         unique_by=lambda t: t[0]),
                st.frozensets(st.sampled_from(["a", "b", "c"]), max_size=2),
                st.integers(0, 3))


@given(st.dictionaries(st.sampled_from([f"k{i}" for i in range(12)]), DOC, max_size=12),
       st.integers(1, 5), st.randoms(use_true_random=False))
def test_lists_do_not_depend_on_input_order_and_name_others_of_the_locale(docs, count, rnd):
    from pipeline.render.related import Doc, _links

    def locale(code: str, keys: list[str]) -> dict[str, Doc]:
        return {k: Doc(k, f"content/{code}/{k}.md", f"/{code}/{k}/", k,
                       (-float(docs[k][2]), k), docs[k][1],
                       tuple(sorted(docs[k][0], key=lambda t: (-t[1], t[0]))))
                for k in keys}

    keys = sorted(docs)
    arabic = keys[::2]  # translations of every other group
    first = _links({"en": locale("en", keys), "ar": locale("ar", arabic)}, count)
    shuffled = keys[:]
    rnd.shuffle(shuffled)
    again = _links({"ar": locale("ar", arabic[::-1]), "en": locale("en", shuffled)}, count)
    assert {k: dict(sorted(v.items())) for k, v in first.items()} == \
        {k: dict(sorted(v.items())) for k, v in again.items()}
    for key, by_source in first.items():
        for source, items in by_source.items():
            code = source.split("/")[1]
            hrefs = [h for h, _ in items]
            assert len(hrefs) == len(set(hrefs)) == min(count, len(
                keys if code == "en" else arabic) - 1)
            assert f"/{code}/{key}/" not in hrefs
            assert all(h.startswith(f"/{code}/") for h in hrefs)
