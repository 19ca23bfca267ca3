"""A draft document: Markdown split into numbered blocks, Word import, versions lined up, diffs.

No Django here: the consultation services call these functions, and the rules can be tested
and read on their own.

The rules, in plain English
===========================

Splitting the document (``parse``)
----------------------------------
The document is Markdown. Windows and old Mac line endings are read as ordinary ones.

Blocks are separated by blank lines. A block is either a heading (a section) or a paragraph;
every block gets a number, and people comment on a block by its number.

- A heading is one line starting with one to six ``#`` and a space (``## Mål``). It is a block
  of its own even without blank lines around it: text on the next line is a new paragraph.
  Closing ``#`` at the end of the line are not part of its text, and a heading with no text
  is left out. Underlined headings (a line of ``===`` or ``---`` under the text) are not
  headings here: they are read as an ordinary paragraph.
- A list (lines starting with ``-``, ``*``, ``+`` or a number and a full stop, such as
  ``1.``, with their continuation lines) is one paragraph, even when its items are separated
  by blank lines: after a blank line the list goes on as long as the next line is another
  item or is indented (two spaces or a tab).
- A block quote (``>``), a table and any other run of lines without a blank line between them
  is one paragraph.
- A fenced code block (between two lines of at least three backticks or tildes) is one
  paragraph, blank lines inside it included. One that is never closed runs to the end.
- A horizontal rule alone (``---``, ``***`` or ``___``) is not a block; it is left out.

Paragraphs keep their Markdown as written; a heading's text is kept without its ``#``.

Heading levels. If the document starts with a heading and no other heading is at its level or
above (for example one ``#`` heading at the top and only ``##`` and deeper after it), that
first heading is the document's title: it is not a block, and the levels below it count from
1. Otherwise the biggest headings in the document are level 1. A heading is always one level
below the nearest bigger heading before it, however many ``#`` that skips: a ``###`` heading
straight under a ``#`` heading is level 2. A heading with no bigger heading before it is
level 1.

Numbering. Top-level sections are numbered 1, 2, 3 and so on. Inside a section, its paragraphs
and sub-sections share one count in the order they appear, so every number is unique: in
section 3 they are 3.1, 3.2, 3.3, ...; inside sub-section 3.3 they are 3.3.1, 3.3.2, ... .
Paragraphs before the first heading belong to section 0 and are numbered 0.1, 0.2, ... .
Each block also records the top-level section it is in ("3" for 3.2.1; "0" before the first
heading). A heading whose text starts with the very number it gets ("3 Mål", "3. Mål",
"3.2 Text" for heading 3.2) has that number taken off its text, so that numbers typed into
the document (or into a Word file) do not show twice; any other number at the start of a
heading is kept as written.

A document with no blocks (nothing but spaces, or only a title) is refused as empty, and one
with more than ``MAX_BLOCKS`` (2,000) numbered blocks is refused as too long.

Importing a Word file (``docx_to_markdown``)
--------------------------------------------
A .docx file is turned into the Markdown above, which the official can then edit.

- A paragraph in the "Title" style ("Rubrik" in Swedish Word) becomes a ``#`` heading.
- A paragraph in the style "Heading N" ("Rubrik N") becomes a heading with N ``#`` when the
  document has no Title paragraph, and with N+1 ``#`` (at most six) when it has one, so the
  title stays the title. Other paragraph styles with an outline level (headings of a
  custom style) count as "Heading N" for outline level N.
- Table-of-contents paragraphs (styles "TOC N" and "TOC Heading") are left out: the
  document's own headings are there already.
- A list paragraph (style "List Paragraph", "List Number" or "List Bullet", also numbered
  2 to 9, their Swedish names "Liststycke", "Numrerad lista" and "Punktlista", or any
  paragraph with Word numbering) becomes a list item: ``1.`` for a numbered list, ``-`` for bullets
  (Word's numbering format decides; without one, the style's name does). Consecutive list
  paragraphs form one list, so one numbered paragraph. Deeper list levels are indented one
  step under the item above them; bullets straight after numbers (or the other way round)
  on the same level are set apart by a blank line, still in the same paragraph.
- Every other paragraph with text becomes a paragraph. Empty paragraphs are left out.
- Bold text becomes ``**bold**``, italic ``*italic*`` (direct formatting, or the character
  styles "Strong" and "Emphasis"). Links to web or e-mail addresses are kept as links.
  Characters that mean something in Markdown (``*``, ``_``, ``#`` at the start and so on)
  are escaped, so Word text is shown exactly as it was written. Line breaks and tabs inside
  a paragraph become spaces. Tracked changes are read as if accepted: inserted text is kept,
  deleted text is left out. Text in content controls and fields is kept.
- A table becomes a Markdown table with its first row as the header row; a ``|`` in a cell is
  escaped, a cell's paragraphs are joined by spaces, and merged cells are shown once.

A file that is not a Word document (not a zip file, a zip without a Word document in it such
as ``word/document.xml``, a different Office format, broken XML, XML whose entities expand
out of all proportion, or a zip that would unpack to too much by the platform's rules for
uploaded containers in ``core.uploads``: 100 MB in all, 20 MB for one part, 1,000 parts,
parts packed more than 200 times) is refused as unreadable. External entities are never
read. A file with more than ``MAX_DOCX_PARAGRAPHS`` (50,000) Word paragraphs, those in tables
included, is refused as too long before they are read one by one.
(Files over ``MAX_DOCX_BYTES``, 10 MB, are refused before they are opened.)
Importing a Word file with a Title, "Heading 1", "Heading 2" and numbered paragraphs gives
the same numbers as the Markdown a person would write for it.

Lining up two versions (``comparable``, ``align``)
--------------------------------------------------
A new version's blocks are matched to the previous version's, so that comments follow the
passage they were made on. Blocks are compared by their kind and their text with runs of
spaces and line breaks read as one space and capital letters as small ones.

1. The two lists of blocks are compared with Python's ``difflib.SequenceMatcher``
   (no "junk" heuristics). Blocks it finds unchanged in the same order continue each other.
2. Where a stretch of old blocks was replaced by a stretch of new ones, each new block in
   turn is paired with the most similar old block of the stretch among the 100 that follow
   the last one paired (the earlier one when two are as similar), if they are at least half
   alike: ``SequenceMatcher.ratio`` over their words is 0.5 or more. Headings pair only with
   headings and paragraphs only with paragraphs. (The limit of 100 keeps a complete rewrite
   of a long document quick; blocks that were not changed at all are matched anyway.)
3. Every other new block is a new passage; every old block not paired was removed.

Order is kept: a block that moved past others cannot be matched to its old self, and each old
block continues at most one new block.

Showing what changed (``word_diff``, ``compare``)
-------------------------------------------------
The text of a changed block is compared word by word (spaces and line breaks are kept as they
are): the result is runs of unchanged, removed and added text. The unchanged and removed runs
together are exactly the old text, the unchanged and added runs the new text. Spaces between
two changes are shown as part of the change. A very long changed block (beyond
``WORD_DIFF_LIMIT``, about a thousand words on each side), or any changed block once a
comparison has spent ``COMPARE_BUDGET`` on the blocks before it, is compared more coarsely:
its unchanged start and end, then what lies between them word by word if that is short
enough, else as one change (the texts read the same; only fewer words are marked unchanged).

The comparison of two versions lists the new version's blocks in order, each as unchanged
("same": the text is identical, even if the number changed), changed (with its word
comparison) or added. Each removed block is listed right after the new block that continues
the nearest earlier old block that was kept, or at the very start when there is none.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import cast

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.oxml.text.hyperlink import CT_Hyperlink
from docx.oxml.text.paragraph import CT_P
from docx.oxml.text.run import CT_R
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.styles.style import BaseStyle, CharacterStyle, ParagraphStyle
from docx.table import Table
from docx.text.hyperlink import Hyperlink
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from docx.types import ProvidesStoryPart

from delaktig.core import uploads
from delaktig.core.errors import ValidationFailed

__all__ = [
    "MAX_BLOCKS",
    "MAX_DOCX_BYTES",
    "MAX_DOCX_LABEL",
    "WORD_DIFF_LIMIT",
    "Block",
    "Change",
    "Parsed",
    "align",
    "comparable",
    "compare",
    "docx_to_markdown",
    "parse",
    "word_diff",
]

MAX_BLOCKS = 2000  # numbered items per version
MAX_DOCX_BYTES = 10 * 1024 * 1024
MAX_DOCX_LABEL = "10 MB"
# Word paragraphs (in tables too) a file may have: many times what MAX_BLOCKS allows, since
# empty paragraphs and the items of a list do not count as blocks.
MAX_DOCX_PARAGRAPHS = 25 * MAX_BLOCKS
# A zip bomb is refused before it is unpacked: the platform's limits (core.uploads), with one
# part of a Word file at most 20 MB unpacked (the text of a 2,000-page document is less).
_DOCX_ZIP_LIMITS = uploads.ZipLimits(max_member_size=20 * 1024 * 1024)
_SIMILAR = 0.5  # how alike two edited blocks must be to count as the same passage
# Comparing two texts word by word takes time that grows with the product of their lengths
# (words and spaces): a block is compared word by word up to this many pairs (about a thousand
# words on each side, a fifth of a second), and all the changed blocks of one comparison up
# to COMPARE_BUDGET pairs together; beyond that, as its unchanged start and end and one change
# between them. The comparison is a public page anyone can ask for again and again.
WORD_DIFF_LIMIT = 4_000_000
COMPARE_BUDGET = 20_000_000
_LOOKAHEAD = 100  # how many old blocks of a replaced stretch a new block is compared with

HEADING = "heading"
PARAGRAPH = "paragraph"


@dataclass(frozen=True)
class Block:
    kind: str  # "heading" (a section) or "paragraph"
    level: int  # heading level 1.. (1 = top section); 0 for paragraphs
    number: str  # "3", "3.2", "3.2.1"
    section: str  # number of the top-level section it is in ("3"); "0" before the first heading
    text: str  # Markdown of the block; a heading's text without '#' and without its number


@dataclass(frozen=True)
class Parsed:
    title: str  # the document's own title heading, "" if none
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Change:
    kind: str  # "same" | "changed" | "added" | "removed"
    old: Block | None
    new: Block | None
    words: tuple[tuple[str, str], ...]  # word_diff for "changed", () otherwise


# --- Splitting and numbering -----------------------------------------------------------------

_HEADING_LINE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]|$)")
_FENCE = re.compile(r"^( {0,3})(`{3,}(?=[^`]*$)|~{3,})")  # ```code``` on one line is not one
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")


@dataclass
class _Raw:
    kind: str
    level: int  # the number of '#' for a heading
    text: str


def _split(source: str) -> list[_Raw]:
    """The blocks of the Markdown, in order, before levels and numbers are given."""
    raws: list[_Raw] = []
    current: list[str] = []
    in_list = False
    blank_after_list = False
    fence: tuple[str, int] | None = None  # the fence character and length while inside one
    fence_alone = False  # the fenced block is a block of its own (not inside a list)

    def flush() -> None:
        nonlocal in_list, blank_after_list
        text = "\n".join(current).rstrip()
        if text and not _RULE.match(text):
            raws.append(_Raw(PARAGRAPH, 0, text))
        current.clear()
        in_list = False
        blank_after_list = False

    for line in source.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if fence is not None:
            current.append(line)
            closing = _FENCE.match(line)
            if (
                closing
                and closing.group(2)[0] == fence[0]
                and len(closing.group(2)) >= fence[1]
                and not line[closing.end() :].strip()
            ):
                fence = None
                if fence_alone:
                    flush()
            continue
        opening = _FENCE.match(line)
        if opening:
            marker = opening.group(2)
            fence = (marker[0], len(marker))
            if in_list and opening.group(1):  # an indented fence inside a list item
                if blank_after_list:
                    current.append("")
                    blank_after_list = False
                current.append(line)
                fence_alone = False
            else:
                flush()
                current.append(line)
                fence_alone = True
            continue
        if not line.strip():
            if in_list:
                blank_after_list = True
            else:
                flush()
            continue
        heading = _HEADING_LINE.match(line)
        if heading:
            flush()
            text = _heading_text(line[heading.end() :])
            if text:
                raws.append(_Raw(HEADING, len(heading.group(1)), text))
            continue
        if blank_after_list:
            if _LIST_ITEM.match(line) or line.startswith(("  ", "\t")):
                current.append("")
                blank_after_list = False
            else:
                flush()
        if not current:
            in_list = bool(_LIST_ITEM.match(line))
        current.append(line)
    flush()
    return raws


def _heading_text(rest: str) -> str:
    """The text of a heading line after its opening '#', without closing '#' ("Mål ##")."""
    text = rest.strip()
    unclosed = text.rstrip("#")
    if unclosed != text and (not unclosed or unclosed[-1] in " \t"):
        text = unclosed.rstrip()
    return text


def _without_number(text: str, number: str) -> str:
    """A heading's text without the number it is given anyway ("3.2 Mål" for 3.2 → "Mål")."""
    typed = re.match(rf"{re.escape(number)}\.?[ \t]+(?=\S)", text)
    return text[typed.end() :] if typed else text


