"""Cross-article checks (CROSS001-CROSS006) in English and Arabic, through real builds:
examples that must and must not trigger, Arabic morphology, and the per-unit summaries."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import build_site
from hypothesis import given, settings
from hypothesis import strategies as st
from sitetree import copy_bundled

from pipeline.cli import main
from pipeline.crosscheck import minhash
from pipeline.crosscheck.summary import pack, pair_hash, unpack

LOREM_EN = [
    "Sunscreen every morning protects healing skin from new pigment and redness.",
    "A consultation first checks your skin type, history and expectations with care.",
    "Fractional lasers treat columns of skin and leave bridges that heal quickly.",
    "Swelling settles within days, while redness fades over several weeks of recovery.",
    "Moisturiser and gentle cleansing keep the barrier calm during the first week.",
    "Results keep improving for months as new collagen forms in the deeper dermis.",
]
LOREM_AR = [
    "يحمي الواقي الشمسي كل صباح البشرة المتعافية من التصبغ والاحمرار الجديد.",
    "تبدأ الاستشارة بفحص نوع البشرة والتاريخ الطبي والتوقعات بعناية.",
    "تعالج أجهزة الليزر الجزئي أعمدة دقيقة من الجلد وتترك جسورا تلتئم بسرعة.",
    "يهدأ التورم خلال أيام بينما يتلاشى الاحمرار خلال عدة أسابيع من التعافي.",
    "يحافظ المرطب والتنظيف اللطيف على هدوء حاجز البشرة في الأسبوع الأول.",
    "تستمر النتائج في التحسن لأشهر مع تكون الكولاجين الجديد في الأدمة العميقة.",
]


def article(title: str, slug: str, key: str, body: str, locale: str = "en",
            keyphrase: str = "") -> str:
    extra = f"locale: {locale}\n" if locale != "en" else ""
    extra += f'keyphrase: "{keyphrase}"\n' if keyphrase else ""
    return (f'---\ntitle: "{title}"\nexcerpt: "An excerpt long enough to describe this '
            f'article in search results for readers."\ncoverImage: "/assets/blog/cover (1).jpeg"'
            f'\ndate: "2025-07-01T05:35:07Z"\nauthor:\n  name: Editorial Team\nslug: "{slug}"\n'
            f"translationKey: {key}\n{extra}---\n\n{body}\n")


def paragraphs(sentences: list[str], start: int = 0, count: int = 4) -> str:
    return "\n\n".join(f"## Part {i + 1}\n\n" + " ".join(sentences[(start + i + j) % 6]
                                                        for j in range(3))
                       for i in range(count))


def crosscheck(tmp_path: Path, files: dict[str, str]) -> dict:
    root = build_site(tmp_path / "site", files)  # type: ignore[arg-type]
    assert main(["build", "--root", str(root)]) == 0
    return json.loads((root / "reports/crosscheck.json").read_text("utf-8"))


def codes(report: dict, code: str) -> list[dict]:
    return [f for f in report["findings"] if f["code"] == code]


# ---- signatures ----------------------------------------------------------------------------

VOCABULARY = [f"w{i}" for i in range(40)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(VOCABULARY), min_size=120, max_size=300),
       st.lists(st.sampled_from(VOCABULARY), min_size=0, max_size=120))
def test_signature_estimates_similarity_and_packs_compactly(text: list[str],
                                                           extra: list[str]) -> None:
    """Texts of a hundred words and more: the estimate is near the pairs' Jaccard."""
    a = {pair_hash(x, y) for x, y in zip(text, text[1:], strict=False)}
    more = [*text, *extra]
    b = {pair_hash(x, y) for x, y in zip(more, more[1:], strict=False)}
    sa, sb = minhash.signature(a), minhash.signature(b)
    assert tuple(unpack(pack(sa))) == sa and len(pack(sa)) <= 344  # 64 x 4 bytes
    assert minhash.estimate(sa, sa) == 1.0
    assert abs(minhash.estimate(sa, sb) - len(a & b) / len(a | b)) <= 0.3


# ---- CROSS001 cannibalization --------------------------------------------------------------

