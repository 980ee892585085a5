"""Hostile front-matter YAML: each gets its located FM01x finding within 1 s and 100 MB."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from pipeline.content.load import load_article
from pipeline.core.settings import load_settings

LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(8))
LIMIT = 5 * 1024 * 1024 - 1024  # just under validate.max_file_bytes

# name -> (front matter, code, line, col); lines count the opening '---' as line 1.
CORPUS: dict[str, tuple[str, str, int, int]] = {
    "billion_laughs": (LAUGHS, "FM015", 5, 44),
    "laughs_in_mapping": ("a: &a {k: v, l: v}\n" + "".join(
        f"m{i}: &m{i} {{a: *{'a' if i == 0 else f'm{i - 1}'}, b: *{'a' if i == 0 else f'm{i - 1}'}}}\n"
        for i in range(30)), "FM015", 12, 21),
    "merge_key_laughs": ("a: &a {k: v}\n" + "".join(
        f"m{i}: &m{i} {{x: *{'a' if i == 0 else f'm{i - 1}'}, y: *{'a' if i == 0 else f'm{i - 1}'}}}\n"
        for i in range(20)) + "z: {<<: *m19}\n", "FM015", 12, 21),
    "long_string_laughs": ("s: &s " + "x" * 200_000 + "\nt: [*s, *s, *s, *s, *s, *s]\n",
                           "FM015", 3, 25),
    "too_many_aliases": ("a: &a x\nb: [" + ", ".join(["*a"] * 101) + "]\n", "FM015", 3, 405),
    "self_reference_seq": ("a: &a [*a]\n", "FM018", 2, 8),
    "self_reference_map": ("a: &a {b: {c: *a}}\n", "FM018", 2, 15),
    "deep_flow": ("a: " + "[" * 2000 + "]" * 2000 + "\n", "FM016", 2, 1003),
    "deep_block": ("".join(" " * i + "-\n" for i in range(0, 4000, 2)), "FM016", 34, 65),
    "deep_mapping": ("".join(" " * i + f"k{i}:\n" for i in range(0, 200, 2)) + "      " * 40
                     + "v\n", "FM016", 34, 65),
    "many_values_small": ("tags: [" + "a, " * 10_050 + "a]\n", "FM017", 2, 29999),
    "deep_small_block": ("".join(" " * i + "-\n" for i in range(40)), "FM016", 34, 33),
    "wide_near_size_limit": ("tags: [" + "a, " * (LIMIT // 3 - 20) + "a]\n", "FM017", 2, 30005),
    "deep_near_size_limit": ("a: " + "[" * (LIMIT - 20) + "\n", "FM016", 2, 1003),
}


def _article(make_site, front: str):  # type: ignore[no-untyped-def]
    root = make_site({"content/en/x.md": f"---\n{front}---\n\nBody.\n"})
    settings = load_settings(root)
    return root / "content/en/x.md", settings


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_hostile_yaml_is_located_in_bounded_time_and_memory(make_site, name: str) -> None:
    front, code, line, col = CORPUS[name]
    path, settings = _article(make_site, front)
    tracemalloc.start()
    started = time.perf_counter()
    article, findings = load_article(path, "en", settings)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert article is None
    assert [(f.code, f.line, f.col) for f in findings] == [(code, line, col)]
    assert findings[0].path == "content/en/x.md" and findings[0].is_error
    assert elapsed < 1.0, f"{name} took {elapsed:.2f} s"
    assert peak < 100 * 1024 * 1024, f"{name} peaked at {peak / 2**20:.0f} MB"


def test_aliases_within_limits_still_work(make_site) -> None:
    from conftest import EN_ARTICLE

    text = EN_ARTICLE.replace('coverImage: "/assets/blog/cover (1).jpeg"',
                              'coverImage: &cover "/assets/blog/cover (1).jpeg"')
    text = text.replace('  url: "/assets/blog/cover (1).jpeg"', "  url: *cover")
    root = make_site({"content/en/x.md": text})
    article, findings = load_article(root / "content/en/x.md", "en", load_settings(root))
    assert findings == [] and article is not None
    assert article.meta.og_image == "/assets/blog/cover (1).jpeg"


def test_yaml_error_in_a_large_front_matter_is_located_fast(make_site) -> None:
    front = "".join(f'k{i}: "v"\n' for i in range(3000)) + 'bad: "x\n'
    path, settings = _article(make_site, front)
    started = time.perf_counter()
    _, findings = load_article(path, "en", settings)
    assert time.perf_counter() - started < 1.0
    assert [(f.code, f.line, f.col) for f in findings] == [("FM012", 3002, 6)]