def parse(source: str, *, max_blocks: int = MAX_BLOCKS) -> Parsed:
    """Split a Markdown document into numbered headings and paragraphs (see the module)."""
    raws = _split(source)
    title = ""
    levels = [raw.level for raw in raws if raw.kind == HEADING]
    first = raws[0] if raws else None
    if first and first.kind == HEADING and first.level == min(levels):
        if levels.count(first.level) == 1:
            title = raws.pop(0).text
    if not raws:
        raise ValidationFailed("consultations.document_empty", field="source")
    if len(raws) > max_blocks:
        raise ValidationFailed(
            "consultations.document_too_long", field="source", count=len(raws), max=max_blocks
        )

    blocks: list[Block] = []
    open_headings: list[tuple[int, str]] = []  # (number of '#', number) from the top down
    counts: dict[str, int] = {}
    for raw in raws:
        if raw.kind == HEADING:
            while open_headings and open_headings[-1][0] >= raw.level:
                open_headings.pop()
            parent = open_headings[-1][1] if open_headings else ""
        else:
            parent = open_headings[-1][1] if open_headings else "0"
        counts[parent] = counts.get(parent, 0) + 1
        number = f"{parent}.{counts[parent]}" if parent else str(counts[parent])
        if raw.kind == HEADING:
            open_headings.append((raw.level, number))
            blocks.append(
                Block(
                    kind=HEADING,
                    level=len(open_headings),
                    number=number,
                    section=open_headings[0][1],
                    text=_without_number(raw.text, number),
                )
            )
        else:
            section = open_headings[0][1] if open_headings else "0"
            blocks.append(Block(PARAGRAPH, 0, number, section, raw.text))
    return Parsed(title=title, blocks=tuple(blocks))