def test_cannibalization_cluster_is_one_finding_locating_every_member(tmp_path: Path) -> None:
    files = {
        "content/en/a.md": article("Laser Skin Resurfacing Cost", "a", "a", paragraphs(LOREM_EN),
                                   keyphrase="laser skin resurfacing cost"),
        "content/en/b.md": article("The Cost of Laser Skin Resurfacing", "b", "b",
                                   paragraphs(LOREM_EN, 1), keyphrase="laser resurfacing cost"),
        "content/en/c.md": article("Laser Resurfacing Price", "c", "c",
                                   paragraphs(LOREM_EN, 2),
                                   keyphrase="cost of laser skin resurfacing"),
        "content/en/d.md": article("Treating Melasma With Sunscreen", "d", "d",
                                   paragraphs(LOREM_EN, 3), keyphrase="melasma sunscreen"),
        # Arabic: the article, a prefix and ة/ه spellings meet
        "content/ar/a.md": article("تكلفة تقشير البشرة بالليزر", "أ", "a",
                                   paragraphs(LOREM_AR), "ar", "تكلفة تقشير البشرة بالليزر"),
        "content/ar/b.md": article("كم يكلف العلاج", "ب", "b", paragraphs(LOREM_AR, 1), "ar",
                                   "وتكلفه تقشير البشره الليزر"),
        "content/ar/d.md": article("علاج الكلف بالواقي الشمسي", "د", "d",
                                   paragraphs(LOREM_AR, 3), "ar", "علاج الكلف"),
    }
    found = codes(crosscheck(tmp_path, files), "CROSS001")
    assert [(f["path"], f["line"]) for f in found] == [("content/ar/a.md", 2),
                                                       ("content/en/a.md", 2)]
    en = found[1]["message"]
    assert "3 articles in 'en'" in en
    assert all(f"content/en/{x}.md:2" in en for x in "abc") and "d.md" not in en
    assert "content/ar/b.md:2" in found[0]["message"] and "d.md" not in found[0]["message"]


def test_distinct_intents_do_not_cluster(tmp_path: Path) -> None:
    files = {
        "content/en/a.md": article("Laser Skin Resurfacing Recovery", "a", "a",
                                   paragraphs(LOREM_EN), keyphrase="laser recovery"),
        "content/en/b.md": article("Chemical Peel Aftercare", "b", "b", paragraphs(LOREM_EN, 2),
                                   keyphrase="chemical peel aftercare"),
        "content/ar/a.md": article("التعافي بعد تقشير البشرة بالليزر", "أ", "a",
                                   paragraphs(LOREM_AR), "ar", "التعافي من الليزر"),
        "content/ar/b.md": article("العناية بعد التقشير الكيميائي", "ب", "b",
                                   paragraphs(LOREM_AR, 2), "ar", "التقشير الكيميائي"),
    }
    assert not codes(crosscheck(tmp_path, files), "CROSS001")


# ---- CROSS002 near-duplicates --------------------------------------------------------------

def test_near_duplicate_with_similarity_and_passages(tmp_path: Path) -> None:
    body = paragraphs(LOREM_EN, 0, 5)
    near = body.replace("Part 5", "Part five") + "\n\nOne extra closing line for variety."
    ar_body = paragraphs(LOREM_AR, 0, 5)
    files = {
        "content/en/a.md": article("Recovery After Laser", "a", "a", body),
        "content/en/b.md": article("Healing Timeline", "b", "b", near),
        "content/en/c.md": article("Choosing a Clinic", "c", "c", paragraphs(
            [" ".join(reversed(s.split())) for s in LOREM_EN])),  # the words, not the text
        "content/ar/a.md": article("التعافي بعد الليزر", "أ", "a", ar_body, "ar"),
        # the same text with other Arabic spellings: diacritics, tatweel, hamza forms
        "content/ar/b.md": article("الجدول الزمني للشفاء", "ب", "b",
                                   ar_body.replace("البشرة", "البَشَرَة")
                                   .replace("الأسبوع", "الاسـبوع"), "ar"),
    }
    report = crosscheck(tmp_path, files)
    found = codes(report, "CROSS002")
    assert [f["path"] for f in found] == ["content/ar/b.md", "content/en/b.md"]
    assert "the same as content/en/a.md" in found[1]["message"] and "%" in found[1]["message"]
    assert "shared paragraph" in found[1]["message"] and found[1]["line"] > 10
    pair = next(d for d in report["data"]["duplicates"] if d["locale"] == "en")
    assert pair["similarity"] >= 0.6 and len(pair["passages"]) >= 4


