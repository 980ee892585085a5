"""Set one top-level scalar field in a file's front matter, keeping everything else as is."""

from __future__ import annotations

import re

from pipeline.content.parsing import FENCE


def set_field(text: str, key: str, value: str) -> str:
    """``text`` with ``key: value`` replaced, or added as the front matter's last line.

    ``value`` must be a one-line YAML scalar (a hex digest, a double-quoted string); a
    value spread over indented continuation lines (a block or folded scalar) or over
    ``- item`` lines (a block sequence) is replaced whole. Other lines, comments and the
    body are untouched. Expects LF line endings (as the load stage normalises them).
    """
    match = FENCE.match(text)
    if match is None:
        raise ValueError("the file has no front matter")
    start = text.index("\n") + 1
    yaml_text = match.group(1) or ""
    end = start + len(yaml_text)
    line = f"{key}: {value}\n"
    pattern = re.compile(rf"^{re.escape(key)}[ \t]*:.*\n"
                         r"(?:[ \t]+.*\n|-(?:[ \t].*)?\n|[ \t]*\n(?=[ \t-]))*", re.M)
    if pattern.search(yaml_text):
        yaml_text = pattern.sub(lambda _: line, yaml_text, count=1)
    else:
        yaml_text += line
    return text[:start] + yaml_text + text[end:]
