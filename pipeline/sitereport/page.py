"""``reports/index.html``: the site health report as one self-contained page."""

from __future__ import annotations

from collections import Counter
from html import escape

from pipeline.core.jsontypes import JSONObject
from pipeline.core.settings import Settings
from pipeline.sitereport.charts import bar_chart
from pipeline.sitereport.inputs import MAX_ITEMS, SEVERITIES, Inputs, StageView, link_state
from pipeline.sitereport.labels import LABELS

MAX_PASSAGES = 8  # shared paragraphs shown per near-duplicate pair
STATES = ("current", "stale", "untracked", "missing")
CSS = """
:root{color-scheme:light;font-family:system-ui,"Noto Sans","Noto Naskh Arabic",sans-serif;
color:#1b1b1b;background:#fff;line-height:1.5}
body{margin:0 auto;max-width:72rem;padding:1rem}
nav a{margin-inline-end:1rem;color:#0b4f9c}
section.lang{border-top:3px solid #1b1b1b;margin-top:2rem}
h1{font-size:1.6rem}h2{font-size:1.3rem;margin-top:2rem}h3{font-size:1.1rem}
table{border-collapse:collapse;margin:.5rem 0;width:100%}
th,td{border:1px solid #bbb;padding:.25rem .5rem;text-align:start;vertical-align:top}
th{background:#f0f0f0}
.chart{max-width:100%;height:auto;font-size:12px}.chart text{fill:#1b1b1b}
table.pair{table-layout:fixed}
caption{text-align:start;font-weight:600;padding:.25rem 0}
.num{font-variant-numeric:tabular-nums}
code{font-family:ui-monospace,monospace;font-size:.9em;overflow-wrap:anywhere}
"""


def render(settings: Settings, inputs: Inputs) -> str:
    """The whole page; the same inputs always give the same bytes."""
    languages = [code for code in settings.locale_codes if code in LABELS] or ["en"]
    first = LABELS[languages[0]]
    nav = "".join(f'<a href="#{code}" lang="{code}">{escape(_name(settings, code))}</a>'
                  for code in languages)
    sections = "".join(_section(settings, inputs, code) for code in languages)
    direction = "rtl" if languages[0] == "ar" else "ltr"
    return (f"<!DOCTYPE html>\n<!-- inputs sha256:{inputs.digest} -->\n"
            f'<html lang="{languages[0]}" dir="{direction}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<link rel="icon" href="data:,">'
            f"<title>{escape(first['title'])}: {escape(settings.site.name)}</title>"
            f'<meta name="description" content="{escape(first["lead"])}">'
            f"<style>{CSS}</style></head><body>"
            f'<header><nav aria-label="{escape(first["language"])}">{nav}</nav></header>'
            f"<main>{sections}</main></body></html>\n")


def _name(settings: Settings, code: str) -> str:
    return settings.locale(code).name


def _section(settings: Settings, inputs: Inputs, code: str) -> str:
    t = LABELS[code]
    direction = "rtl" if code == "ar" else "ltr"
    cross = inputs.stages.get("crosscheck") or StageView()
    parts = [f'<section class="lang" id="{code}" lang="{code}" dir="{direction}">',
             f"<h1>{escape(t['title'])}: {escape(settings.site.name)}</h1>",
             f"<p>{escape(t['lead'])}</p>",
             _findings(settings, inputs, t, code), _translations(settings, inputs, t, code),
             _clusters(cross, t), _duplicates(cross, t), _orphans(cross, t),
             _suggestions(cross, t), _links(inputs.stages.get("links"), t, code),
             "</section>"]
    return "".join(parts)