def test_different_texts_are_not_near_duplicates(tmp_path: Path) -> None:
    files = {"content/en/a.md": article("Recovery", "a", "a", paragraphs(LOREM_EN, 0, 2)),
             "content/en/b.md": article("Clinic", "b", "b", paragraphs(LOREM_EN, 3, 2)),
             "content/ar/a.md": article("التعافي", "أ", "a", paragraphs(LOREM_AR, 0, 2), "ar"),
             "content/ar/b.md": article("العيادة", "ب", "b", paragraphs(LOREM_AR, 3, 2), "ar")}
    assert not codes(crosscheck(tmp_path, files), "CROSS002")


# ---- CROSS003 / CROSS004 translations ------------------------------------------------------

def test_translation_checks(tmp_path: Path) -> None:
    en = paragraphs(LOREM_EN, 0, 5)
    files = {
        "content/en/good.md": article("Recovery", "good", "good", en),
        "content/ar/good.md": article("التعافي", "تعافي", "good", paragraphs(LOREM_AR, 0, 5), "ar"),
        "content/en/english.md": article("Clinic", "english", "english", en),
        "content/ar/english.md": article("العيادة", "عيادة", "english", en, "ar"),
        "content/en/short.md": article("Aftercare", "short", "short", en),
        "content/ar/short.md": article("العناية", "عناية", "short",
                                       paragraphs(LOREM_AR, 0, 3), "ar"),
    }
    report = crosscheck(tmp_path, files)
    wrong = codes(report, "CROSS003")
    assert [f["path"] for f in wrong] == ["content/ar/english.md"]
    assert "not in the language of 'ar'" in wrong[0]["message"]
    missing = codes(report, "CROSS004")
    assert [f["path"] for f in missing] == ["content/ar/short.md"]
    assert "3 of the source's 5 sections" in missing[0]["message"]
    assert "content/en/short.md:" in missing[0]["message"]


def test_translation_far_shorter_than_its_source(tmp_path: Path) -> None:
    files = {
        "content/en/x.md": article("Recovery", "x", "x", paragraphs(LOREM_EN, 0, 4)),
        "content/ar/x.md": article("التعافي", "تعافي", "x", LOREM_AR[0], "ar"),
    }
    report = crosscheck(tmp_path, files)
    shape = codes(report, "CROSS003")
    assert [f["path"] for f in shape] == ["content/ar/x.md"]
    assert "1 paragraphs against 4" in shape[0]["message"]
    assert "0 of the source's 4 sections" in codes(report, "CROSS004")[0]["message"]


# ---- CROSS005 orphans, CROSS006 suggestions ------------------------------------------------

