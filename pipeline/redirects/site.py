"""The site's redirects as outputs of the bundles stage (``stages.bundles.site_pages``).

Claims come from the work units' small results (each entry's ``aliases``, with their
line) and from ``[redirects] rules``; the plan (``redirects.plan``) checks them against
every file the output holds, and each output goes through the stage's ``add`` with its
inputs, so an alias edit re-renders exactly the redirect outputs it changes.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from functools import partial
from urllib.parse import urlsplit

from pipeline.content.assets import tree_of
from pipeline.core.jsontypes import JSONObject, JSONValue
from pipeline.core.model import Finding
from pipeline.core.settings import CONFIG_NAME, Settings
from pipeline.core.settings_rules import line_of, rule_parts
from pipeline.redirects import render
from pipeline.redirects.paths import normal, of_href, output_file, served
from pipeline.redirects.plan import Claim, Redirect, plan

AddPage = Callable[[str, str, JSONValue, Callable[[], bytes]], None]  # (file, owner, inputs, render)
# Written into the output folder's root by other stages and tools (sitemaps, robots.txt,
# IndexNow key files) and the bundles stage's manifest: never an old path.
OTHER_STAGES = ("robots.txt", "sitemap*.xml", "sitemap*.xml.gz", "*.txt", "manifest.json")


def base_path(settings: Settings) -> str:
    return urlsplit(settings.base_url).path.rstrip("/")


def claims(settings: Settings, entries: list[JSONObject]) -> list[Claim]:
    """Every claim: each entry's aliases, then each ``[redirects] rules`` entry."""
    base = base_path(settings)
    found = [Claim(path, of_href(base, entry["href"]), entry["source"], line)
             for entry in entries for path, line in entry.get("aliases", ())]
    if settings.redirects.rules:
        text = (settings.root / CONFIG_NAME).read_text(encoding="utf-8", errors="replace") \
            if (settings.root / CONFIG_NAME).is_file() else ""
        line = line_of(text, "redirects", "rules")
        for rule in settings.redirects.rules:
            parts = rule_parts(rule)
            if parts:  # checked with the settings (CF113)
                found.append(Claim(normal(parts[0]), normal(parts[1]), CONFIG_NAME, line))
    return found


def taken_files(settings: Settings, written: set[str]) -> set[str]:
    """Files an old path must not replace: outputs, ``public/`` files, other stages'."""
    taken = set(written)
    if settings.path("public").is_dir():
        taken.update(tree_of(settings.path("public")).files)
    taken.update(n for n in (settings.redirects.netlify, settings.redirects.nginx_map) if n)
    return taken


def targets(settings: Settings, entries: list[JSONObject]) -> dict[str, render.Target]:
    """Each article's page path and how a redirect to it is shown."""
    base = base_path(settings)
    found = {}
    for entry in entries:
        locale = settings.locale(entry["locale"])
        found[of_href(base, entry["href"])] = render.Target(
            entry["url"], entry["href"], entry["title"], locale.hreflang, locale.direction)
    return found


def target_of(settings: Settings, known: dict[str, render.Target], path: str) -> render.Target:
    """``known``'s target, or one for a path no article lives at (a rule's target)."""
    if path in known:
        return known[path]
    first = path.strip("/").split("/")[0]
    code = first if first in settings.locale_codes else settings.site.x_default
    locale = settings.locale(code)
    return render.Target(page_url(settings, path), served(base_path(settings), path), path,
                         locale.hreflang, locale.direction)


def outputs(settings: Settings, add: AddPage, entries: list[JSONObject],
            written: set[str]) -> tuple[list[Redirect], list[Finding]]:
    """Plan the redirects and add their outputs; the redirects and the findings."""
    taken = taken_files(settings, written)
    taken.update(f for f in _other_stage_names(settings, entries) if f)
    redirects, findings = plan(claims(settings, entries), taken)
    known = targets(settings, entries) if redirects else {}  # decoding every href costs
    section = settings.redirects
    base = base_path(settings)
    pairs = []
    for redirect in redirects:
        target = target_of(settings, known, redirect.target)
        pairs.append((redirect.source, target.href))
        if section.pages and render.has_page(redirect.source):
            add(output_file(redirect.source), redirect.claim.path,
                ["redirect", target.url, target.href, target.title, target.lang,
                 target.direction], partial(render.page, target))
    if section.netlify and pairs:
        add(section.netlify, "redirects", ["netlify", base, pairs],
            partial(render.netlify, base, pairs))
    if section.nginx_map and pairs:
        add(section.nginx_map, "redirects", ["nginx", base, pairs],
            partial(render.nginx_map, base, pairs))
    return redirects, findings


def _other_stage_names(settings: Settings, entries: list[JSONObject]) -> set[str]:
    """Old paths' files that match a name another stage writes (``robots.txt``...)."""
    names = set()
    for entry in entries:
        for path, _ in entry.get("aliases", ()):
            rel = output_file(path)
            if "/" not in rel and any(fnmatch.fnmatchcase(rel, p) for p in OTHER_STAGES):
                names.add(rel)
    for rule in settings.redirects.rules:
        parts = rule_parts(rule)
        rel = output_file(normal(parts[0])) if parts else ""
        if rel and "/" not in rel and any(fnmatch.fnmatchcase(rel, p) for p in OTHER_STAGES):
            names.add(rel)
    return names


def page_url(settings: Settings, path: str) -> str:
    """The absolute URL of a site path (an old path or a page's)."""
    base = base_path(settings)
    return settings.base_url.removesuffix(base) + served(base, path)

