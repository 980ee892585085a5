"""Inline SVG bar charts, drawn here (no library, no script): one horizontal bar per row,
stacked by series, with the numbers written beside the bars."""

from __future__ import annotations

from html import escape

COLOURS = {"error": "#b3261e", "warning": "#8c5a00", "info": "#1d5fa6",
           "current": "#1e7a3c", "stale": "#8c5a00", "untracked": "#6b5b95",
           "missing": "#b3261e", "ok": "#1e7a3c", "skipped": "#6b6b6b", "broken": "#b3261e",
           "other": "#555555"}
WIDTH, BAR, GAP, LABEL = 560, 18, 10, 150


def bar_chart(chart_id: str, title: str, rows: list[tuple[str, dict[str, int]]],
              series: tuple[str, ...], names: dict[str, str]) -> str:
    """An SVG stacked bar chart with a text alternative (``title``, ``desc``)."""
    total_max = max([sum(values.values()) for _, values in rows] + [1])
    span = WIDTH - LABEL - 60
    height = len(rows) * (BAR + GAP) + GAP + 24
    parts = [f'<svg class="chart" id="{chart_id}" role="img" aria-labelledby="{chart_id}-t '
             f'{chart_id}-d" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
             f'direction="ltr">',
             f'<title id="{chart_id}-t">{escape(title)}</title>',
             f'<desc id="{chart_id}-d">{escape(_describe(rows, series, names))}</desc>']
    for index, (label, values) in enumerate(rows):
        y = GAP + index * (BAR + GAP)
        parts.append(f'<text x="{LABEL - 8}" y="{y + BAR - 4}" text-anchor="end">'
                     f'{escape(label)}</text>')
        x = float(LABEL)
        for name in series:
            value = values.get(name, 0)
            if value:
                width = max(1.0, span * value / total_max)
                parts.append(f'<rect class="bar" x="{x:.1f}" y="{y}" width="{width:.1f}" '
                             f'height="{BAR}" fill="{COLOURS.get(name, "#555555")}">'
                             f'<title>{escape(names.get(name, name))}: {value}</title></rect>')
                x += width
        parts.append(f'<text x="{x + 6:.1f}" y="{y + BAR - 4}">{sum(values.values())}</text>')
    legend_y = height - 8
    x = LABEL
    for name in series:
        parts.append(f'<rect x="{x}" y="{legend_y - 10}" width="10" height="10" '
                     f'fill="{COLOURS.get(name, "#555555")}"/>'
                     f'<text x="{x + 14}" y="{legend_y}">{escape(names.get(name, name))}</text>')
        x += 24 + 8 * len(names.get(name, name))
    parts.append("</svg>")
    return "".join(parts)


def _describe(rows: list[tuple[str, dict[str, int]]], series: tuple[str, ...],
              names: dict[str, str]) -> str:
    return "; ".join(f"{label}: " + ", ".join(f"{names.get(s, s)} {values.get(s, 0)}"
                                              for s in series) for label, values in rows)