def test_orphans_and_link_suggestions(tmp_path: Path) -> None:
    hub = paragraphs(LOREM_EN, 0, 2) + "\n\nRead about [recovery](/en/recovery/) too."
    mention = paragraphs(LOREM_EN, 2, 2) + "\n\nMany ask about chemical peel aftercare first."
    ar_mention = (paragraphs(LOREM_AR, 2, 2)
                  + "\n\nويسأل كثيرون عن العناية بالتقشير الكيميائي قبل الجلسة.")
    files = {
        "content/en/hub.md": article("Laser Clinic Basics", "hub", "hub", hub),
        "content/en/recovery.md": article("Laser Recovery Timeline", "recovery", "recovery",
                                          mention),
        "content/en/peel.md": article("Chemical Peel Aftercare", "peel", "peel",
                                      paragraphs(LOREM_EN, 4, 2),
                                      keyphrase="chemical peel aftercare"),
        "content/ar/hub.md": article("أساسيات عيادة الليزر", "مركز", "hub",
                                     paragraphs(LOREM_AR, 0, 2), "ar"),
        "content/ar/peel.md": article("العناية بعد التقشير الكيميائي", "تقشير", "peel",
                                      paragraphs(LOREM_AR, 4, 2), "ar",
                                      "العناية بالتقشير الكيميائي"),
        "content/ar/recovery.md": article("مراحل التعافي من الليزر", "تعافي", "recovery",
                                          ar_mention, "ar"),
    }
    report = crosscheck(tmp_path, files)
    orphans = {f["path"] for f in codes(report, "CROSS005")}
    assert "content/en/recovery.md" not in orphans  # the hub links to it
    assert {"content/en/hub.md", "content/en/peel.md", "content/ar/peel.md"} <= orphans
    hints = codes(report, "CROSS006")
    en = [f for f in hints if f["path"] == "content/en/recovery.md"]
    assert len(en) == 1 and "https://example.org/en/peel/" in en[0]["message"]
    assert en[0]["line"] == next(i for i, line in enumerate(
        files["content/en/recovery.md"].split("\n"), 1) if "chemical peel" in line)
    # Arabic: "بالتقشير" in the body meets "التقشير" of the keyphrase (article and prefix)
    ar = [f for f in hints if f["path"] == "content/ar/recovery.md"]
    assert len(ar) == 1 and "/ar/%D8%AA%D9%82%D8%B4%D9%8A%D8%B1/" in ar[0]["message"]
    assert not [f for f in hints if f["path"] == "content/en/hub.md"
                and "recovery" in f["message"]]
    assert {"path": "content/en/recovery.md", "line": en[0]["line"],
            "phrase": "chemical peel aftercare", "target": "content/en/peel.md",
            "url": "https://example.org/en/peel/"} in report["data"]["suggestions"]


def test_no_suggestion_for_a_phrase_already_linked_or_absent(tmp_path: Path) -> None:
    files = {
        "content/en/a.md": article("Chemical Peel Aftercare", "a", "a", paragraphs(LOREM_EN),
                                   keyphrase="chemical peel aftercare"),
        "content/en/b.md": article("Recovery", "b", "b", paragraphs(LOREM_EN, 2)
                                   + "\n\nSee [chemical peel aftercare](/en/a/)."),
        "content/ar/a.md": article("العناية بعد التقشير الكيميائي", "أ", "a",
                                   paragraphs(LOREM_AR), "ar", "التقشير الكيميائي"),
        "content/ar/b.md": article("التعافي", "ب", "b", paragraphs(LOREM_AR, 2)
                                   + "\n\nالتقشير وحده لا يكفي.", "ar"),  # one word: no match
    }
    assert not codes(crosscheck(tmp_path, files), "CROSS006")


# ---- the bundled content -------------------------------------------------------------------

def test_bundled_content_has_no_cross_article_warning() -> None:
    """The repository's own articles: distinct intents, no near-copies, no orphans;
    only link suggestions (information) remain, as the README says."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        site = copy_bundled(Path(tmp) / "site")
        assert main(["build", "--root", str(site)]) == 0
        report = json.loads((site / "reports/crosscheck.json").read_text("utf-8"))
    assert {f["severity"] for f in report["findings"]} <= {"info"}
    assert {f["code"] for f in report["findings"]} <= {"CROSS006"}


# ---- the codes are catalogued --------------------------------------------------------------

def test_every_code_is_documented_where_the_readme_says() -> None:
    """Each CROSS code the package can emit has a row in docs/CROSSCHECK.md, and each AN
    code of the analysis catalogue one in docs/ANALYSIS.md; both prefixes in the README."""
    import re

    from pipeline.analysis.catalogue import CHECKS

    root = Path(__file__).resolve().parent.parent
    source = "".join(p.read_text("utf-8") for p in (root / "pipeline/crosscheck").glob("*.py"))
    emitted = set(re.findall(r'"(CROSS\d{3})"', source))
    assert emitted == {f"CROSS00{i}" for i in range(1, 7)}
    cross_doc = (root / "docs/CROSSCHECK.md").read_text("utf-8")
    analysis_doc = (root / "docs/ANALYSIS.md").read_text("utf-8")
    assert all(f"| {code} |" in cross_doc for code in emitted)
    assert all(f"| {code} |" in analysis_doc for code in CHECKS)
    readme = (root / "README.md").read_text("utf-8")
    assert "| `CROSS` | crosscheck" in readme and "| `AN` | analyze" in readme
