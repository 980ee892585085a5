"""The translator round trip: translations export (XLIFF 2.0, PO) -> a translator -> import."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pyromark
import pytest
from conftest import EN_ARTICLE, REPO, build_site, write_image
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from translate.storage.pypo import pofile
from translate.storage.xliff2 import Xliff2File

from pipeline.cli import main
from pipeline.content.frontmatter_edit import set_field
from pipeline.content.parsing import body_of
from pipeline.translator import po, xliff
from pipeline.translator.handoff import NEW, SCHEMA, Handoff, Unit
from pipeline.translator.importing import placeholder_problem, structure_problem
from pipeline.translator.segments import assemble, segments_of

AR = "نص عربي"
FORMATS = {"xliff": ".xlf", "po": ".po"}
RICH = """\
---
title: "A Rich Article About Laser Care"
excerpt: "Every kind of Markdown a translator meets: links, images, code, tables, quotes and lists."
coverImage: "/assets/blog/rich/chart.jpg"
coverAlt: "A chart of healing times"
date: "2025-07-02T05:35:07.322Z"
author:
  name: JJ Kasper
  picture: "/assets/blog/authors/jj.jpeg"
ogImage:
  url: "/assets/blog/rich/chart.jpg"
slug: rich-article
translationKey: rich-article
---

Intro with *emphasis*, **strong text** and `code --flag`, see [the guide](/en/laser-skin-resurfacing/ "Guide")
on a second line.

![Healing chart for *all* skin types](/assets/blog/rich/chart.jpg)

## Aftercare <http://example.org/care>

> Keep the skin moist.
> Avoid the sun.

