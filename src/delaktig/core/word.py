"""The building blocks of the platform's accessible Word documents (python-docx): the annual
follow-up report (``followup/reports/word.py``) and a consultation's compilation
(``consultations/word.py``).

Accessibility is built in rather than left to whoever opens the file: Swedish as the document
language in the core properties *and* in the default run properties (so every run is Swedish to
a screen reader and the spelling checker), the real Title and Heading 1–3 styles in a colour
with enough contrast, and tables whose header row repeats on every page and is marked as the
header, with a caption and a description.
"""

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time

from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import RGBColor
from docx.table import Table

LANGUAGE = "sv-SE"
# The site's --brand colour: 9.6:1 against white, where Word's default heading blue has 3.9:1.
HEADING_COLOUR = RGBColor(0x00, 0x45, 0x7A)
TABLE_STYLE = "Table Grid"
MISSING = "–"

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_clean(text: str) -> str:
    """Text without the characters XML cannot hold (pasted from Excel, say)."""
    return _XML_ILLEGAL.sub("", text)


def prepare(
    document: Document, *, title: str, subject: str, author: str, keywords: str, made: date
) -> None:
    """The core properties (the same on every download of the same content: no time of day,
    revision 1), Swedish as the language throughout, and the headings' colour."""
    properties = document.core_properties
    properties.title = xml_clean(title)
    properties.subject = xml_clean(subject)
    properties.language = LANGUAGE
    properties.author = xml_clean(author)
    properties.last_modified_by = xml_clean(author)
    properties.keywords = xml_clean(keywords)
    properties.comments = ""
    properties.category = ""
    moment = datetime.combine(made, time(), tzinfo=UTC)
    properties.created = moment
    properties.modified = moment
    properties.revision = 1
    set_default_language(document)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        document.styles[name].font.color.rgb = HEADING_COLOUR


def set_default_language(document: Document) -> None:
    """``w:lang`` in the default run properties, so that every run is Swedish to a screen
    reader and the spelling checker, and Swedish in the settings' theme font language (with
    the decimal comma and the list separator that goes with it)."""
    styles = document.styles.element
    defaults = _child(styles, "w:docDefaults", first=True)
    run_defaults = _child(defaults, "w:rPrDefault", first=True)
    run_properties = _child(run_defaults, "w:rPr")
    lang = run_properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        run_properties.append(lang)
    lang.set(qn("w:val"), LANGUAGE)

    settings = document.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), LANGUAGE)
    decimal = settings.find(qn("w:decimalSymbol"))
    if decimal is not None:
        decimal.set(qn("w:val"), ",")
    separator = settings.find(qn("w:listSeparator"))
    if separator is not None:
        separator.set(qn("w:val"), ";")


def _child(parent: BaseOxmlElement, tag: str, *, first: bool = False) -> BaseOxmlElement:
    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        if first:
            parent.insert(0, found)
        else:
            parent.append(found)
    return found


def fact(document: Document, label: str, value: str) -> None:
    """A "Label: value" paragraph with the label in bold."""
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{label}: ").bold = True
    paragraph.add_run(xml_clean(value) or MISSING)


def table(
    document: Document,
    caption: str,
    description: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[str | Sequence[str]]],
    *,
    show_caption: bool = False,
    row_headers: bool = False,
) -> Table:
    """A table whose first row repeats on every page and is marked as its header, with the
    caption and description a screen reader announces (``show_caption``: also printed above
    it; ``row_headers``: the first column names each row).

    A cell given as a sequence of strings gets one paragraph per string."""
    if show_caption:
        document.add_paragraph(xml_clean(caption), style="Caption")
    result = document.add_table(rows=1, cols=len(headers))
    result.style = document.styles[TABLE_STYLE]
    header = result.rows[0]
    for cell, text in zip(header.cells, headers, strict=True):
        cell.paragraphs[0].add_run(xml_clean(text)).bold = True
    header_properties = header._tr.get_or_add_trPr()
    header_properties.append(OxmlElement("w:tblHeader"))
    # Don't let the header row break across pages.
    header_properties.insert(0, OxmlElement("w:cantSplit"))
    for values in rows:
        cells = result.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            parts = [value] if isinstance(value, str) else list(value) or [""]
            cell.paragraphs[0].add_run(xml_clean(parts[0]) or MISSING)
            for part in parts[1:]:
                cell.add_paragraph(xml_clean(part))

    table_properties = result._tbl.tblPr
    look = table_properties.find(qn("w:tblLook"))
    if look is not None:
        look.set(qn("w:firstRow"), "1")
        look.set(qn("w:firstColumn"), "1" if row_headers else "0")
    # tblCaption and tblDescription come last in tblPr, in this order.
    for tag, text in (("w:tblCaption", caption), ("w:tblDescription", description)):
        element = OxmlElement(tag)
        element.set(qn("w:val"), xml_clean(text))
        table_properties.append(element)
    return result