# --- Word import -----------------------------------------------------------------------------

_TITLE_STYLE = re.compile(r"^(?:title|rubrik)$", re.IGNORECASE)
_HEADING_STYLE = re.compile(r"^(?:heading|rubrik)\s*([1-9])$", re.IGNORECASE)
_TOC_STYLE = re.compile(r"^(?:toc|innehållsförteckning)", re.IGNORECASE)
_LIST_STYLE = re.compile(
    r"^(?:list ?paragraph|list ?number|list ?bullet|liststycke|numrerad ?lista|punktlista)"
    r"(?: ?[1-9])?$",
    re.IGNORECASE,
)
_NUMBERED_STYLE = re.compile(r"number|numrerad", re.IGNORECASE)
_BOLD_STYLE = re.compile(r"^(?:strong|stark)$", re.IGNORECASE)
_ITALIC_STYLE = re.compile(
    r"^(?:emphasis|betoning|subtle emphasis|diskret betoning)$", re.IGNORECASE
)
_LINK_SCHEMES = ("http://", "https://", "mailto:")

_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_LINE_START_SPECIAL = re.compile(r"^(?:[#>+-]|\d+(?=[.)]))")


def _escape(text: str) -> str:
    """Plain Word text as Markdown that shows exactly that text."""
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    text = _ENTITY.sub("&amp;", text)
    return text.replace("<", "&lt;")


