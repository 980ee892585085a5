"""XLIFF 2.0 files through translate-toolkit's ``xliff2`` store (lxml for the inline codes).

One ``<file>`` per article: ``id`` the translation key, ``original`` the source path, and
the metadata (``META_KEYS``) in the standard metadata module
(``<mda:metadata><mda:metaGroup category="seo-pipeline"><mda:meta type="sourceHash">``).
One ``<unit id="SEGMENT-ID">`` per segment: ``<notes>`` (location, previous source text,
what each code stands for), ``<originalData>`` (the Markdown of each code), one
``<segment>`` whose ``state`` is ``final`` (pre-filled, unchanged), or ``initial`` with
``subState`` ``seo-pipeline:new`` / ``seo-pipeline:changed``. Inline markup is
``<pc>`` (paired: the text inside is translated) and ``<ph/>`` (standalone), both with
``canCopy="no" canDelete="no"``. On reading, ``<sc>``/``<ec>`` (a split ``<pc>``) and
``<mrk>``/``<sm>``/``<em>`` annotations that tools add are understood too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lxml import etree

from pipeline.translator.handoff import (
    CHANGED,
    FINAL,
    META_KEYS,
    NEW,
    Handoff,
    HandoffError,
    Returned,
    ReturnedUnit,
    describe,
)
from pipeline.translator.segments import CLOSE, OPEN, PH, TEXT, Code, Segment, Token

NS = "urn:oasis:names:tc:xliff:document:2.0"
MDA = "urn:oasis:names:tc:xliff:metadata:2.0"
GROUP = "seo-pipeline"
# Any: an lxml element; lxml ships no types (see the mypy section of pyproject.toml).
Element = Any
_TYPES = {"em": ("fmt", "xlf:i"), "strong": ("fmt", "xlf:b"), "strike": ("fmt", None),
          "br": ("fmt", "xlf:lb"), "link": ("link", None), "autolink": ("link", None),
          "ref": ("link", None), "image": ("image", None)}


def _q(name: str, ns: str = NS) -> str:
    return f"{{{ns}}}{name}"


def write(doc: Handoff) -> bytes:
    from translate.storage.xliff2 import Xliff2File, Xliff2Unit

    store = Xliff2File()
    store.setsourcelanguage(doc.source_lang)
    store.settargetlanguage(doc.target_lang)
    filenode = store.body
    filenode.set("id", doc.meta["translationKey"])
    filenode.set("original", doc.meta["sourcePath"])
    metadata = etree.SubElement(filenode, _q("metadata", MDA), nsmap={"mda": MDA})
    group = etree.SubElement(metadata, _q("metaGroup", MDA), category=GROUP)
    for key in META_KEYS:
        etree.SubElement(group, _q("meta", MDA), type=key).text = doc.meta[key]
    for unit in doc.units:
        segment = unit.segment
        xunit = Xliff2Unit("")
        xunit.setid(segment.id)
        store.addunit(xunit)
        element = xunit.getunitelement()
        notes = [("location", unit.location), ("kind", segment.kind)]
        if unit.hint:
            notes.append(("hint", unit.hint))
        if unit.previous is not None:
            notes.append(("previous-source", unit.previous))
        notes += [("code", describe(c)) for c in segment.codes.values()]
        _insert_notes(element, notes)
        if segment.codes:
            _insert_original_data(element, segment.codes.values())
        _fill(xunit.get_source_dom(), segment.tokens, segment)
        if unit.target is not None:
            xunit.set_target_dom(xunit.createlanguageNode(doc.target_lang, "", "target"))
            _fill(xunit.get_target_dom(), unit.target, segment)
        seg_element = xunit.xmlelement
        if unit.state == FINAL:
            seg_element.set("state", "final")
        else:
            seg_element.set("state", "initial")
            seg_element.set("subState", f"{GROUP}:{NEW if unit.state == NEW else CHANGED}")
    return bytes(store)


def _insert_notes(element: Element, notes: list[tuple[str, str]]) -> None:
    container = etree.Element(_q("notes"))
    for category, text in notes:
        etree.SubElement(container, _q("note"), category=category).text = text
    element.insert(0, container)


def _insert_original_data(element: Element, codes: Iterable[Code]) -> None:
    container = etree.Element(_q("originalData"))
    for code in codes:
        etree.SubElement(container, _q("data"), id=f"d{code.id}").text = code.start
        if code.paired:
            etree.SubElement(container, _q("data"), id=f"d{code.id}e").text = code.end
    element.insert(1, container)


def _fill(parent: Element, tokens: tuple[Token, ...], segment: Segment) -> None:
    """``parent``'s content from tokens: text, ``<pc>`` for pairs, ``<ph/>`` otherwise."""
    stack = [parent]
    last: Element | None = None  # the element whose tail takes the next text; None: the parent's
    for kind, value in tokens:
        if kind == TEXT:
            if last is None:
                stack[-1].text = (stack[-1].text or "") + value
            else:
                last.tail = (last.tail or "") + value
        elif kind == OPEN:
            element = _code_element(stack[-1], "pc", segment.codes[value])
            stack.append(element)
            last = None
        elif kind == CLOSE:
            last = stack.pop()
        else:
            last = _code_element(stack[-1], "ph", segment.codes[value])