def _counts_table(rows: list[tuple[str, Counter[str]]], head: str, t: dict[str, str],
                  series: tuple[str, ...]) -> str:
    cells = "".join(f'<th scope="col">{escape(t[s])}</th>' for s in series)
    body = "".join(f'<tr><th scope="row">{escape(label)}</th>'
                   + "".join(f'<td class="num">{counts.get(s, 0)}</td>' for s in series)
                   + "</tr>" for label, counts in rows)
    return (f'<table><thead><tr><th scope="col">{escape(head)}</th>{cells}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def _findings(settings: Settings, inputs: Inputs, t: dict[str, str], code: str) -> str:
    names = {s: t[s] for s in SEVERITIES}
    stages = [(name, inputs.by_stage[name]) for name in inputs.stages]
    locales = [(t["site"] if loc == "site" else f"{_name(settings, loc)} ({loc})",
                inputs.by_locale[loc])
               for loc in (*inputs.locales, "site") if loc in inputs.by_locale]
    return (f"<h2>{escape(t['by_stage'])}</h2>"
            + bar_chart(f"stages-{code}", t["by_stage"], [(n, dict(c)) for n, c in stages],
                        SEVERITIES, names)
            + _counts_table(stages, t["stage"], t, SEVERITIES)
            + f"<h2>{escape(t['by_locale'])}</h2>"
            + bar_chart(f"locales-{code}", t["by_locale"], [(n, dict(c)) for n, c in locales],
                        SEVERITIES, names)
            + _counts_table(locales, t["locale"], t, SEVERITIES))


def _translations(settings: Settings, inputs: Inputs, t: dict[str, str], code: str) -> str:
    rows = [(f"{_name(settings, locale)} ({locale})",
             Counter(inputs.translations.get(locale, {}))) for locale in inputs.locales]
    series = ("source", *STATES)
    names = {s: t[s] for s in series}
    return (f"<h2>{escape(t['translations'])}</h2>"
            + bar_chart(f"translations-{code}", t["translations"],
                        [(n, dict(c)) for n, c in rows], series, names)
            + _counts_table(rows, t["locale"], t, series))


def _more(size: int, t: dict[str, str], file: str) -> str:
    extra = size - MAX_ITEMS
    return f"<p>{escape(t['more'].format(n=extra, file=file))}</p>" if extra > 0 else ""


def _cross_section(t: dict[str, str], key: str, cross: StageView, body: str) -> str:
    """One section of the cross-article findings: heading, lead, ``body`` (or "None"
    when there are no items) and how many more ``crosscheck.json`` holds."""
    size = len(_items(cross, key))
    return (f"<h2>{escape(t[key])}</h2><p>{escape(t[key + '_lead'])}</p>"
            + (body if size else f"<p>{escape(t['none'])}</p>")
            + _more(size, t, "crosscheck.json"))


def _items(cross: StageView, key: str) -> list[JSONObject]:
    items: list[JSONObject] = cross.data.get(key, [])  # objects, as the stage wrote them
    return items


def _clusters(cross: StageView, t: dict[str, str]) -> str:
    out = []
    for cluster in _items(cross, "clusters")[:MAX_ITEMS]:
        rows = "".join(f"<tr><td><code>{escape(m['path'])}:{m['line']}</code></td>"
                       f"<td>{escape(m['title'])}</td><td>{escape(m['phrase'])}</td></tr>"
                       for m in cluster["members"])
        out.append(f"<table><caption>{escape(cluster['locale'])}: {len(cluster['members'])}"
                   f"</caption><thead><tr><th scope=\"col\">{escape(t['where'])}</th>"
                   f"<th scope=\"col\">{escape(t['article_title'])}</th>"
                   f"<th scope=\"col\">{escape(t['phrase'])}</th></tr></thead>"
                   f"<tbody>{rows}</tbody></table>")
    return _cross_section(t, "clusters", cross, "".join(out))


def _duplicates(cross: StageView, t: dict[str, str]) -> str:
    out = []
    for pair in _items(cross, "duplicates")[:MAX_ITEMS]:
        first, second = pair["first"], pair["second"]
        lines = [p for p in pair.get("passages", [])[:MAX_PASSAGES]]
        rows = "".join(f"<tr><td>{escape(t['line'])} {p['line']}</td>"
                       f"<td>{escape(t['line'])} {p['otherLine']}</td></tr>" for p in lines)
        out.append(f'<table class="pair"><caption>{escape(pair["locale"])}: '
                   f'{escape(t["similarity"])} {pair["similarity"]:.0%}</caption>'
                   f'<thead><tr><th scope="col"><code>{escape(first["path"])}</code><br>'
                   f'{escape(first["title"])}</th><th scope="col"><code>'
                   f'{escape(second["path"])}</code><br>{escape(second["title"])}</th></tr>'
                   f"</thead><tbody>{rows}</tbody></table>")
    return _cross_section(t, "duplicates", cross, "".join(out))


def _orphans(cross: StageView, t: dict[str, str]) -> str:
    items = "".join(f"<li><code>{escape(o['path'])}:{o['line']}</code> {escape(o['title'])}"
                    f"</li>" for o in _items(cross, "orphans")[:MAX_ITEMS])
    return _cross_section(t, "orphans", cross, f"<ul>{items}</ul>")


def _finding_rows(findings: list[JSONObject], t: dict[str, str]) -> str:
    rows = "".join(f"<tr><td><code>{escape(str(f['path']))}:{f['line']}</code></td>"
                   f"<td>{escape(str(f['code']))}</td><td>{escape(str(f['message']))}</td></tr>"
                   for f in findings[:MAX_ITEMS])
    return (f'<table><thead><tr><th scope="col">{escape(t["where"])}</th>'
            f'<th scope="col">{escape(t["code"])}</th>'
            f'<th scope="col">{escape(t["message"])}</th></tr></thead><tbody>{rows}</tbody>'
            f"</table>")


def _suggestions(cross: StageView, t: dict[str, str]) -> str:
    rows = "".join(f"<tr><td><code>{escape(s['path'])}:{s['line']}</code></td>"
                   f"<td>{escape(s['phrase'])}</td><td><code>{escape(s['target'])}</code>"
                   f"</td></tr>" for s in _items(cross, "suggestions")[:MAX_ITEMS])
    table = (f'<table><thead><tr><th scope="col">{escape(t["where"])}</th>'
             f'<th scope="col">{escape(t["phrase"])}</th>'
             f'<th scope="col">{escape(t["target"])}</th></tr></thead><tbody>{rows}</tbody>'
             f"</table>")
    return _cross_section(t, "suggestions", cross, table)


LINK_STATES = ("ok", "skipped", "broken")  # as drawn: ok/redirected, skipped/excluded, other


def _links(report: StageView | None, t: dict[str, str], code: str) -> str:
    head = f"<h2>{escape(t['links'])}</h2>"
    if report is None:
        return head + f"<p>{escape(t['links_none'])}</p>"
    kinds: dict[str, Counter[str]] = {"internal": Counter(), "external": Counter()}
    for link in report.data.get("links", []):
        kind = "internal" if link.get("internal") else "external"
        kinds[kind][link_state(str(link.get("state", "")))] += 1
    rows = [(t[kind], kinds[kind]) for kind in kinds]
    names = {s: t[f"link_{s}"] for s in LINK_STATES}
    findings = report.findings
    return (head + bar_chart(f"links-{code}", t["links"], [(n, dict(c)) for n, c in rows],
                             LINK_STATES, names)
            + _counts_table(rows, t["kind"], {**t, **{s: names[s] for s in LINK_STATES}},
                            LINK_STATES)
            + (_finding_rows(findings, t) if findings else "")
            + _more(report.found, t, "links.json"))
