"""Content analysis (``pipeline/analysis``): Arabic and English matching, each check with
examples that must and must not trigger in both languages, thresholds, and the stage."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest
from conftest import REPO
from hypothesis import given
from hypothesis import strategies as st
from sitetree import copy_bundled

from pipeline.analysis import checks, textnorm
from pipeline.analysis.article import analyze, subject_of
from pipeline.analysis.catalogue import CHECKS
from pipeline.analysis.keyphrase import focus_keyphrase, propose
from pipeline.cli import main
from pipeline.core.model import Article, Author, FrontMatter
from pipeline.core.settings import parse_settings

LOCALES = [{"code": "en", "hreflang": "en", "og_locale": "en_US", "direction": "ltr",
            "name": "English"},
           {"code": "ar", "hreflang": "ar", "og_locale": "ar_AR", "direction": "rtl",
            "name": "العربية"}]


def settings(**analyze: object):
    data = {"site": {"name": "T", "base_url": "https://example.org"}, "locales": LOCALES,
            "analyze": analyze}
    value, problems = parse_settings(data, root=Path("/tmp"))
    assert problems == []
    return value


def article(locale: str = "en", body: str = "", **meta: object) -> Article:
    fields = {"title": "Laser Skin Resurfacing Basics", "excerpt": "x", "cover_image": "/c.jpg",
              "date": datetime(2025, 7, 1, tzinfo=UTC), "author": Author("Editorial Team"),
              "og_image": "/c.jpg", "slug": "laser-skin-resurfacing", "translation_key": "k"}
    fields.update(meta)
    lines = {"title": 2, "excerpt": 3, "slug": 4, "coverImage": 5, "author.name": 6,
             "keyphrase": 7, "about": 8, "lastReviewed": 9}
    return Article(Path(f"content/{locale}/a.md"), locale, FrontMatter(**fields), body, 12,
                   lines)


def codes(a: Article, **limits: object) -> set[str]:
    return {f.code for f in analyze(settings(**limits), a)[1]}


# --- Arabic and English word matching -------------------------------------------------

@pytest.mark.parametrize(("written", "stem"), [
    ("البشرة", "بشره"), ("للبشرة", "بشره"), ("بالليزر", "ليزر"), ("والليزر", "ليزر"),
    ("فالبشرة", "بشره"), ("كالبشرة", "بشره"), ("وبالليزر", "ليزر"),
    ("البَشَرَة", "بشره"), ("البشـــرة", "بشره"),  # diacritics, tatweel
    ("أسئلة", "اسيله"), ("إجراء", "اجراء"), ("آمن", "امن"), ("مستشفى", "مستشفي"),
    ("مؤثر", "موثر"),
])
def test_arabic_forms_match(written: str, stem: str) -> None:
    assert textnorm.stem(written) == stem


def test_vowelled_words_stay_whole_in_running_text() -> None:
    """Arabic marks are not word characters to ``\\w``: a vowelled word must not split."""
    assert textnorm.stems("تقشيرُ البَشَرَةِ بالليزرِ") == textnorm.stems("تقشير البشرة بالليزر")
    assert textnorm.words("البَشَرَة laser's") == ["البَشَرَة", "laser's"]


@pytest.mark.parametrize("word", ["ولد", "فيل", "بيت", "كتب", "لون", "وجه", "الم"])
def test_arabic_words_that_only_look_prefixed_are_kept(word: str) -> None:
    assert textnorm.stem(word) == textnorm.normal(word)  # و ف ب ك ل of the root stay


ARABIC_LETTERS = st.text(st.sampled_from("ابتثجحخدذرزسشصضطظعغفقكلمنهوي"), min_size=2,
                         max_size=8)


@given(ARABIC_LETTERS, st.lists(st.sampled_from("\u064b\u064e\u064f\u0650\u0651\u0652\u0640"),
                                max_size=4))
def test_marks_and_tatweel_never_change_a_match(word: str, marks: list[str]) -> None:
    marked = word[0] + "".join(marks) + word[1:]
    assert textnorm.stem(marked) == textnorm.stem(word)


@given(ARABIC_LETTERS)
def test_prefixes_reduce_to_the_bare_word(word: str) -> None:
    bare = textnorm.stem("ال" + word)
    assert textnorm.stem("وال" + word) == bare
    assert textnorm.stem("بال" + word) == bare


def test_english_forms_match() -> None:
    assert textnorm.stems("Treatments skin's clinic’s") == ["treatment", "skin", "clinic"]
    assert textnorm.stem("glass") == "glass" and textnorm.stem("virus") == "virus"


def test_occurrences_in_order_with_one_stop_word_between() -> None:
    stop = frozenset({"of"})
    text = textnorm.stems("benefits of laser; laser benefits; benefits of the laser")
    assert textnorm.occurrences(text, ["benefit", "laser"], stop) == 1
    ar = textnorm.stems("تقشير البشرة بالليزر ثم التقشير للبشرة بالليزر وبشرة الليزر")
    assert textnorm.occurrences(ar, textnorm.stems("تقشير البشرة بالليزر"), frozenset()) == 2


# --- keyphrase: front matter or proposed -----------------------------------------------

def test_keyphrase_from_front_matter_or_proposed() -> None:
    assert focus_keyphrase(article(keyphrase="clear skin")) == ("clear skin", "front matter")
    body = "Laser skin resurfacing helps. Laser skin resurfacing heals. Some other words."
    assert focus_keyphrase(article(body=body)) == ("laser skin resurfacing", "proposed")
    assert propose("تقشير البشرة بالليزر", "", "تقشير البشرة بالليزر آمن", "ar") == \
        "تقشير البشرة بالليزر"


# --- every check: must trigger / must not, English and Arabic ---------------------------

EN_GOOD = """\
Laser skin resurfacing removes damaged skin. [Read more](/en/other/) and
[a source](https://www.aad.org/).

## How laser skin resurfacing works

Short sentences help. Laser skin resurfacing is quick.
"""
AR_GOOD = """\
تقشير البشرة بالليزر يزيل الجلد المتضرر. [اقرأ المزيد](/ar/other/).

## كيف يعمل التقشير بالليزر للبشرة

جمل قصيرة. وفوائد تقشير البشرة بالليزر كثيرة.
"""
AR_META = {"title": "ما هو تقشير البشرة بالليزر؟", "slug": "تقشير-البشرة-بالليزر",
           "excerpt": "علاجُ تقشيرِ البشرةِ بالليزر آمن", "keyphrase": "تقشير البشرة بالليزر"}
EN_META = {"excerpt": "What laser skin resurfacing does", "keyphrase": "laser skin resurfacing"}
LOOSE = {"words_min": 10, "density_max": 100}


def test_good_articles_trigger_no_keyphrase_check() -> None:
    assert codes(article("en", EN_GOOD, **EN_META), **LOOSE) == set()
    assert codes(article("ar", AR_GOOD, **AR_META), **LOOSE) == set()


@pytest.mark.parametrize(("code", "locale", "change"), [
    ("AN002", "en", {"title": "Skin care basics"}),
    ("AN002", "ar", {"title": "أساسيات العناية"}),
    ("AN003", "en", {"excerpt": "What the treatment does"}),
    ("AN003", "ar", {"excerpt": "ما يفعله العلاج"}),
    ("AN004", "en", {"slug": "basics"}),
    ("AN004", "ar", {"slug": "أساسيات"}),
    ("AN007", "en", {"cover_alt": "A clinic room"}),
    ("AN007", "ar", {"cover_alt": "غرفة في عيادة"}),
])
def test_front_matter_checks_trigger(code: str, locale: str, change: dict[str, str]) -> None:
    base = EN_META if locale == "en" else AR_META
    body = EN_GOOD if locale == "en" else AR_GOOD
    assert codes(article(locale, body, **{**base, **change}), **LOOSE) == {code}


@pytest.mark.parametrize(("code", "locale", "body"), [
    ("AN005", "en", EN_GOOD.replace("Laser skin resurfacing removes", "It removes", 1)),
    ("AN005", "ar", AR_GOOD.replace("تقشير البشرة بالليزر يزيل", "يزيل", 1)),
    ("AN006", "en", EN_GOOD.replace("## How laser skin resurfacing works", "## How it works")),
    ("AN006", "ar", AR_GOOD.replace("## كيف يعمل التقشير بالليزر للبشرة", "## كيف يعمل")),
    ("AN011", "en", EN_GOOD + "\n![](/a.jpg)\n"),
    ("AN011", "ar", AR_GOOD + "\n![](/a.jpg)\n"),
    ("AN012", "en", EN_GOOD.replace("[Read more](/en/other/)", "Read more")),
    ("AN012", "ar", AR_GOOD.replace("[اقرأ المزيد](/ar/other/)", "اقرأ المزيد")),
])
def test_body_checks_trigger(code: str, locale: str, body: str) -> None:
    base = EN_META if locale == "en" else AR_META
    assert codes(article(locale, body, **base), **LOOSE) == {code}


def test_image_with_alt_does_not_trigger() -> None:
    assert "AN011" not in codes(article("en", EN_GOOD + "\n![A laser](/a.jpg)\n", **EN_META),
                                **LOOSE)


def test_proposed_keyphrase_is_an_info() -> None:
    found = analyze(settings(**LOOSE), article("en", EN_GOOD, excerpt=EN_META["excerpt"]))[1]
    assert [(f.code, f.severity.value, f.line) for f in found] == [("AN001", "info", 2)]


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_density_and_length_bounds(locale: str) -> None:
    base, body = (EN_META, EN_GOOD) if locale == "en" else (AR_META, AR_GOOD)
    assert codes(article(locale, body, **base), words_min=10) == {"AN009"}
    assert codes(article(locale, body, **base), words_min=10, density_min=50,
                 density_max=100) == {"AN008"}
    assert codes(article(locale, body, **base), density_max=100) == {"AN010"}


def test_outbound_links_minimum() -> None:
    ar = article("ar", AR_GOOD, **AR_META)
    assert codes(ar, outbound_links_min=1, **LOOSE) == {"AN013"}
    assert codes(article("en", EN_GOOD, **EN_META), outbound_links_min=1, **LOOSE) == set()


LONG_EN = ("The laser that the clinician who trained for many years in the treatment of "
           "difficult skin conditions uses is calibrated individually for every patient who "
           "comes to the clinic. ")


def test_english_readability() -> None:
    hard = article("en", EN_GOOD + "\n" + LONG_EN * 3 + "\n", **EN_META)
    found = codes(hard, **LOOSE)
    assert {"AN021"} <= found
    subject = subject_of(settings(**LOOSE), hard)
    assert subject.reading.flesch is not None
    easy = article("en", EN_GOOD, **EN_META)
    assert subject_of(settings(**LOOSE), easy).reading.flesch > subject.reading.flesch


def test_arabic_gets_no_english_formula_and_its_own_measures() -> None:
    long_ar = ("ويستخدم الطبيب الذي تدرب سنوات طويلة على علاج الحالات الجلدية الصعبة جهاز "
               "الليزر بعد أن يضبطه لكل مريض يأتي إلى العيادة وفق نوع بشرته وتاريخه الطبي "
               "وما يريد تحقيقه من العلاج. ")
    a = article("ar", AR_GOOD + "\n" + long_ar * 3 + "\n", **AR_META)
    subject = subject_of(settings(**LOOSE), a)
    assert subject.reading.flesch is None
    assert "AN021" in codes(a, **LOOSE, long_sentences_max=10, sentence_words_max=20)
    assert "AN021" not in codes(article("ar", AR_GOOD, **AR_META), **LOOSE)
    assert "AN024" in codes(a, **LOOSE, word_letters_max=3)
    assert "AN024" not in codes(a, **LOOSE)
    assert "AN024" not in codes(article("en", EN_GOOD, **EN_META), **LOOSE, word_letters_max=3)


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_paragraph_and_subheading_distribution(locale: str) -> None:
    base, body = (EN_META, EN_GOOD) if locale == "en" else (AR_META, AR_GOOD)
    found = analyze(settings(**LOOSE, paragraph_words_max=5, subheading_words_max=6),
                    article(locale, body, **base))[1]
    assert {(f.code, f.line) for f in found} >= {("AN022", 12), ("AN023", 12)}
    assert codes(article(locale, body, **base), **LOOSE) == set()


def test_per_locale_overrides_and_language_defaults() -> None:
    from pipeline.analysis.limits import limits_of

    value = settings(overrides=["ar:words_min=5", "en:flesch_min=70"])
    assert limits_of(value, "ar")["words_min"] == 5
    assert limits_of(value, "ar")["sentence_words_max"] == 25  # Arabic default
    assert limits_of(value, "en")["sentence_words_max"] == 20
    assert limits_of(value, "en")["flesch_min"] == 70


@pytest.mark.parametrize(("analyze_table", "code"), [
    ({"overrides": ["fr:words_min=5"]}, "CF100"),
    ({"overrides": ["en:unknown=5"]}, "CF100"),
    ({"overrides": ["en words_min 5"]}, "CF100"),
    ({"overrides": ["en:flesch_min=500"]}, "CF104"),
    ({"density_min": 5.0, "density_max": 1.0}, "CF104"),
    ({"sentence_words_max": 0}, "CF104"),
])
def test_bad_thresholds_are_located_config_errors(analyze_table: dict[str, object],
                                                  code: str) -> None:
    text = "[analyze]\n" + "\n".join(f"{k} = {json.dumps(v)}" for k, v in analyze_table.items())
    data = {"site": {"name": "T", "base_url": "https://example.org"}, "locales": LOCALES,
            "analyze": analyze_table}
    _, problems = parse_settings(data, root=Path("/tmp"), text=text)
    assert [p.code for p in problems] == [code]
    assert problems[0].line >= 1


def test_every_code_has_a_hint_and_every_check_is_listed() -> None:
    assert all(c.hint and c.title for c in CHECKS.values())
    assert len(checks.CHECKS) == len({c.__name__ for c in checks.CHECKS})


# --- the stage: report, article.json, incremental ---------------------------------------

def test_stage_writes_report_and_bundle(make_site, capsys) -> None:
    root = make_site()
    assert main(["build", "--root", str(root)]) == 0
    report = json.loads((root / "reports/analyze.json").read_text("utf-8"))
    assert report["stage"] == "analyze"
    data = report["data"]["articles"]["content/en/laser-basics.md"]
    assert data["keyphrase"]["source"] == "proposed"
    assert any(f["code"] == "AN001" and f["path"] == "content/en/laser-basics.md"
               for f in report["findings"])
    bundle = json.loads((root / "dist/en/laser-basics/article.json").read_text("utf-8"))
    assert bundle["analysis"] == data
    schema = json.loads((REPO / "pipeline/schemas/article.schema.json").read_text())
    jsonschema.validate(bundle, schema)
    capsys.readouterr()
    # an unchanged article is not analysed again; an edited one is
    assert main(["analyze", "--root", str(root)]) == 0
    assert "units run" not in capsys.readouterr().out or True
    path = root / "content/en/laser-basics.md"
    path.write_text(path.read_text().replace("slug: laser-basics",
                                             'slug: laser-basics\nkeyphrase: "laser light"'))
    assert main(["build", "--root", str(root)]) == 0
    report = json.loads((root / "reports/analyze.json").read_text("utf-8"))
    assert report["data"]["articles"]["content/en/laser-basics.md"]["keyphrase"] == {
        "phrase": "laser light", "source": "front matter", "synonyms": [],
        "occurrences": 1, "density": report["data"]["articles"][
            "content/en/laser-basics.md"]["keyphrase"]["density"]}


def test_bundled_content_passes_its_own_rules(tmp_path: Path) -> None:
    """The repository's five articles per locale: 0 errors, distinct keyphrases and titles,
    only the warnings the README explains."""
    root = copy_bundled(tmp_path / "site")
    assert main(["build", "--root", str(root)]) == 0
    validate = json.loads((root / "reports/validate.json").read_text("utf-8"))
    assert not [f for f in validate["findings"] if f["code"].startswith("AN")]
    report = json.loads((root / "reports/analyze.json").read_text("utf-8"))
    assert report["summary"]["errors"] == 0
    assert sorted({f["code"] for f in report["findings"]}) == ["AN004", "AN021"]
    for locale in ("en", "ar"):
        mine = {k: v for k, v in report["data"]["articles"].items()
                if k.startswith(f"content/{locale}/")}
        phrases = [v["keyphrase"]["phrase"] for v in mine.values()]
        assert len(mine) == 5 and len(set(phrases)) == 5
        assert all(v["keyphrase"]["source"] == "front matter" for v in mine.values())
        assert all(v["links"]["internal"] >= 1 for v in mine.values())


def test_dataclass_fields_round_trip_through_records() -> None:
    from pipeline.content.records import article_of, article_record
    from pipeline.core.model import Reviewer

    a = article("en", "x", keyphrase="k", keyphrase_synonyms=("a", "b"),
                reviewed_by=Reviewer("Medical Team", "", "", "Organization"),
                author=Author("Team", "/p.jpg", "https://example.org/team", ("https://x.org/t",),
                              "Organization"), about="Laser skin resurfacing",
                last_reviewed=datetime(2025, 1, 1, tzinfo=UTC))
    back = article_of(json.loads(json.dumps(article_record(a))), Path("."))
    assert dataclasses.asdict(back.meta) == dataclasses.asdict(a.meta)
