"""XLIFF 1.2 and PO files for translation agencies, written and read with translate-toolkit.

No Django import: the workbench hands this module the units to write (:class:`Unit`) and gets
back what a returned file holds (:class:`Returned`); which object a unit id names, and whether
its Swedish is still the one exported, the services decide.

A unit's id is ``<kind key>:<pk>:<field>``. The fingerprint of the Swedish it was exported with
(``models.source_hash``) travels in the unit: in XLIFF a ``<context-group name="delaktig">``
with a context of type ``x-source-hash``, in PO a ``#.`` comment ``source-hash: …`` (and the id
is the ``msgctxt``). A file that declares a DTD or entities is refused before it is parsed.
"""

import re
from dataclasses import dataclass
from typing import Any

from translate.storage import po, xliff

from delaktig.core.errors import ValidationFailed

XLIFF_12 = "urn:oasis:names:tc:xliff:document:1.2"
CONTEXT_GROUP = "delaktig"
HASH_CONTEXT = "x-source-hash"
PO_HASH_PREFIX = "source-hash: "
# XLIFF target states an agency's tool writes for a finished, checked segment.
FINAL_STATES = {"final", "signed-off"}
# Codes a tool may write for our languages (ISO 639-2/3 where ours is 639-1).
ALIASES = {"sme": "se", "swe": "sv", "fin": "fi", "eng": "en", "yid": "yi", "rmy": "rom"}


class _Unit12(xliff.xliffunit):
    namespace = XLIFF_12


class Xliff12File(xliff.xlifffile):  # type: ignore[type-arg]
    """translate-toolkit's XLIFF store, writing version 1.2."""

    UnitClass = _Unit12
    namespace = XLIFF_12
    XMLskeleton = f"""<?xml version="1.0" ?>
<xliff version='1.2' xmlns='{XLIFF_12}'>
<file original='delaktig' source-language='sv' datatype='plaintext'>
<body>
</body>
</file>
</xliff>"""


@dataclass(frozen=True)
class Unit:
    """One text to translate, as the file carries it."""

    id: str
    source: str
    target: str
    fingerprint: str
    note: str
    reviewed: bool = False


@dataclass(frozen=True)
class Returned:
    """One unit read back from a file."""

    id: str
    source: str
    target: str
    fingerprint: str
    # The file marks the translation as finished and checked (XLIFF approved="yes" or a
    # final/signed-off state; PO: not fuzzy).
    final: bool


@dataclass(frozen=True)
class ReturnedFile:
    language: str
    units: list[Returned]


def write_xliff(units: list[Unit], language: str) -> bytes:
    store = Xliff12File(sourcelanguage="sv")
    store.settargetlanguage(language)
    for unit in units:
        entry = Xliff12File.UnitClass(unit.source)
        entry.setid(unit.id)
        store.addunit(entry)
        if unit.target:
            entry.target = unit.target
        entry.addnote(unit.note, origin="developer")
        entry.createcontextgroup(
            CONTEXT_GROUP, [(HASH_CONTEXT, unit.fingerprint)], purpose="information"
        )
        entry.markapproved(unit.reviewed)
        target = entry.xmlelement.find(f"{{{XLIFF_12}}}target")
        if target is not None:
            target.set("state", "final" if unit.reviewed else "needs-review-translation")
    return bytes(store)


def write_po(units: list[Unit], language: str) -> bytes:
    store = po.pofile()
    store.updateheader(add=True, Language=language, X_Generator="Delaktig")
    for unit in units:
        entry = store.addsourceunit(unit.source)
        entry.setcontext(unit.id)
        if unit.target:
            entry.target = unit.target
        entry.addnote(unit.note, origin="developer")
        entry.addnote(PO_HASH_PREFIX + unit.fingerprint, origin="developer")
        entry.markfuzzy(bool(unit.target) and not unit.reviewed)
    return bytes(store)


def normalise_language(code: str) -> str:
    """``se-NO``, ``se_NO``, ``SME`` → ``se``: the primary subtag, in our codes."""
    primary = re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]
    return ALIASES.get(primary, primary)


def _declares_entities(data: bytes) -> bool:
    text = data.decode("utf-8", errors="replace").upper()
    return "<!DOCTYPE" in text or "<!ENTITY" in text


def _xliff_units(store: Any) -> list[Returned]:
    out = []
    for entry in store.unit_iter():
        groups = entry.getcontextgroups(CONTEXT_GROUP)
        fingerprint = next(
            (value for group in groups for kind, value in group if kind == HASH_CONTEXT), ""
        )
        target = entry.xmlelement.find(f"{{{store.namespace}}}target")
        state = target.get("state", "") if target is not None else ""
        final = entry.isapproved() or state in FINAL_STATES
        out.append(
            Returned(
                id=str(entry.xmlelement.get("id") or ""),
                source=str(entry.source or ""),
                target=str(entry.target or ""),
                fingerprint=str(fingerprint),
                final=bool(final),
            )
        )
    return out


def _po_units(store: Any) -> list[Returned]:
    out = []
    for entry in store.unit_iter():
        if entry.isheader() or entry.isobsolete():
            continue
        notes = entry.getnotes("developer").splitlines()
        fingerprint = next(
            (n.removeprefix(PO_HASH_PREFIX) for n in notes if n.startswith(PO_HASH_PREFIX)), ""
        )
        out.append(
            Returned(
                id=str(entry.getcontext() or ""),
                source=str(entry.source or ""),
                target=str(entry.target or ""),
                fingerprint=fingerprint.strip(),
                final=not entry.isfuzzy(),
            )
        )
    return out


def read(data: bytes) -> ReturnedFile:
    """The units of an XLIFF or PO file (told apart by their content, not their name)."""
    if data.lstrip().startswith(b"<") or data.startswith(b"\xef\xbb\xbf<"):
        if _declares_entities(data):
            raise ValidationFailed("translations.file_unreadable", field="file")
        try:
            store = xliff.xlifffile.parsestring(data)
            units = _xliff_units(store)
        except Exception as error:  # any parse error of an untrusted file
            raise ValidationFailed("translations.file_unreadable", field="file") from error
        language = store.gettargetlanguage() or ""
    else:
        try:
            store = po.pofile.parsestring(data)
            units = _po_units(store)
        except Exception as error:  # any parse error of an untrusted file
            raise ValidationFailed("translations.file_unreadable", field="file") from error
        language = store.gettargetlanguage() or ""
    if not units and not language:
        raise ValidationFailed("translations.file_unreadable", field="file")
    return ReturnedFile(language=normalise_language(str(language)), units=units)