def _escape_start(text: str) -> str:
    """Escape what would make a paragraph start a heading, quote or list."""
    match = _LINE_START_SPECIAL.match(text)
    if not match:
        return text
    if text[0].isdigit():  # "1. " would start a list: escape the full stop
        return f"{text[: match.end()]}\\{text[match.end() :]}"
    return f"\\{text}"


def _wrap(text: str, marker: str) -> str:
    """``text`` in emphasis markers, with the spaces around it kept outside them."""
    stripped = text.strip()
    if not stripped or not marker:
        return text
    start = text.index(stripped)
    return f"{text[:start]}{marker}{stripped}{marker}{text[start + len(stripped) :]}"


def _run_marker(run: Run, styles: _Styles) -> str:
    found = styles.run(run)
    style = found.name if found is not None else None
    bold = bool(run.bold) or bool(style and _BOLD_STYLE.match(style))
    italic = bool(run.italic) or bool(style and _ITALIC_STYLE.match(style))
    return ("**" if bold else "") + ("*" if italic else "")


def _runs_markdown(runs: Sequence[Run], styles: _Styles) -> str:
    """Runs as Markdown: neighbouring runs with the same formatting are joined first."""
    pieces: list[tuple[str, str]] = []  # (marker, plain text)
    for run in runs:
        text = re.sub(r"[\n\t]", " ", run.text)
        if not text:
            continue
        marker = _run_marker(run, styles)
        if pieces and pieces[-1][0] == marker:
            pieces[-1] = (marker, pieces[-1][1] + text)
        else:
            pieces.append((marker, text))
    return "".join(_wrap(_escape(text), marker) for marker, text in pieces)


# Inline elements whose runs are part of the text: tracked insertions (the text as it reads
# with the changes accepted; tracked deletions are left out), content controls, fields.
_INLINE_WRAPPERS = frozenset(
    qn(f"w:{tag}")
    for tag in ("ins", "moveTo", "smartTag", "customXml", "sdt", "sdtContent", "fldSimple")
)


