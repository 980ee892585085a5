"""One article's text split for translation: front matter, body and their segments.

Front-matter segments are ``title``, ``excerpt`` and ``coverAlt`` (when the article has
one) as plain text; body segments come from ``segments.segments_of``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.content.parsing import split
from pipeline.core.jsontypes import JSONObject
from pipeline.translator.history import normalized
from pipeline.translator.segments import Segment, plain_segment, segments_of

FRONT_FIELDS = ("title", "excerpt", "coverAlt")


@dataclass(frozen=True)
class ArticleText:
    """The normalized text of an article and its segments (front matter first)."""

    text: str
    front: str  # the front matter block with its fences, up to the body
    body: str
    body_line: int
    data: JSONObject
    key_lines: dict[str, int]
    segments: tuple[Segment, ...]

    def by_id(self) -> dict[str, Segment]:
        return {s.id: s for s in self.segments}

    @property
    def body_segments(self) -> tuple[Segment, ...]:
        return tuple(s for s in self.segments if s.id.startswith("body."))

    def line_of(self, segment: Segment) -> int:
        """1-based line of a segment in the file."""
        if segment.id.startswith("body."):
            return self.body_line + segment.line - 1
        return self.key_lines.get(segment.id, 1)


def of_text(text: str, shown: str) -> ArticleText | None:
    """The article's segments, or None when its front matter cannot be read."""
    parsed, _ = split(text, shown)
    if parsed is None:
        return None
    front = text[:len(text) - len(parsed.body)]
    segments = [plain_segment(name, name, parsed.data[name]) for name in FRONT_FIELDS
                if isinstance(parsed.data.get(name), str)]
    segments += segments_of(parsed.body)
    return ArticleText(text, front, parsed.body, parsed.body_line, parsed.data,
                       parsed.key_lines, tuple(segments))


def read(path: Path, shown: str) -> ArticleText | None:
    return of_text(normalized(path.read_bytes()), shown)
