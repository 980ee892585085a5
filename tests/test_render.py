"""Markdown rendering: CommonMark + tables, heading ids, raw HTML policy, bad input."""

from __future__ import annotations

from pipeline.render.markdown import RenderPolicy, count_words, problem_with_policy, render_markdown, slugify


def render(body: str, policy: RenderPolicy | None = None, exists=lambda src: True):
    return render_markdown(body, "content/x.md", 10, policy or RenderPolicy(), exists)


def codes(result) -> list[str]:
    return [f.code for f in result.findings]


def test_commonmark_and_tables():
    result = render("Some *em* and **strong**.\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n")
    assert "<em>em</em>" in result.html and "<strong>strong</strong>" in result.html
    assert '<div class="table-wrap"><table>' in result.html
    assert '<td style="text-align:end">2</td>' in result.html  # logical, mirrors in RTL
    assert result.findings == ()


def test_heading_ids_keep_arabic_letters_and_are_unique():
    result = render("## ما هو الليزر؟\n\n## ما هو الليزر؟\n\n### Why *choose* it?\n\n## !!!\n")
    assert [h.id for h in result.headings] == ["ما-هو-الليزر", "ما-هو-الليزر-1",
                                               "why-choose-it", "section"]
    assert '<h2 id="ما-هو-الليزر">ما هو الليزر؟</h2>' in result.html


def test_slugify_is_stable_and_normalises():
    assert slugify("Types of  Laser: CO2 & Erbium") == "types-of-laser-co2-erbium"
    assert slugify("العنايــة بعد الجلسة") == "العناية-بعد-الجلسة"  # tatweel dropped
    assert slugify("ＦＵＬＬ width") == "full-width"
    assert slugify("\u1fe2 x") == "\u1fe2-x"  # casefold decomposes it: composed again (NFC)


def test_script_is_escaped_by_default_and_located():
    body = "Intro line\n\nText <script>alert(1)</script> end\n"
    result = render(body)
    assert "<script" not in result.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in result.html
    script = [f for f in result.findings if f.code == "BN102"]
    assert len(script) == 1
    assert (script[0].path, script[0].line, script[0].col) == ("content/x.md", 12, 6)


def test_html_block_is_shown_as_text_by_default():
    result = render('<div onclick="steal()">\n<b>hi</b>\n</div>\n')
    assert "<div onclick" not in result.html
    assert "&lt;div onclick=&quot;steal()&quot;&gt;" in result.html
    assert codes(result) == ["BN101"]


def test_allow_list_keeps_listed_tags_and_removes_the_rest():
    policy = RenderPolicy(raw_html="allow", allowed_tags=("mark", "abbr"))
    body = ('A <mark>kept</mark> <abbr title="x">abbr</abbr> <u>gone</u> '
            '<a href="javascript:alert(1)">link</a>\n\n<script>alert(1)</script>\n')
    result = render(body, policy)
    assert "<mark>kept</mark>" in result.html and '<abbr title="x">abbr</abbr>' in result.html
    assert "<u>" not in result.html and "gone" in result.html
    assert "javascript:" not in result.html and "<script" not in result.html
    assert "alert(1)" not in result.html
    assert {"BN102", "BN103"} <= set(codes(result))


def test_allow_mode_repairs_broken_html():
    result = render("<div><span>open\n\n<p>para</i>\n", RenderPolicy("allow", ("i",)))
    html = result.html
    assert html.count("<div") == html.count("</div>")
    assert html.count("<span") == html.count("</span>")


def test_policy_rejects_dangerous_allow_list_and_unknown_mode():
    assert "script" in problem_with_policy(RenderPolicy("allow", ("b", "script")))
    assert "raw_html" in problem_with_policy(RenderPolicy("keep"))
    assert problem_with_policy(RenderPolicy("allow", ("mark",))) == ""


def test_missing_image_shows_alt_text_with_a_located_warning():
    body = "Para\n\nSee ![Before and after](/assets/missing.png) here\n"
    result = render(body, exists=lambda src: False)
    assert "<img" not in result.html
    assert 'role="img" aria-label="Before and after"' in result.html
    [finding] = result.findings
    assert (finding.code, finding.line, finding.col) == ("BN105", 12, 5)


def test_present_image_is_lazy():
    result = render("![x](/assets/a%20b.png)\n")
    assert '<img src="/assets/a%20b.png" alt="x" loading="lazy" decoding="async">' in result.html


def test_huge_table_renders_with_a_warning():
    rows = "\n".join(f"| {i} | {i * 2} |" for i in range(6000))
    result = render("| n | 2n |\n|---|---|\n" + rows + "\n")
    assert result.html.count("<tr>") == 6001
    assert codes(result) == ["BN104"]
    assert result.findings[0].line == 10


def test_deep_nesting_is_cut_with_a_warning():
    body = "\n".join("  " * i + f"- level{i}" for i in range(60)) + "\n\n" + ">" * 500 + " deep\n"
    result = render(body)
    assert "level0" in result.html
    assert "BN106" in codes(result)
    assert result.html.count("<ul>") == result.html.count("</ul>")


def test_plain_text_and_word_count():
    result = render("# Title\n\nOne two, three.\n\n```\ncode here\n```\n\nيزيل تقشير البشرة\n")
    assert result.text.split("\n") == ["Title", "One two, three.", "code here",
                                       "يزيل تقشير البشرة"]
    assert result.words == 9
    assert count_words("— , . يزيلُ البشرةَ") == 2