def _inline_items(element: BaseOxmlElement, paragraph: Paragraph) -> Iterator[Run | Hyperlink]:
    for child in element.iterchildren():
        if isinstance(child, CT_R):
            yield Run(child, paragraph)
        elif isinstance(child, CT_Hyperlink):
            yield Hyperlink(child, paragraph)
        elif child.tag in _INLINE_WRAPPERS:
            yield from _inline_items(child, paragraph)


def _inline(paragraph: Paragraph, styles: _Styles) -> str:
    parts: list[str] = []
    runs: list[Run] = []
    for item in _inline_items(paragraph._p, paragraph):
        if isinstance(item, Run):
            runs.append(item)
            continue
        parts.append(_runs_markdown(runs, styles))
        runs = []
        text = _runs_markdown(item.runs, styles)
        url = item.url
        if text.strip() and url.startswith(_LINK_SCHEMES) and not re.search(r"[\s()<>]", url):
            parts.append(f"[{text}]({url})")
        else:
            parts.append(text)
    parts.append(_runs_markdown(runs, styles))
    return " ".join("".join(parts).split())


class _Styles:
    """The styles and list formats of one Word file, each looked up once.

    python-docx finds a paragraph's or a run's style (the default one, for most of them) by
    going through every style of the file, and a list level's format through every list
    definition; asked again for each paragraph, a file of 40 KB with 100,000 short paragraphs
    kept a worker busy for minutes."""

    def __init__(self, document: DocxDocument) -> None:
        self._part = document.part
        self._styles: dict[tuple[str | None, WD_STYLE_TYPE], BaseStyle | None] = {}
        self._chains: dict[str | None, list[BaseOxmlElement]] = {}
        self._formats: dict[tuple[str, int], str] = {}
        self.numbering: BaseOxmlElement = self._part.numbering_part.element

    def _style(self, style_id: str | None, kind: WD_STYLE_TYPE) -> BaseStyle | None:
        key = (style_id, kind)
        if key not in self._styles:
            self._styles[key] = self._part.get_style(style_id, kind)
        return self._styles[key]

    def paragraph(self, paragraph: Paragraph) -> ParagraphStyle | None:
        return cast(ParagraphStyle | None, self._style(paragraph._p.style, WD_STYLE_TYPE.PARAGRAPH))

    def run(self, run: Run) -> CharacterStyle | None:
        return cast(CharacterStyle | None, self._style(run._r.style, WD_STYLE_TYPE.CHARACTER))

    def chain(self, paragraph: Paragraph) -> list[BaseOxmlElement]:
        """The paragraph properties of the paragraph's style and the styles it is based on."""
        style_id = paragraph._p.style
        if style_id not in self._chains:
            chain = []
            style: CharacterStyle | None = self.paragraph(paragraph)
            seen = 0
            while style is not None and seen < 20:  # a loop of basedOn styles is possible
                style_ppr = style.element.pPr
                if style_ppr is not None:
                    chain.append(style_ppr)
                style = style.base_style
                seen += 1
            self._chains[style_id] = chain
        return self._chains[style_id]

    def number_format(self, num_id: str, ilvl: int) -> str:
        key = (num_id, ilvl)
        if key not in self._formats:
            self._formats[key] = _number_format(self.numbering, num_id, ilvl)
        return self._formats[key]


def _style_chain(paragraph: Paragraph, styles: _Styles) -> Iterator[BaseOxmlElement]:
    """The paragraph's own properties, then its style's and the styles it is based on."""
    ppr = paragraph._p.pPr
    if ppr is not None:
        yield ppr
    yield from styles.chain(paragraph)


def _style_names(paragraph: Paragraph, styles: _Styles) -> tuple[str, str]:
    style = styles.paragraph(paragraph)
    if style is None:
        return "", ""
    return (style.name or "").strip(), (style.style_id or "").strip()


def _outline_level(paragraph: Paragraph, styles: _Styles) -> int | None:
    for ppr in _style_chain(paragraph, styles):
        outline = ppr.find(qn("w:outlineLvl"))
        if outline is not None:
            value = outline.get(qn("w:val"), "")
            return int(value) + 1 if value.isdigit() and int(value) < 9 else None
    return None


