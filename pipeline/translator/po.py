"""Gettext PO files through translate-toolkit's ``pypo`` store.

The header records the metadata as ``X-Seo-Pipeline-<Key>`` fields and ``Language``.
One entry per segment: ``msgctxt`` the segment id, ``msgid`` the source text with
numbered placeholders (``<1>``…``</1>`` around translatable text, ``<2/>`` standalone),
``#.`` comments saying what each placeholder stands for (``<1>…</1> link: [ … ](url)``),
``#:`` the source location. New segments have an empty ``msgstr``; changed ones keep the
previous translation, are ``fuzzy`` and carry the previous source as ``#| msgid``
(as ``msgmerge`` does); unchanged ones are pre-filled and not fuzzy.
"""

from __future__ import annotations

from pipeline.translator.handoff import (
    CHANGED,
    META_KEYS,
    Handoff,
    HandoffError,
    Returned,
    ReturnedUnit,
    describe,
    locate,
)
from pipeline.translator.segments import parse_text_form, text_form

PREFIX = "X-Seo-Pipeline-"


def _header_key(key: str) -> str:
    return PREFIX + key[0].upper() + key[1:]


def write(doc: Handoff) -> bytes:
    from translate.storage.pypo import pofile

    store = pofile()
    fields = {_header_key(k).replace("-", "_"): doc.meta[k] for k in META_KEYS}
    store.updateheader(add=True, Language=doc.target_lang, **fields)
    for unit in doc.units:
        segment = unit.segment
        entry = store.addsourceunit(segment.text)
        entry.setcontext(segment.id)
        entry.addlocation(unit.location)
        if unit.hint:
            entry.addnote(unit.hint, origin="developer")
        for code in segment.codes.values():
            entry.addnote(describe(code), origin="developer")
        if unit.target is not None:
            entry.target = text_form(unit.target)
        if unit.state == CHANGED:
            entry.markfuzzy(True)
            if unit.previous is not None:
                entry.prev_source = unit.previous
    return bytes(store)


def read(data: bytes) -> Returned:
    from translate.storage.pypo import pofile

    try:
        text = data.decode("utf-8")
        store = pofile.parsestring(data)
    except (UnicodeDecodeError, ValueError) as exc:
        raise HandoffError("TR101", f"not a readable PO file: {exc}",
                           "export the file again with --format po") from None
    header = store.parseheader()
    meta = {k: header[_header_key(k)] for k in META_KEYS if _header_key(k) in header}
    returned = Returned(meta)
    for entry in store.units:
        if entry.isheader() or entry.isobsolete():
            continue
        unit_id = entry.getcontext()
        line, _ = locate(text, f'msgctxt "{unit_id}"')
        target = tuple(parse_text_form(entry.target)) if entry.target else None
        returned.units.append(ReturnedUnit(unit_id, target, entry.isfuzzy(), line))
    return returned
