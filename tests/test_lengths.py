"""One length rule for titles and descriptions (seo.lengths), one finding: the metadata
lint's META001/META002 (validate reports none for files in the site)."""

from __future__ import annotations

from pathlib import Path

import pytest
from seo_site import Post, load, write_site

from pipeline.seo.lengths import length, outside
from pipeline.seo.lint import lint
from pipeline.stages.validate import run as validate

VOWELLED = "كَتَبَ"  # 3 letters, 3 vowel marks: 6 code points, 3 characters


@pytest.mark.parametrize(("text", "expected"), [
    ("abc", 3), ("", 0), (VOWELLED, 3), ("e\u0301", 1), ("é", 1),
    ("🇸🇦", 1), ("👩‍⚕️", 1), ("لا", 2), ("a b", 3),
])
def test_length_counts_user_perceived_characters(text: str, expected: int) -> None:
    assert length(text) == expected


def test_outside_is_inclusive() -> None:
    assert outside("a" * 50, 50, 160) is None and outside("a" * 160, 50, 160) is None
    assert outside("a" * 49, 50, 160) == 49 and outside("a" * 161, 50, 160) == 161


def test_lengths_are_reported_once_by_the_metadata_lint(tmp_path: Path) -> None:
    # 40 vowelled words: 240 code points but 160 characters, the upper limit; a
    # 61-character title is too long.
    excerpt = " ".join([VOWELLED] * 40) + "ب"
    assert length(excerpt) == 160 and len(excerpt) > 200
    title = "ت" * 61
    root = write_site(tmp_path, [Post("ar", "a", "a", title, excerpt=excerpt)])
    site = load(root)
    assert [f for f in validate(site).findings if "characters" in f.message] == []
    meta = sorted((f.code, f.message.split(" characters")[0]) for f in lint(site)
                  if f.code in ("META001", "META002"))
    assert meta == [("META001", "title is 61")]


def test_moved_validate_length_keys_say_where_they_went(tmp_path: Path) -> None:
    from conftest import SITE_TOML

    from pipeline.core.settings import ConfigError, load_settings

    (tmp_path / "site.toml").write_text(SITE_TOML + "\n[validate]\nexcerpt_min = 40\n",
                                        encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path)
    (finding,) = caught.value.findings
    assert "'validate.excerpt_min' has moved" in finding.message
    assert finding.hint == "write it as  [metadata] description_min = 40"