def _numbering(paragraph: Paragraph, styles: _Styles) -> tuple[bool, int, str]:
    """Is the paragraph numbered by Word, its list level, and its number format ("" unknown)."""
    for ppr in _style_chain(paragraph, styles):
        num_pr = ppr.find(qn("w:numPr"))
        if num_pr is None:
            continue
        num_id_el = num_pr.find(qn("w:numId"))
        ilvl_el = num_pr.find(qn("w:ilvl"))
        num_id = num_id_el.get(qn("w:val"), "") if num_id_el is not None else ""
        ilvl_val = ilvl_el.get(qn("w:val"), "0") if ilvl_el is not None else "0"
        ilvl = int(ilvl_val) if ilvl_val.isdigit() else 0
        if num_id == "0":  # numbering switched off for this paragraph
            return False, 0, ""
        return True, min(ilvl, 8), styles.number_format(num_id, ilvl)
    return False, 0, ""


def _number_format(numbering: BaseOxmlElement | None, num_id: str, ilvl: int) -> str:
    if numbering is None or not num_id:
        return ""
    for num in numbering.findall(qn("w:num")):
        if num.get(qn("w:numId")) != num_id:
            continue
        abstract = num.find(qn("w:abstractNumId"))
        abstract_id = abstract.get(qn("w:val")) if abstract is not None else None
        for definition in numbering.findall(qn("w:abstractNum")):
            if definition.get(qn("w:abstractNumId")) != abstract_id:
                continue
            for lvl in definition.findall(qn("w:lvl")):
                fmt = lvl.find(qn("w:numFmt"))
                if lvl.get(qn("w:ilvl")) == str(ilvl) and fmt is not None:
                    return str(fmt.get(qn("w:val"), ""))
    return ""


def _table_markdown(table: Table, styles: _Styles) -> str:
    seen: dict[int, object] = {}  # id → the cell element, kept alive so that ids stay unique
    rows: list[list[str]] = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell: shown once
                cells.append("")
                continue
            seen[id(cell._tc)] = cell._tc
            text = " ".join(t for t in (_inline(p, styles) for p in cell.paragraphs) if t)
            cells.append(text.replace("|", "\\|"))
        rows.append(cells)
    width = max((len(r) for r in rows), default=0)
    if not width:
        return ""
    lines = []
    for index, cells in enumerate(rows):
        cells = cells + [""] * (width - len(cells))
        lines.append("| " + " | ".join(cells) + " |")
        if index == 0:
            lines.append("|" + " --- |" * width)
    return "\n".join(lines)


def _body_items(element: BaseOxmlElement, parent: ProvidesStoryPart) -> Iterator[Paragraph | Table]:
    """The body's paragraphs and tables in order, also those inside content controls."""
    for child in element.iterchildren():
        if isinstance(child, CT_P):
            yield Paragraph(child, parent)
        elif isinstance(child, CT_Tbl):
            yield Table(child, parent)
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _body_items(content, parent)


def _check_zip(data: bytes) -> None:
    """A zip file that does not unpack to too much (python-docx reads every part into memory;
    a part's unpacked size cannot be more than the zip says: the zip reader stops there),
    checked by the platform's rules for uploaded containers (``core.uploads``)."""
    with uploads.open_zip(data, limits=_DOCX_ZIP_LIMITS):
        pass


def docx_to_markdown(data: bytes) -> str:
    """A Word (.docx) file as Markdown for ``parse`` (see the module for the rules)."""
    try:
        _check_zip(data)
        return _docx_markdown(data)
    except ValidationFailed as error:
        if error.code == "consultations.document_too_long":
            raise
        raise ValidationFailed("consultations.docx_unreadable", field="docx") from error
    except Exception as error:  # anything a broken or hostile file makes the reader raise
        raise ValidationFailed("consultations.docx_unreadable", field="docx") from error