- First step
  - Nested [step](https://example.org/a%20b)
- Second step with a hard break\\
  after it

| Day | What to do |
| --- | :-: |
| 1 | *Rest* |
| 2 | [Wash](https://example.org/wash) gently |

```
code block stays
```

A literal <3> heart and a [reference link][ref].

[ref]: https://example.org/ref
"""


def copy_bundled(root: Path, with_arabic: bool = False) -> Path:
    """The bundled site in ``root``; Arabic content only when asked."""
    for name in ("site.toml", "public", "locales"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    shutil.copytree(REPO / "content/en", root / "content/en")
    (root / "content/ar").mkdir()
    if with_arabic:
        shutil.copytree(REPO / "content/ar", root / "content/ar", dirs_exist_ok=True)
    return root


def rich_site(root: Path) -> Path:
    copy_bundled(root)
    (root / "content/en/rich-article.md").write_text(RICH, encoding="utf-8")
    write_image(root / "public/assets/blog/rich/chart.jpg")
    return root


def export(root: Path, fmt: str, locale: str = "ar") -> list[Path]:
    assert main(["translations", "export", "--to", locale, "--format", fmt,
                 "--root", str(root)]) == 0
    return sorted((root / "translations" / locale).glob(f"*{FORMATS[fmt]}"))


def translate_xliff(path: Path, edit=lambda text: f"{AR} {text} {AR}") -> None:
    """A translator in an XLIFF tool: each target is the source (codes kept) wrapped in Arabic."""
    store = Xliff2File.parsefile(str(path))
    for unit in store.units:
        source = unit.get_source_dom()
        unit.set_target_dom(unit.createlanguageNode("ar", "", "target"))
        target = unit.get_target_dom()
        for child in source:
            target.append(copy.deepcopy(child))
        target.text = source.text or ""
        wrapped = edit("\x00").split("\x00")
        target.text = wrapped[0] + target.text
        if len(target):
            target[-1].tail = (target[-1].tail or "") + wrapped[1]
        else:
            target.text += wrapped[1]
        for image in target.iter(f"{{{xliff.NS}}}pc"):  # alt texts are translated inside
            if image.get("type") == "image":
                image.text = wrapped[0] + (image.text or "")
        unit.marktranslated()
    path.write_bytes(bytes(store))


def translate_po(path: Path, edit=lambda text: f"{AR} {text} {AR}") -> None:
    store = pofile.parsefile(str(path))
    for unit in store.units:
        if not unit.isheader():
            unit.target = edit(unit.source)
            unit.markfuzzy(False)
    path.write_bytes(bytes(store))


TRANSLATE = {"xliff": translate_xliff, "po": translate_po}


def urls(body: str) -> list[str]:
    parser = pyromark.Markdown(options=pyromark.Options.ENABLE_TABLES)
    found = []
    for event in parser.events(body):
        if isinstance(event, dict) and "Start" in event and isinstance(event["Start"], dict):
            ((tag, data),) = event["Start"].items()
            if tag in ("Link", "Image"):
                found.append(f"{tag}:{data['dest_url']}")
    return found


@pytest.mark.parametrize("fmt", FORMATS)
def test_bundled_articles_round_trip_through_the_toolkit_parser(tmp_path, fmt, capsys) -> None:
    root = copy_bundled(tmp_path)
    files = export(root, fmt)
    assert len(files) == len(list((root / "content/en").glob("*.md"))) == 5
    for path in files:
        # translate-toolkit's own parsers (its factory maps .xlf to XLIFF 1.2, so by class)
        store = (Xliff2File if fmt == "xliff" else pofile).parsefile(str(path))
        units = [u for u in store.units if not u.isheader()]
        key = path.name.removesuffix(f".ar{FORMATS[fmt]}")
        source = root / f"content/en/{key}.md"
        body = body_of(source.read_bytes())
        expected = ["title", "excerpt", "slug"] + [s.id for s in segments_of(body)
                                                   if s.translatable]
        assert [u.getid() if fmt == "xliff" else u.getcontext() for u in units] == expected
        assert all(not u.target for u in units)  # nothing pre-filled for a new translation
    # identity translation: the imported body is the source body, byte for byte
    for path in files:
        TRANSLATE[fmt](path, edit=lambda text: text)
        assert main(["translations", "import", str(path), "--root", str(root)]) == 0
    for source in (root / "content/en").glob("*.md"):
        target = root / "content/ar" / source.name
        assert body_of(target.read_bytes()) == body_of(source.read_bytes())
    capsys.readouterr()
    assert main(["translations", "--root", str(root), "--strict"]) == 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_translator_edits_every_target_and_the_import_validates(tmp_path, fmt,
                                                                 capsys) -> None:
    root = rich_site(tmp_path)
    files = export(root, fmt)
    assert len(files) == 6
    for path in files:
        TRANSLATE[fmt](path)
        assert main(["translations", "import", str(path), "--root", str(root)]) == 0
    for source in (root / "content/en").glob("*.md"):
        target = (root / "content/ar" / source.name).read_text(encoding="utf-8")
        source_body = body_of(source.read_bytes())
        target_body = body_of(target.encode())
        assert urls(target_body) == urls(source_body)  # every link URL and image path
        assert target_body.count(AR) >= 2 * len([s for s in segments_of(source_body)
                                                 if s.translatable])
        assert "\nlocale: ar\n" in target and "translationOf: " in target
        assert re.search(rf'^title: "{AR} .+ {AR}"$', target, re.M)
    rich = (root / "content/ar/rich-article.md").read_text(encoding="utf-8")
    assert urls(body_of(rich.encode())) == [
        "Link:/en/laser-skin-resurfacing/", "Image:/assets/blog/rich/chart.jpg",
        "Link:http://example.org/care", "Link:https://example.org/a%20b",
        "Link:https://example.org/wash", "Link:https://example.org/ref"]
    assert f'coverAlt: "{AR} A chart of healing times {AR}"' in rich
    assert f'slug: "{AR.replace(" ", "-")}-rich-article-{AR.replace(" ", "-")}"' in rich
    alt = f"{AR} Healing" if fmt == "xliff" else "Healing"
    assert f"{AR} ![{alt} chart for *all* skin types](/assets/blog/rich/chart.jpg) {AR}" in rich
    assert "```\ncode block stays\n```" in rich and "[ref]: https://example.org/ref" in rich
    assert f"| {AR} 1 {AR} | {AR} *Rest* {AR} |" in rich
    assert f"> {AR} Keep the skin moist.\n> Avoid the sun. {AR}" in rich
    capsys.readouterr()
    assert main(["validate", "--root", str(root)]) == 0
    assert "0 error(s)" in capsys.readouterr().out
    assert main(["translations", "--root", str(root), "--strict"]) == 0


def test_import_refuses_a_file_whose_source_changed(tmp_path, capsys) -> None:
    root = rich_site(tmp_path)
    path = next(p for p in export(root, "xliff") if p.name.startswith("rich-article"))
    translate_xliff(path)
    source = root / "content/en/rich-article.md"
    source.write_text(RICH.replace("Keep the skin moist.", "Keep the skin moist always."),
                      encoding="utf-8")
    capsys.readouterr()
    assert main(["translations", "import", str(path), "--root", str(root)]) == 2
    err = capsys.readouterr().err
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1)
                if 'type="sourceHash"' in text)
    assert f"{path}:{line}:" in err and "TR104" in err
    assert "content/en/rich-article.md changed since this file was exported" in err
    assert "export again" in err
    assert not (root / "content/ar/rich-article.md").exists()


def _xliff_unit_target(path: Path, unit_id: str, change) -> None:
    store = Xliff2File.parsefile(str(path))
    unit = next(u for u in store.units if u.getid() == unit_id)
    change(unit.get_target_dom())
    path.write_bytes(bytes(store))


def test_import_refuses_missing_extra_and_reordered_placeholders(tmp_path, capsys) -> None:
    root = rich_site(tmp_path)
    path = next(p for p in export(root, "xliff") if p.name.startswith("rich-article"))
    translate_xliff(path)

    def drop_link(target) -> None:  # body.p1 holds em, strong, code, link: remove the link
        link = target.findall(f"{{{xliff.NS}}}pc")[-1]
        link.getparent().remove(link)

    _xliff_unit_target(path, "body.p1", drop_link)
    capsys.readouterr()
    assert main(["translations", "import", str(path), "--root", str(root)]) == 1
    err = capsys.readouterr().err
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1)
                if '<unit id="body.p1">' in text)
    assert f"{path}:{line}:1: error TR205 segment body.p1: placeholders missing <4>, </4>" in err
    assert not (root / "content/ar/rich-article.md").exists()

    po_path = next(p for p in export(root, "po") if p.name.startswith("rich-article"))
    translate_po(po_path, edit=lambda text: text.replace("<2>strong text</2>", "")
                 .replace("<1>emphasis</1>", "<2>strong text</2> <1>emphasis</1>"))
    assert main(["translations", "import", str(po_path), "--root", str(root)]) == 1
    assert "TR206 segment body.p1: placeholders reordered" in capsys.readouterr().err
    translate_po(po_path, edit=lambda text: text + " <9/>" if "<3/>" in text else text)
    assert main(["translations", "import", str(po_path), "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert "TR205 segment body.p1: placeholders extra or unknown <9/>" in err
    assert not (root / "content/ar/rich-article.md").exists()


def test_import_refuses_text_that_changes_the_markdown_structure(tmp_path, capsys) -> None:
    root = rich_site(tmp_path)
    path = next(p for p in export(root, "po") if p.name.startswith("rich-article"))
    translate_po(path, edit=lambda text: f"*{AR}* {text}" if text == "First step" else text)
    capsys.readouterr()
    assert main(["translations", "import", str(path), "--root", str(root)]) == 1
    assert "TR207 segment body.l1.i1: the translation adds or removes Markdown markup" \
        in capsys.readouterr().err


def test_import_never_overwrites_without_force(tmp_path, capsys) -> None:
    root = rich_site(tmp_path)
    path = next(p for p in export(root, "po") if p.name.startswith("rich-article"))
    translate_po(path)
    assert main(["translations", "import", str(path), "--root", str(root)]) == 0
    written = root / "content/ar/rich-article.md"
    written.write_text(written.read_text(encoding="utf-8") + "\nEdited by hand.\n",
                       encoding="utf-8")
    capsys.readouterr()
    assert main(["translations", "import", str(path), "--root", str(root)]) == 2
    assert "content/ar/rich-article.md:1:1: error TR105 file exists" in capsys.readouterr().err
    assert "Edited by hand." in written.read_text(encoding="utf-8")
    assert main(["translations", "import", str(path), "--root", str(root), "--force"]) == 0
    assert "Edited by hand." not in written.read_text(encoding="utf-8")


def test_import_refuses_untranslated_and_unreviewed_units(tmp_path, capsys) -> None:
    root = rich_site(tmp_path)
    path = next(p for p in export(root, "po") if p.name.startswith("rich-article"))
    capsys.readouterr()
    assert main(["translations", "import", str(path), "--root", str(root)]) == 1
    assert "TR203 segment title: has no translation" in capsys.readouterr().err
    store = pofile.parsefile(str(path))
    for unit in store.units:
        if not unit.isheader():
            unit.target = unit.source
            unit.markfuzzy(True)
    path.write_bytes(bytes(store))
    assert main(["translations", "import", str(path), "--root", str(root)]) == 1
    assert "TR204 segment title: is still marked new or changed" in capsys.readouterr().err
    assert main(["translations", "import", str(path), "--root", str(root),
                 "--accept-fuzzy"]) == 0


def test_without_translate_toolkit_the_commands_say_what_to_install(tmp_path) -> None:
    root = rich_site(tmp_path)
    code = ("import sys; sys.modules['translate'] = None; from pipeline.cli import main; "
            f"raise SystemExit(main(['translations', 'export', '--to', 'ar', '--root', {str(root)!r}]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 2
    assert "TR001 translate-toolkit is not installed" in done.stderr
    assert "pip install 'seo-pipeline[translate]'" in done.stderr and not done.stdout


def test_import_refuses_a_file_not_written_by_export(tmp_path, capsys) -> None:
    root = rich_site(tmp_path)
    path = tmp_path / "other.po"
    store = pofile()
    store.addsourceunit("Hello").target = "مرحبا"
    path.write_bytes(bytes(store))
    assert main(["translations", "import", str(path), "--root", str(root)]) == 2
    assert "TR102 not a file of 'translations export'" in capsys.readouterr().err
    broken = tmp_path / "broken.xlf"
    broken.write_text("<xliff version='2.0'>\n<file", encoding="utf-8")
    assert main(["translations", "import", str(broken), "--root", str(root)]) == 2
    assert f"{broken}:2:" in capsys.readouterr().err


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@e",
                    *args], check=True, capture_output=True)


def _round(root: Path, fmt: str) -> Path:
    path = next(p for p in export(root, fmt) if p.name.startswith("rich-article"))
    TRANSLATE[fmt](path)
    assert main(["translations", "import", str(path), "--root", str(root), "--force"]) == 0
    return path


@pytest.mark.parametrize("fmt", FORMATS)
def test_only_the_changed_segment_is_marked_after_a_source_edit(tmp_path, fmt, capsys) -> None:
    root = rich_site(tmp_path)
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "sources")
    _round(root, fmt)
    translated = (root / "content/ar/rich-article.md").read_text(encoding="utf-8")
    source = root / "content/en/rich-article.md"
    source.write_text(RICH.replace("Avoid the sun.", "Avoid the sun for a month."),
                      encoding="utf-8")
    capsys.readouterr()
    path = next(p for p in export(root, fmt) if p.name.startswith("rich-article"))
    assert "TR30" not in capsys.readouterr().err
    if fmt == "xliff":
        store = Xliff2File.parsefile(str(path))
        states = {u.getid(): (u.xmlelement.get("state"), u.xmlelement.get("subState"))
                  for u in store.units}
        assert states.pop("body.q1.p1") == ("initial", "seo-pipeline:changed")
        assert set(states.values()) == {("final", None)}
        changed = next(u for u in store.units if u.getid() == "body.q1.p1")
        assert f"{AR} Keep the skin moist.\nAvoid the sun. {AR}" == changed.target
        notes = {n.get("category"): n.text for n in
                 changed.getunitelement().iter(f"{{{xliff.NS}}}note")}  # <unit><notes>
        assert notes["previous-source"] == "Keep the skin moist.\nAvoid the sun."
    else:
        store = pofile.parsefile(str(path))
        units = [u for u in store.units if not u.isheader()]
        assert [u.getcontext() for u in units if u.isfuzzy()] == ["body.q1.p1"]
        changed = next(u for u in units if u.isfuzzy())
        assert changed.prev_source == "Keep the skin moist.\nAvoid the sun."
        assert all(u.target.startswith(AR) for u in units)
    title = next(u for u in store.units if not u.isheader() and
                 (u.getid() if fmt == "xliff" else u.getcontext()) == "title")
    assert title.target == f"{AR} A Rich Article About Laser Care {AR}"
    # the translator updates the one segment; the rest stays as it was
    if fmt == "xliff":
        _xliff_unit_target(path, "body.q1.p1", lambda t: setattr(
            t, "text", f"{AR} Keep the skin moist.\nAvoid the sun for a month. {AR}"))
        store = Xliff2File.parsefile(str(path))
        for unit in store.units:
            unit.marktranslated()
        path.write_bytes(bytes(store))
    else:
        for unit in store.units:
            if unit.isfuzzy():
                unit.target = f"{AR} Keep the skin moist.\nAvoid the sun for a month. {AR}"
                unit.markfuzzy(False)
        path.write_bytes(bytes(store))
    assert main(["translations", "import", str(path), "--root", str(root), "--force"]) == 0
    updated = (root / "content/ar/rich-article.md").read_text(encoding="utf-8")
    assert updated.replace("Avoid the sun for a month.", "Avoid the sun.") == \
        re.sub(r"translationOf: \w+", f"translationOf: {_hash_line(updated)}", translated)
    capsys.readouterr()
    main(["translations", "--root", str(root)])
    assert "| rich-article | en | en, ar | - | - | - |" in capsys.readouterr().out


def _hash_line(text: str) -> str:
    return re.search(r"translationOf: (\w+)", text).group(1)


def test_without_history_every_prefilled_segment_is_marked_changed(tmp_path, capsys) -> None:
    root = rich_site(tmp_path)  # no git repository
    _round(root, "po")
    (root / "content/en/rich-article.md").write_text(RICH.replace("Avoid", "Shun"),
                                                     encoding="utf-8")
    capsys.readouterr()
    path = next(p for p in export(root, "po") if p.name.startswith("rich-article"))
    assert "TR301" in capsys.readouterr().err
    units = [u for u in pofile.parsefile(str(path)).units if not u.isheader()]
    assert units and all(u.isfuzzy() and u.target.startswith(AR) for u in units)


def test_a_hand_made_translation_with_another_structure_is_not_prefilled(tmp_path,
                                                                         capsys) -> None:
    root = copy_bundled(tmp_path, with_arabic=True)
    source = root / "content/en/laser-skin-resurfacing.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nOne more paragraph.\n",
                      encoding="utf-8")
    target = root / "content/ar/laser-skin-resurfacing.md"
    target.write_text(target.read_text(encoding="utf-8").replace("\n\n## ", "\n\nفقرة.\n\n## ", 1),
                      encoding="utf-8")
    capsys.readouterr()
    (path,) = export(root, "xliff")
    err = capsys.readouterr().err
    assert "TR301" in err and "TR302" in err
    assert all(not u.target for u in Xliff2File.parsefile(str(path)).units)


# -- property: export -> identity translation -> import gives the body back, byte for byte
WORDS = st.sampled_from(["laser", "skin", "care", "ليزر", "البشرة", "علاج", "،", "؟", "2025",
                         "a*b", "x_y", "<3>", "&amp;", "\\*", "(note)", "«قول»"])
PHRASE = st.lists(WORDS, min_size=1, max_size=5).map(" ".join)
INLINE = st.lists(st.one_of(
    PHRASE,
    PHRASE.map(lambda t: f"*{t}*"),
    PHRASE.map(lambda t: f"**{t}**"),
    PHRASE.map(lambda t: f"`{t}`"),
    st.tuples(PHRASE, st.sampled_from(["/en/a/", "https://example.org/%D8%A7", "#id"]))
    .map(lambda p: f"[{p[0]}]({p[1]})"),
    PHRASE.map(lambda t: f"![{t}](/img/a.png)"),
), min_size=1, max_size=4).map(" ".join)
LINES = st.lists(INLINE, min_size=1, max_size=3).map("\n".join)
BLOCK = st.one_of(
    st.tuples(st.integers(1, 4), INLINE).map(lambda h: "#" * h[0] + " " + h[1]),
    LINES,
    st.lists(LINES.map(lambda t: t.replace("\n", "\n  ")), min_size=1, max_size=3)
    .map(lambda items: "\n".join("- " + i for i in items)),
    st.lists(INLINE, min_size=1, max_size=3).map(lambda items: "\n".join(
        f"{n}. {i}" for n, i in enumerate(items, 1))),
    LINES.map(lambda t: "> " + t.replace("\n", "\n> ")),
)
BODY = st.lists(BLOCK, min_size=1, max_size=6).map(lambda b: "\n" + "\n\n".join(b) + "\n")


def _identity_round_trip(body: str, fmt: str) -> str:
    segments = segments_of(body)
    units = tuple(Unit(s, NEW, location=f"x.md:{s.line}") for s in segments if s.translatable)
    meta = {"schema": SCHEMA, "translationKey": "k", "sourcePath": "content/en/k.md",
            "sourceLocale": "en", "targetLocale": "ar", "sourceHash": "0" * 64}
    data = (xliff if fmt == "xliff" else po).write(Handoff(meta, "en", "ar", units))
    if fmt == "xliff":  # the translator copies each source into its target
        store = Xliff2File.parsestring(data)
        for unit in store.units:
            unit.set_target_dom(unit.createlanguageNode("ar", "", "target"))
            target, source = unit.get_target_dom(), unit.get_source_dom()
            target.text = source.text
            target.extend(copy.deepcopy(child) for child in source)
            unit.marktranslated()
    else:
        store = pofile.parsestring(data)
        for unit in store.units:
            if not unit.isheader():
                unit.target = unit.source
    returned = (xliff if fmt == "xliff" else po).read(bytes(store))
    by_id = {s.id: s for s in segments}
    targets = {}
    for unit in returned.units:
        assert placeholder_problem(by_id[unit.id], unit.target) is None
        targets[unit.id] = unit.target
    result = assemble(body, segments, targets)
    assert structure_problem(tuple(segments), segments_of(result)) is None
    return result


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=BODY, fmt=st.sampled_from(sorted(FORMATS)))
def test_identity_translation_reproduces_generated_markdown(body: str, fmt: str) -> None:
    assert _identity_round_trip(body, fmt) == body


def test_set_field_replaces_a_value_spread_over_several_lines() -> None:
    text = "---\ntitle: >-\n  Laser care,\n\n  explained\nslug: x\n---\nbody\n"
    assert set_field(text, "title", '"رعاية"') == '---\ntitle: "رعاية"\nslug: x\n---\nbody\n'


def test_a_folded_title_is_replaced_and_the_import_validates(tmp_path, capsys) -> None:
    root = rich_site(tmp_path)
    source = root / "content/en/rich-article.md"
    source.write_text(RICH.replace('title: "A Rich Article About Laser Care"',
                                   "title: >-\n  A Rich Article\n  About Laser Care"),
                      encoding="utf-8")
    path = next(p for p in export(root, "xliff") if p.name.startswith("rich-article"))
    text = path.read_text(encoding="utf-8")
    assert "<source>A Rich Article About Laser Care</source>" in text
    assert '<note category="hint">the last part of the page' in text
    translate_xliff(path)
    assert main(["translations", "import", str(path), "--root", str(root)]) == 0
    written = (root / "content/ar/rich-article.md").read_text(encoding="utf-8")
    assert f'title: "{AR} A Rich Article About Laser Care {AR}"\nexcerpt:' in written
    capsys.readouterr()
    assert main(["validate", "--root", str(root)]) == 0


def test_split_segments_stray_spaces_and_foreign_elements_in_xliff(tmp_path, capsys) -> None:
    root = rich_site(tmp_path)
    path = next(p for p in export(root, "xliff") if p.name.startswith("rich-article"))
    translate_xliff(path)
    store = Xliff2File.parsefile(str(path))
    doc = store.document.getroot()
    ns = f"{{{xliff.NS}}}"
    units = {u.get("id"): u for u in doc.iter(f"{ns}unit")}
    # a tool split the quotation into two segments with an <ignorable> between them
    first = units["body.q1.p1"]
    (segment,) = first.findall(f"{ns}segment")
    target = segment.find(f"{ns}target")
    text = target.text
    cut = text.index("Avoid")
    target.text = text[:cut - 1]
    ignorable = etree.SubElement(first, f"{ns}ignorable")
    etree.SubElement(ignorable, f"{ns}source").text = "\n"
    second = etree.SubElement(first, f"{ns}segment", state="translated")
    etree.SubElement(second, f"{ns}source").text = "x"
    etree.SubElement(second, f"{ns}target").text = text[cut:]
    # stray spaces around a heading and an element the source never had
    heading = units["body.h1"].find(f"{ns}segment/{ns}target")
    heading.text = "    " + heading.text
    cell = units["body.t1.r1.c1"].find(f"{ns}segment/{ns}target")
    etree.SubElement(cell, f"{ns}foo")
    path.write_bytes(etree.tostring(doc, xml_declaration=True, encoding="UTF-8"))
    capsys.readouterr()
    assert main(["translations", "import", str(path), "--root", str(root)]) == 1
    assert "TR205 segment body.t1.r1.c1: unknown inline element <foo>" in \
        capsys.readouterr().err
    cell.remove(cell[-1])
    path.write_bytes(etree.tostring(doc, xml_declaration=True, encoding="UTF-8"))
    assert main(["translations", "import", str(path), "--root", str(root)]) == 0
    written = (root / "content/ar/rich-article.md").read_text(encoding="utf-8")
    assert f"\n## {AR} Aftercare <http://example.org/care> {AR}\n" in written
    assert f"\n{AR} A literal <3> heart and a [reference link][ref]. {AR}\n" in written
    assert f"\n> {AR} Keep the skin moist.\n> Avoid the sun. {AR}\n" in written


@pytest.mark.parametrize("body", [
    "x " + "*a " * 3000 + "b" + "*" * 3000 + "\n",  # emphasis 3,000 deep
    "[" * 2000 + "x" + "](/u)" * 2000 + "\n",
    "".join("  " * i + "- item\n" for i in range(300)),  # a list 300 levels deep
    "> " * 500 + "quote\n",
])
def test_hostile_nesting_round_trips_without_recursion_errors(body: str) -> None:
    for fmt in FORMATS:
        assert _identity_round_trip(body, fmt) == body


def test_import_refuses_a_slug_another_article_of_the_locale_has(tmp_path, capsys) -> None:
    root = rich_site(tmp_path)
    other = (REPO / "content/ar/laser-skin-resurfacing.md").read_text(encoding="utf-8")
    (root / "content/ar/laser-skin-resurfacing.md").write_text(
        re.sub(r"^slug: .*$", "slug: rich-article", other, flags=re.M), encoding="utf-8")
    path = next(p for p in export(root, "po") if p.name.startswith("rich-article"))
    translate_po(path, edit=lambda text: text)
    capsys.readouterr()
    assert main(["translations", "import", str(path), "--root", str(root)]) == 1
    assert "TR208 slug 'rich-article' cannot be used: content/ar/laser-skin-resurfacing.md " \
           "has it" in capsys.readouterr().err
    assert not (root / "content/ar/rich-article.md").exists()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=BODY, fmt=st.sampled_from(sorted(FORMATS)))
def test_identity_translation_through_the_commands(body: str, fmt: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        front = EN_ARTICLE[:EN_ARTICLE.index("---\n", 4) + 4]
        root = build_site(Path(tmp) / "site", {"content/en/laser-basics.md": front + body})
        (path,) = export(root, fmt)
        TRANSLATE[fmt](path, edit=lambda text: text)
        assert main(["translations", "import", str(path), "--root", str(root)]) == 0
        assert body_of((root / "content/ar/laser-basics.md").read_bytes()) == body


def test_export_reports_text_xml_cannot_hold(tmp_path, capsys) -> None:
    root = rich_site(tmp_path)
    source = root / "content/en/rich-article.md"
    source.write_text(RICH.replace("Avoid the sun.", "Avoid\x0bthe sun."), encoding="utf-8")
    capsys.readouterr()
    assert main(["translations", "export", "--to", "ar", "--root", str(root)]) == 1
    assert "content/en/rich-article.md:1:1: error TR303 cannot be written as xliff" in \
        capsys.readouterr().err
    assert not (root / "translations/ar/rich-article.ar.xlf").exists()
    assert (root / "translations/ar/laser-skin-resurfacing.ar.xlf").exists()
    assert main(["translations", "export", "--to", "ar", "--format", "po",
                 "--root", str(root)]) == 0  # PO holds it