def _code_element(parent: Element, tag: str, code: Code) -> Element:
    element = etree.SubElement(parent, _q(tag), id=str(code.id))
    if tag == "pc":
        element.set("dataRefStart", f"d{code.id}")
        element.set("dataRefEnd", f"d{code.id}e")
    else:
        element.set("dataRef", f"d{code.id}")
        element.set("disp", code.start.replace("\n", " ").strip() or code.kind)
    kind, sub = _TYPES.get(code.kind, ("other", None))
    element.set("type", kind)
    if sub:
        element.set("subType", sub)
    element.set("canCopy", "no")
    element.set("canDelete", "no")
    return element


def read(data: bytes) -> Returned:
    """The metadata and each ``<unit>``'s target; a unit a tool split into several
    ``<segment>``s (with ``<ignorable>`` between them) gives their targets joined."""
    from translate.storage.xliff2 import Xliff2File

    try:
        store = Xliff2File.parsestring(data)
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (1, 1)
        raise HandoffError("TR101", f"not well-formed XML: {exc.msg}", "", line, col) from None
    except ValueError as exc:
        raise HandoffError("TR101", f"not an XLIFF 2.0 file: {exc}",
                           "export the file again with --format xliff") from None
    root = store.document.getroot()
    meta = {m.get("type"): (m.text or "") for m in root.iter(_q("meta", MDA))}
    returned = Returned(meta)
    for element in root.iter(_q("unit")):
        unit_id = element.get("id") or ""
        target: list[Token] | None = []
        unreviewed = False
        for part in element:
            if part.tag not in (_q("segment"), _q("ignorable")):
                continue
            unreviewed |= part.get("state") == "initial"
            found = part.find(_q("target"))
            if found is None and part.tag == _q("ignorable"):
                found = part.find(_q("source"))
            if found is None or target is None:
                target = None
            else:
                target.extend(_read_inline(found, unit_id))
        returned.units.append(ReturnedUnit(unit_id, None if target is None else tuple(target),
                                           unreviewed, element.sourceline or 1))
    return returned


def _read_inline(element: Element, unit_id: str) -> list[Token]:
    tokens: list[Token] = []
    if element.text:
        tokens.append((TEXT, element.text))
    for child in element:
        if isinstance(child.tag, str):  # not a comment or processing instruction
            name = etree.QName(child).localname
            if name == "pc":
                number = _number(child, "id", unit_id)
                tokens.append((OPEN, number))
                tokens.extend(_read_inline(child, unit_id))
                tokens.append((CLOSE, number))
            elif name == "ph":
                tokens.append((PH, _number(child, "id", unit_id)))
            elif name == "sc":
                tokens.append((OPEN, _number(child, "id", unit_id)))
            elif name == "ec":
                ref = "startRef" if child.get("startRef") is not None else "id"
                tokens.append((CLOSE, _number(child, ref, unit_id)))
            elif name == "mrk":
                tokens.extend(_read_inline(child, unit_id))
            elif name not in ("sm", "em"):
                raise HandoffError("TR205", f"segment {unit_id}: unknown inline element "
                                   f"<{name}> in the target", "keep only the placeholders of "
                                   "the source", child.sourceline or 1)
        if child.tail:
            tokens.append((TEXT, child.tail))
    return tokens


def _number(element: Element, attribute: str, unit_id: str) -> int:
    value = element.get(attribute) or ""
    if not value.isdigit():
        raise HandoffError("TR205", f"segment {unit_id}: placeholder {attribute}={value!r} is "
                           "not one of the source's", "copy the placeholders from the source",
                           element.sourceline or 1)
    return int(value)