class _List:
    """Consecutive list paragraphs, written as one Markdown list."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.open: list[tuple[int, bool]] = []  # (Word list level, numbered) from the top

    def add(self, ilvl: int, ordered: bool, text: str) -> None:
        while self.open and self.open[-1][0] > ilvl:
            self.open.pop()
        if self.open and self.open[-1][0] == ilvl:
            if self.open[-1][1] != ordered:  # bullets after numbers: a new list, same block
                self.lines.append("")
            self.open.pop()
        # Indented one step under the item above, however many Word levels that skips.
        self.lines.append(f"{'    ' * len(self.open)}{'1.' if ordered else '-'} {text}")
        self.open.append((ilvl, ordered))

    def end(self, blocks: list[str]) -> None:
        if self.lines:
            blocks.append("\n".join(self.lines))
        self.lines.clear()
        self.open.clear()


def _docx_markdown(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    body = document.element.body
    # Far more Word paragraphs (table cells' included) than a document can have blocks is
    # refused before they are read one by one.
    count = sum(1 for _p in body.iter(qn("w:p")))
    if count > MAX_DOCX_PARAGRAPHS:
        raise ValidationFailed(
            "consultations.document_too_long", field="docx", count=count, max=MAX_DOCX_PARAGRAPHS
        )
    styles = _Styles(document)  # the numbering part is an empty one when the file has none
    items = list(_body_items(body, document._body))
    has_title = any(
        isinstance(item, Paragraph)
        and any(_TITLE_STYLE.match(n) for n in _style_names(item, styles))
        for item in items
    )

    blocks: list[str] = []
    current = _List()
    for item in items:
        if isinstance(item, Table):
            current.end(blocks)
            table = _table_markdown(item, styles)
            if table:
                blocks.append(table)
            continue
        names = _style_names(item, styles)
        if any(_TOC_STYLE.match(n) for n in names):
            continue
        text = _inline(item, styles)
        if not text:
            continue
        level = _heading_level(item, names, has_title, styles)
        if level:
            current.end(blocks)
            blocks.append(f"{'#' * level} {text}")
            continue
        numbered, ilvl, fmt = _numbering(item, styles)
        if numbered or any(_LIST_STYLE.match(n) for n in names):
            if fmt:
                ordered = fmt not in ("bullet", "none")
            else:
                ordered = any(_NUMBERED_STYLE.search(n) for n in names)
            current.add(ilvl, ordered, _escape_start(text))
            continue
        current.end(blocks)
        blocks.append(_escape_start(text))
    current.end(blocks)
    return "\n\n".join(blocks) + "\n" if blocks else ""


def _heading_level(
    paragraph: Paragraph, names: tuple[str, str], has_title: bool, styles: _Styles
) -> int:
    """The number of '#' for a title or heading paragraph, 0 for anything else."""
    if any(_TITLE_STYLE.match(n) for n in names):
        return 1
    level = None
    for name in names:
        heading = _HEADING_STYLE.match(name)
        if heading:
            level = int(heading.group(1))
            break
    if level is None:
        level = _outline_level(paragraph, styles)
    if level is None:
        return 0
    return min(level + 1 if has_title else level, 6)


# --- Versions --------------------------------------------------------------------------------


def comparable(kind: str, text: str) -> str:
    """What lining up versions compares: the kind and the text, spacing and case ignored."""
    return f"{kind}:" + " ".join(text.split()).casefold()


@dataclass(frozen=True)
class _Item:
    """One block of a replaced stretch, ready to be compared with others."""

    kind: str
    words: list[str]
    # Each word with its occurrence ("och" twice: "och 1", "och 2"). The size of two blocks'
    # intersection is the most words ``ratio`` can find matching, computed quickly.
    counted: frozenset[str]


def _item(text: str) -> _Item:
    kind, _sep, rest = text.partition(":")
    words = rest.split()
    seen: dict[str, int] = {}
    counted = []
    for word in words:
        seen[word] = seen.get(word, 0) + 1
        counted.append(f"{word} {seen[word]}")
    return _Item(kind, words, frozenset(counted))


def align(old: Sequence[str], new: Sequence[str]) -> list[int | None]:
    """For each new item, the index of the old item it continues, or None (a new passage)."""
    mapping: list[int | None] = [None] * len(new)
    matcher = SequenceMatcher(None, list(old), list(new), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for offset in range(i2 - i1):
                mapping[j1 + offset] = i1 + offset
        elif tag == "replace":
            for j, k in _pair_similar(old[i1:i2], new[j1:j2]):
                mapping[j1 + j] = i1 + k
    return mapping


def _pair_similar(old: Sequence[str], new: Sequence[str]) -> Iterator[tuple[int, int]]:
    """Pair a replaced stretch greedily in order: each new item with the most similar of the
    next ``_LOOKAHEAD`` old items after the last one paired, if at least ``_SIMILAR`` alike
    and of the same kind."""
    olds = [_item(text) for text in old]
    words: SequenceMatcher[str] = SequenceMatcher(None, autojunk=False)
    start = 0  # the first old item still free
    for j, text in enumerate(new):
        if start >= len(olds):
            break
        item = _item(text)
        words.set_seq2(item.words)
        best, best_ratio = None, _SIMILAR
        for k in range(start, min(start + _LOOKAHEAD, len(olds))):
            candidate = olds[k]
            if candidate.kind != item.kind:
                continue
            # An upper bound first (what difflib's quick_ratio gives, but quicker); ties keep
            # the earlier old item.
            total = len(item.words) + len(candidate.words)
            if total and 2 * len(item.counted & candidate.counted) < best_ratio * total:
                continue
            words.set_seq1(candidate.words)
            ratio = words.ratio()
            if ratio > best_ratio or (best is None and ratio >= best_ratio):
                best, best_ratio = k, ratio
        if best is not None:
            yield j, best
            start = best + 1


_TOKENS = re.compile(r"\s+|\S+")


def _compared(a: list[str], b: list[str]) -> list[tuple[bool, str, str]]:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return [  # (unchanged?, old text, new text)
        (op == "equal", "".join(a[i1:i2]), "".join(b[j1:j2]))
        for op, i1, i2, j1, j2 in matcher.get_opcodes()
    ]


def _runs(a: list[str], b: list[str], limit: int) -> list[tuple[bool, str, str]]:
    """The tokens compared one by one, or, when that would compare more than ``limit`` pairs
    (the comparison grows with the product of the lengths), the same start and end taken off
    first and the middle compared, or shown as one change if it is still too long."""
    if len(a) * len(b) <= limit:
        return _compared(a, b)
    shortest = min(len(a), len(b))
    start = 0
    while start < shortest and a[start] == b[start]:
        start += 1
    end = 0
    while end < shortest - start and a[len(a) - 1 - end] == b[len(b) - 1 - end]:
        end += 1
    middle_a, middle_b = a[start : len(a) - end], b[start : len(b) - end]
    if len(middle_a) * len(middle_b) <= limit:
        middle = _compared(middle_a, middle_b)
    else:
        middle = [(False, "".join(middle_a), "".join(middle_b))]
    runs = [(True, "".join(a[:start]), "")] if start else []
    for run in middle:
        if run[0] and runs and runs[-1][0]:  # two unchanged runs in a row read as one
            runs[-1] = (True, runs[-1][1] + run[1], "")
        elif run[1] or run[2]:
            runs.append(run)
    if end:
        tail = "".join(a[len(a) - end :])
        if runs and runs[-1][0]:
            runs[-1] = (True, runs[-1][1] + tail, "")
        else:
            runs.append((True, tail, ""))
    return runs


def word_diff(old: str, new: str, *, limit: int = WORD_DIFF_LIMIT) -> tuple[tuple[str, str], ...]:
    """The change from ``old`` to ``new`` word by word: ("same" | "removed" | "added", text)."""
    runs = _runs(_TOKENS.findall(old), _TOKENS.findall(new), limit)
    # Spaces alone between two changes belong to the change: "a b" → "x y" reads as one edit.
    for index in range(1, len(runs) - 1):
        unchanged, text, _text = runs[index]
        if unchanged and not text.strip() and not runs[index - 1][0] and not runs[index + 1][0]:
            runs[index] = (False, text, text)
    result: list[tuple[str, str]] = []
    removed, added = "", ""
    for unchanged, old_text, new_text in runs:
        if unchanged:
            result.extend(_change_runs(removed, added))
            removed, added = "", ""
            result.append(("same", old_text))
        else:
            removed += old_text
            added += new_text
    result.extend(_change_runs(removed, added))
    return tuple(result)


def _pairs(old: str, new: str) -> int:
    """The pairs of tokens comparing ``old`` and ``new`` word by word would compare."""
    return len(_TOKENS.findall(old)) * len(_TOKENS.findall(new))


def _change_runs(removed: str, added: str) -> list[tuple[str, str]]:
    return [(kind, text) for kind, text in (("removed", removed), ("added", added)) if text]


def compare(old: Sequence[Block], new: Sequence[Block]) -> list[Change]:
    """The new version's blocks in order, as same, changed or added, with each removed old
    block right after the new block continuing the nearest earlier kept old block."""
    mapping = align(
        [comparable(b.kind, b.text) for b in old], [comparable(b.kind, b.text) for b in new]
    )
    kept = {i: j for j, i in enumerate(mapping) if i is not None}
    removed_after: dict[int, list[Block]] = {}  # new index (-1: the start) → removed blocks
    last_new = -1
    for i, block in enumerate(old):
        if i in kept:
            last_new = kept[i]
        else:
            removed_after.setdefault(last_new, []).append(block)

    changes = [Change("removed", block, None, ()) for block in removed_after.get(-1, [])]
    budget = COMPARE_BUDGET
    for j, block in enumerate(new):
        continued = mapping[j]
        if continued is None:
            changes.append(Change("added", None, block, ()))
            continue
        before = old[continued]
        if before.text == block.text:
            changes.append(Change("same", before, block, ()))
        else:
            limit = max(0, min(WORD_DIFF_LIMIT, budget))
            budget -= min(limit, _pairs(before.text, block.text))
            words = word_diff(before.text, block.text, limit=limit)
            changes.append(Change("changed", before, block, words))
        changes.extend(Change("removed", b, None, ()) for b in removed_after.get(j, []))
    return changes
