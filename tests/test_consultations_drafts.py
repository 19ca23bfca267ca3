"""The draft document module: delaktig.consultations.drafts (pure, no database).

The numbering examples are written out by hand from the rules in the module docstring; the
randomised tests check alignment against a plain reference written here from those rules, and
the word comparison by rebuilding both texts from it.
"""

import html as html_module
import io
import random
import re
import zipfile
from collections.abc import Sequence
from difflib import SequenceMatcher

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from delaktig.consultations import drafts
from delaktig.consultations.drafts import (
    Block,
    Change,
    align,
    comparable,
    compare,
    docx_to_markdown,
    parse,
    word_diff,
)
from delaktig.core.errors import ValidationFailed
from delaktig.core.markdown import render_markdown
from delaktig.core.uploads import ZipLimits


def outline(source: str) -> list[tuple[str, int, str, str, str]]:
    """(kind, level, number, section, text) of every block: what the examples spell out."""
    return [(b.kind, b.level, b.number, b.section, b.text) for b in parse(source).blocks]


H, P = "heading", "paragraph"


# --- Numbering -------------------------------------------------------------------------------


STRATEGY = """\
# Demokratistrategi 2027–2030

Regionen vill att fler ska vara med.

Strategin gäller alla nämnder.

## Inledning

Varför strategin finns.

### Bakgrund

Det förra arbetet.

Vad vi lärde oss.

### Syfte

Vart vi vill.

## Mål

Tre mål.
"""


def test_the_title_is_taken_out_and_everything_is_numbered_in_order() -> None:
    assert parse(STRATEGY).title == "Demokratistrategi 2027–2030"
    assert outline(STRATEGY) == [
        (P, 0, "0.1", "0", "Regionen vill att fler ska vara med."),
        (P, 0, "0.2", "0", "Strategin gäller alla nämnder."),
        (H, 1, "1", "1", "Inledning"),
        (P, 0, "1.1", "1", "Varför strategin finns."),
        (H, 2, "1.2", "1", "Bakgrund"),
        (P, 0, "1.2.1", "1", "Det förra arbetet."),
        (P, 0, "1.2.2", "1", "Vad vi lärde oss."),
        (H, 2, "1.3", "1", "Syfte"),
        (P, 0, "1.3.1", "1", "Vart vi vill."),
        (H, 1, "2", "2", "Mål"),
        (P, 0, "2.1", "2", "Tre mål."),
    ]


def test_two_headings_at_the_top_level_mean_there_is_no_title() -> None:
    source = "# Del ett\n\nText.\n\n# Del två\n\n## Under\n\nMer."
    parsed = parse(source)
    assert parsed.title == ""
    assert outline(source) == [
        (H, 1, "1", "1", "Del ett"),
        (P, 0, "1.1", "1", "Text."),
        (H, 1, "2", "2", "Del två"),
        (H, 2, "2.1", "2", "Under"),
        (P, 0, "2.1.1", "2", "Mer."),
    ]


def test_a_first_heading_after_text_is_not_a_title() -> None:
    source = "Inledande text.\n\n# Mål\n\n## Delmål"
    assert parse(source).title == ""
    assert outline(source) == [
        (P, 0, "0.1", "0", "Inledande text."),
        (H, 1, "1", "1", "Mål"),
        (H, 2, "1.1", "1", "Delmål"),
    ]


def test_a_title_bigger_than_the_rest_and_levels_counted_from_one_below_it() -> None:
    source = "## Titel\n\n#### A\n\nText.\n\n##### B\n\n#### C"
    assert parse(source).title == "Titel"
    assert outline(source) == [
        (H, 1, "1", "1", "A"),
        (P, 0, "1.1", "1", "Text."),
        (H, 2, "1.2", "1", "B"),
        (H, 1, "2", "2", "C"),
    ]


def test_the_smallest_heading_level_present_is_level_one() -> None:
    source = "### A\n\n#### B\n\n### C"
    assert parse(source).title == ""
    assert outline(source) == [
        (H, 1, "1", "1", "A"),
        (H, 2, "1.1", "1", "B"),
        (H, 1, "2", "2", "C"),
    ]


def test_skipped_levels_count_as_the_next_level_down() -> None:
    source = "# A\n### B\ntext\n## C\n#### D\n# E"
    assert outline(source) == [
        (H, 1, "1", "1", "A"),
        (H, 2, "1.1", "1", "B"),  # ### straight under #
        (P, 0, "1.1.1", "1", "text"),
        (H, 2, "1.2", "1", "C"),  # a sibling of B, under A
        (H, 3, "1.2.1", "1", "D"),
        (H, 1, "2", "2", "E"),
    ]


def test_a_heading_is_one_line_and_its_closing_hashes_and_empty_headings_go() -> None:
    source = "# Titel\n\n## Mål ##\nFörsta stycket direkt under.\n##\n## Nästa #2"
    assert outline(source) == [
        (H, 1, "1", "1", "Mål"),
        (P, 0, "1.1", "1", "Första stycket direkt under."),
        (H, 1, "2", "2", "Nästa #2"),
    ]


def test_a_hash_without_a_space_and_an_underlined_heading_are_paragraphs() -> None:
    source = "#hashtag i texten\n\nRubrik\n======\n\n####### sju"
    assert outline(source) == [
        (P, 0, "0.1", "0", "#hashtag i texten"),
        (P, 0, "0.2", "0", "Rubrik\n======"),
        (P, 0, "0.3", "0", "####### sju"),
    ]


def test_the_number_a_heading_gets_anyway_is_taken_off_its_text() -> None:
    source = (
        "# Strategi\n\n## 1 Inledning\n\n## 2. Mål\n\n### 2.1 Delmål\n\n### 2.2. Fler\n\n"
        "### 5 Annat\n\n## 2 Fel nummer\n\n## 40 år av dialog\n\n## 5\n\n## 6 \n"
    )
    assert [(b.number, b.text) for b in parse(source).blocks] == [
        ("1", "Inledning"),
        ("2", "Mål"),
        ("2.1", "Delmål"),
        ("2.2", "Fler"),
        ("2.3", "5 Annat"),  # not its number: kept as written
        ("3", "2 Fel nummer"),
        ("4", "40 år av dialog"),  # 4 followed by 0 is not the number 4
        ("5", "5"),  # nothing would be left: kept
        ("6", "6"),
    ]


def test_lists_tables_quotes_and_code_are_one_block_each() -> None:
    source = (
        "# T\n\n"
        "- ett\n- två\n  fortsätter\n\n- tre, efter en tom rad\n\n    indragen fortsättning\n\n"
        "Mellan listorna.\n\n"
        "1. först\n2. sedan\n\n"
        "| A | B |\n|---|---|\n| 1 | 2 |\n\n"
        "> citat\n> rad två\n\n"
        "```python\nkod\n\n# ingen rubrik\n```\n\n"
        "---\n\n"
        "Slut."
    )
    assert [b.text for b in parse(source).blocks] == [
        "- ett\n- två\n  fortsätter\n\n- tre, efter en tom rad\n\n    indragen fortsättning",
        "Mellan listorna.",
        "1. först\n2. sedan",
        "| A | B |\n|---|---|\n| 1 | 2 |",
        "> citat\n> rad två",
        "```python\nkod\n\n# ingen rubrik\n```",
        "Slut.",  # the horizontal rule is not a block
    ]


def test_a_list_ends_at_an_unindented_paragraph_and_a_heading_ends_a_list() -> None:
    source = "- a\n\n1. b\n\nEfter listan.\n\n- c\n# Rubrik\n- d"
    assert outline(source) == [
        (P, 0, "0.1", "0", "- a\n\n1. b"),  # items after a blank line: still the list
        (P, 0, "0.2", "0", "Efter listan."),
        (P, 0, "0.3", "0", "- c"),
        (H, 1, "1", "1", "Rubrik"),
        (P, 0, "1.1", "1", "- d"),
    ]


def test_backticks_within_a_line_do_not_open_a_code_block() -> None:
    source = "```inline``` kod\n\nNästa stycke."
    assert [b.text for b in parse(source).blocks] == ["```inline``` kod", "Nästa stycke."]


def test_a_fence_inside_a_list_item_and_an_unclosed_fence() -> None:
    source = "- punkt\n\n  ~~~\n  kod\n\n  mer\n  ~~~\n\nText.\n\n````\nöppen\n\n```\nslut"
    assert [b.text for b in parse(source).blocks] == [
        "- punkt\n\n  ~~~\n  kod\n\n  mer\n  ~~~",
        "Text.",
        "````\nöppen\n\n```\nslut",  # a shorter fence does not close it
    ]


def test_windows_and_old_mac_line_endings() -> None:
    unix = "# T\n\n## A\n\nEtt.\n\nTvå\nrader."
    assert parse(unix.replace("\n", "\r\n")) == parse(unix)
    assert parse(unix.replace("\n", "\r")) == parse(unix)
    assert parse(unix).blocks[-1].text == "Två\nrader."


# --- Limits and errors -----------------------------------------------------------------------


@pytest.mark.parametrize("source", ["", "   \n\n\t\n", "# Bara en titel\n", "---\n\n##\n"])
def test_an_empty_document_is_refused(source: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse(source)
    assert caught.value.code == "consultations.document_empty"
    assert caught.value.field == "source"


def test_too_many_blocks_are_refused_and_the_title_does_not_count() -> None:
    assert len(parse("# T\n\na\n\nb\n\nc", max_blocks=3).blocks) == 3
    with pytest.raises(ValidationFailed) as caught:
        parse("# T\n\n## a\n\nb\n\nc", max_blocks=2)
    assert caught.value.code == "consultations.document_too_long"
    assert caught.value.field == "source"
    assert caught.value.params == {"count": 3, "max": 2}


def long_document(blocks: int) -> str:
    """A title, then sections of one heading and nine paragraphs each."""
    parts = ["# Lång strategi"]
    for index in range(blocks):
        if index % 10 == 0:
            parts.append(f"## Avsnitt {index // 10 + 1}")
        else:
            parts.append(f"Stycke {index} om **dialog** och *delaktighet*.")
    return "\n\n".join(parts)


def test_a_document_of_the_full_2000_blocks_parses_and_one_more_does_not() -> None:
    # No timing here: the point is that the largest allowed document needs no special care.
    parsed = parse(long_document(drafts.MAX_BLOCKS))
    assert len(parsed.blocks) == drafts.MAX_BLOCKS == 2000
    assert parsed.blocks[-1].number == "200.9"
    assert len({b.number for b in parsed.blocks}) == 2000
    items = [comparable(b.kind, b.text) for b in parsed.blocks]
    assert align(items, items) == list(range(2000))
    with pytest.raises(ValidationFailed) as caught:
        parse(long_document(drafts.MAX_BLOCKS + 1))
    assert caught.value.params == {"count": 2001, "max": 2000}


# --- Word import -----------------------------------------------------------------------------


def docx_bytes(document: docx.document.Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def strategy_docx(*, title: bool = True) -> bytes:
    document = docx.Document()
    if title:
        document.add_paragraph("Demokratistrategi", style="Title")
    document.add_paragraph("Regionen vill att fler ska vara med.")
    document.add_paragraph("1 Inledning", style="Heading 1")
    paragraph = document.add_paragraph("Dialogen ska vara ")
    paragraph.add_run("öppen").bold = True
    paragraph.add_run(" och ")
    paragraph.add_run("tidig").italic = True
    paragraph.add_run(", 5 * 3 gånger.")
    document.add_paragraph("Bakgrund", style="Heading 2")
    document.add_paragraph("Först lyssnar vi.", style="List Number")
    document.add_paragraph("Sedan svarar vi.", style="List Number")
    document.add_paragraph("Mål", style="Heading 1")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Mål"
    table.cell(0, 1).text = "Mått | enhet"
    table.cell(1, 0).text = "Fler svar"
    table.cell(1, 1).text = "Antal"
    document.add_paragraph("")  # empty paragraphs are left out
    document.add_paragraph("Slutord.")
    return docx_bytes(document)


HANDWRITTEN = """\
# Demokratistrategi

Regionen vill att fler ska vara med.

## 1 Inledning

Dialogen ska vara **öppen** och *tidig*, 5 \\* 3 gånger.

### Bakgrund

1. Först lyssnar vi.
1. Sedan svarar vi.

## Mål

| Mål | Mått \\| enhet |
| --- | --- |
| Fler svar | Antal |

Slutord.
"""


def test_a_word_file_becomes_the_markdown_a_person_would_write() -> None:
    assert docx_to_markdown(strategy_docx()) == HANDWRITTEN


def test_a_word_file_gets_the_same_numbers_as_its_markdown() -> None:
    imported = parse(docx_to_markdown(strategy_docx()))
    written = parse(
        "# Demokratistrategi\n\nRegionen vill att fler ska vara med.\n\n## Inledning\n\n"
        "Dialogen ska vara **öppen** och *tidig*, 5 \\* 3 gånger.\n\n### Bakgrund\n\n"
        "1. Först lyssnar vi.\n2. Sedan svarar vi.\n\n## Mål\n\n| Mål | Mått \\| enhet |\n"
        "|---|---|\n| Fler svar | Antal |\n\nSlutord.\n"
    )
    assert imported.title == written.title == "Demokratistrategi"
    as_numbered = [(b.kind, b.level, b.number, b.section) for b in imported.blocks]
    assert as_numbered == [(b.kind, b.level, b.number, b.section) for b in written.blocks]
    assert as_numbered == [
        (P, 0, "0.1", "0"),
        (H, 1, "1", "1"),
        (P, 0, "1.1", "1"),
        (H, 2, "1.2", "1"),
        (P, 0, "1.2.1", "1"),
        (H, 1, "2", "2"),
        (P, 0, "2.1", "2"),
        (P, 0, "2.2", "2"),
    ]
    assert imported.blocks[1].text == "Inledning"  # the typed number is not shown twice


def test_without_a_title_heading_1_is_a_top_level_heading() -> None:
    markdown = docx_to_markdown(strategy_docx(title=False))
    assert markdown.startswith("Regionen vill att fler ska vara med.\n\n# 1 Inledning\n\n")
    assert "\n## Bakgrund\n" in markdown
    parsed = parse(markdown)
    assert parsed.title == ""
    assert [b.number for b in parsed.blocks if b.kind == H] == ["1", "1.2", "2"]


def test_word_text_is_shown_exactly_as_written() -> None:
    tricky = [
        "# inte en rubrik",
        "1. inte en lista",
        "- inte heller",
        "> inget citat",
        "a*b*c och _under_ och [länk](x) och `kod` och \\ snedstreck",
        "<b>inte fetstil</b> &amp; &copy; AT&T",
    ]
    document = docx.Document()
    for text in tricky:
        document.add_paragraph(text)
    markdown = docx_to_markdown(docx_bytes(document))
    blocks = parse(markdown).blocks
    assert len(blocks) == len(tricky)
    for block, text in zip(blocks, tricky, strict=True):
        html = render_markdown(block.text)
        assert html_module.unescape(re.sub(r"<[^>]+>", "", html)).strip() == text
        assert html.startswith("<p>")


def test_spaces_at_the_edges_of_a_bold_run_stay_outside_the_markers() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("Det är")
    paragraph.add_run(" mycket viktigt ").bold = True
    paragraph.add_run("att ")
    both = paragraph.add_run("alla")
    both.bold = both.italic = True
    paragraph.add_run(" får ")
    paragraph.add_run("   ").bold = True  # spaces alone get no markers
    paragraph.add_run("vara med.")
    markdown = docx_to_markdown(docx_bytes(document))
    assert markdown == "Det är **mycket viktigt** att ***alla*** får vara med.\n"
    assert render_markdown(markdown) == (
        "<p>Det är <strong>mycket viktigt</strong> att <strong><em>alla</em></strong> får "
        "vara med.</p>"
    )


def test_runs_split_by_word_are_joined_and_tracked_changes_read_as_accepted() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("Det är ")
    paragraph.add_run("vik").bold = True
    paragraph.add_run("tigt").bold = True
    paragraph.add_run(" att ")
    wrap(paragraph, "w:ins", "alla ")  # a tracked insertion: kept
    wrap(paragraph, "w:del", "inga ", deleted=True)  # a tracked deletion: left out
    paragraph.add_run("får vara med.")
    assert docx_to_markdown(docx_bytes(document)) == "Det är **viktigt** att alla får vara med.\n"


def wrap(paragraph: Paragraph, tag: str, text: str, *, deleted: bool = False) -> None:
    """A run with ``text`` inside a ``tag`` element (a tracked change) in the paragraph."""
    change = OxmlElement(tag)
    change.set(qn("w:id"), "1")
    change.set(qn("w:author"), "Handläggare")
    run = OxmlElement("w:r")
    t = OxmlElement("w:delText" if deleted else "w:t")
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    t.text = text
    run.append(t)
    change.append(run)
    paragraph._p.append(change)


def test_swedish_style_names_bullets_and_word_numbering() -> None:
    document = docx.Document()
    styles = document.styles
    for name in ("Rubrik", "Rubrik 1", "Punktlista", "Rubrik 2"):
        styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("Titel", style="Rubrik")
    document.add_paragraph("Avsnitt", style="Rubrik 1")
    document.add_paragraph("en punkt", style="Punktlista")
    document.add_paragraph("en punkt till", style="List Bullet")
    document.add_paragraph("Under", style="Rubrik 2")
    # A Normal paragraph with Word numbering (the List Number style's numbering) is a list
    # item; numbering switched off (numId 0) is not.
    numbered_id = styles["List Number"].element.pPr.find(qn("w:numPr")).find(qn("w:numId"))
    for text, num_id in (("numrerad", numbered_id.get(qn("w:val"))), ("inte numrerad", "0")):
        paragraph = document.add_paragraph(text)
        num_pr = OxmlElement("w:numPr")
        num = OxmlElement("w:numId")
        num.set(qn("w:val"), num_id)
        num_pr.append(num)
        paragraph._p.get_or_add_pPr().append(num_pr)
    assert docx_to_markdown(docx_bytes(document)) == (
        "# Titel\n\n## Avsnitt\n\n- en punkt\n- en punkt till\n\n### Under\n\n"
        "1. numrerad\n\ninte numrerad\n"
    )


def test_list_levels_and_a_switch_from_numbers_to_bullets() -> None:
    document = docx.Document()
    items = [("List Number", 0, "ett"), ("List Bullet 2", 2, "djup"), ("List Number", 0, "två")]
    items += [("List Bullet", 0, "punkt")]
    for style, level, text in items:
        paragraph = document.add_paragraph(text, style=style)
        if level:
            num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = level
            num_pr.get_or_add_numId().val = 2  # the template's bullet list
    markdown = docx_to_markdown(docx_bytes(document))
    assert markdown == "1. ett\n    - djup\n1. två\n\n- punkt\n"
    assert len(parse(markdown).blocks) == 1
    html = render_markdown(markdown)
    assert html.count("<ol>") == 1 and html.count("<ul>") == 2


def test_table_of_contents_links_and_merged_cells() -> None:
    document = docx.Document()
    document.styles.add_style("toc 1", WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("Innehåll", style="TOC Heading")
    document.add_paragraph("Inledning 3", style="toc 1")
    paragraph = document.add_paragraph("Läs ")
    add_link(paragraph, "https://example.org/strategi", "strategin")
    add_link(paragraph, "javascript:alert", "inte en länk")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Sammanslagen"
    table.cell(0, 2).text = "C"
    table.cell(1, 0).text = "1"
    table.cell(1, 1).text = "2"
    table.cell(1, 2).text = "3"
    assert docx_to_markdown(docx_bytes(document)) == (
        "Läs [strategin](https://example.org/strategi)inte en länk\n\n"
        "| Sammanslagen |  | C |\n| --- | --- | --- |\n| 1 | 2 | 3 |\n"
    )


def add_link(paragraph: Paragraph, url: str, text: str) -> None:
    r_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"This is a text file, not a Word document.",
        b"PK\x03\x04 a broken zip",
        zip_of({"hello.txt": b"hi"}),  # a zip without word/document.xml
        zip_of({"word/document.xml": b"<not xml", "[Content_Types].xml": b"<Types/>"}),
    ],
    ids=["empty", "text", "broken-zip", "no-document", "bad-xml"],
)
def test_what_is_not_a_word_file_is_unreadable(data: bytes) -> None:
    with pytest.raises(ValidationFailed) as caught:
        docx_to_markdown(data)
    assert caught.value.code == "consultations.docx_unreadable"
    assert caught.value.field == "docx"


def test_a_zip_that_unpacks_to_too_much_is_refused_before_it_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = strategy_docx()
    assert docx_to_markdown(data)
    unpacked = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    monkeypatch.setattr(drafts, "_DOCX_ZIP_LIMITS", ZipLimits(max_total_size=unpacked - 1))
    with pytest.raises(ValidationFailed) as caught:
        docx_to_markdown(data)
    assert caught.value.code == "consultations.docx_unreadable"


# --- Alignment -------------------------------------------------------------------------------


def p(text: str) -> str:
    return comparable(P, text)


def h(text: str) -> str:
    return comparable(H, text)


def test_comparable_is_the_kind_and_the_text_with_spacing_and_case_ignored() -> None:
    assert comparable(P, "  Regionen  SKA\n lyssna. ") == "paragraph:regionen ska lyssna."
    assert comparable(H, "Mål") == "heading:mål"


A = p("Regionen ska lyssna på alla som bor här.")
B = p("Barn och unga ska få vara med från början.")
C = p("Svaren publiceras inom tre veckor.")
D = p("Dialogen följs upp varje år i en rapport.")


def test_unchanged_documents_pair_one_to_one() -> None:
    assert align([A, B, C], [A, B, C]) == [0, 1, 2]
    assert align([], []) == []
    assert align([A], []) == []
    assert align([], [A, B]) == [None, None]


def test_insertions_and_deletions() -> None:
    new = p("En helt ny mening om något annat.")
    assert align([A, B, C], [A, new, B, C]) == [0, None, 1, 2]
    assert align([A, B, C], [A, C]) == [0, 2]
    assert align([A, B, C], [new]) == [None]


def test_edited_paragraphs_continue_the_old_ones() -> None:
    edited_b = p("Barn och unga ska få vara med redan från början.")
    edited_c = p("Svaren publiceras inom två veckor.")
    assert align([A, B, C, D], [A, edited_b, edited_c, D]) == [0, 1, 2, 3]
    # Case and spacing are not edits at all.
    assert align([A], [p(" REGIONEN ska  lyssna på alla som bor här. ")]) == [0]


def test_a_moved_paragraph_is_a_new_passage_since_order_is_kept() -> None:
    assert align([A, B, C, D], [A, C, D, B]) == [0, 2, 3, None]
    edited_b = p("Barn och unga ska få vara med redan från början.")
    assert align([A, B, C, D], [edited_b, A, C, D]) == [None, 0, 2, 3]


def test_the_most_similar_old_paragraph_of_a_replaced_stretch_is_chosen() -> None:
    old = [p("ett två tre fyra fem sex"), p("ett två tre fyra fem sju")]
    # 5 of 6 words alike both; ties go to the earlier one.
    assert align(old, [p("ett två tre fyra fem åtta")]) == [0]
    # More like the second one: the first is passed over (and reads as removed).
    assert align(old, [p("ett två tre fyra fem sju nio")]) == [1]


def test_at_least_half_alike_pairs_and_less_does_not() -> None:
    old = [p("a b c d")]
    assert SequenceMatcher(None, "a b c d".split(), "a b x y".split()).ratio() == 0.5
    assert align(old, [p("a b x y")]) == [0]
    assert align(old, [p("a x y z")]) == [None]


def test_a_heading_and_a_paragraph_never_pair() -> None:
    assert align([h("Mål")], [p("Mål")]) == [None]
    assert align([h("Mål för dialogen"), A], [p("Mål för dialogen"), A]) == [None, 1]
    old = [p("Alla ska kunna vara med i dialogen"), h("Alla ska kunna vara med")]
    assert align(old, [h("Alla ska kunna vara med i dialogen")]) == [1]


def test_a_replaced_stretch_looks_100_old_blocks_ahead() -> None:
    filler = [p(f"utfyllnad nummer {i} ord{i}a ord{i}b ord{i}c") for i in range(100)]
    target = p("den här meningen finns kvar i nästa version")
    edited = p("den här meningen finns kvar i den nya versionen")
    assert align([*filler[:99], target], [edited]) == [99]
    assert align([*filler, target], [edited]) == [None]


def reference_align(old: Sequence[str], new: Sequence[str]) -> list[int | None]:
    """Alignment written from the docstring, with no shortcuts."""
    mapping: list[int | None] = [None] * len(new)
    matcher = SequenceMatcher(None, list(old), list(new), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            mapping[j1:j2] = range(i1, i2)
        elif tag == "replace":
            start = i1
            for j in range(j1, j2):
                kind, _, text = new[j].partition(":")
                best, best_ratio = None, -1.0
                for i in range(start, min(start + 100, i2)):
                    old_kind, _, old_text = old[i].partition(":")
                    if old_kind != kind:
                        continue
                    ratio = SequenceMatcher(
                        None, old_text.split(), text.split(), autojunk=False
                    ).ratio()
                    if ratio >= 0.5 and ratio > best_ratio:
                        best, best_ratio = i, ratio
                if best is not None:
                    mapping[j] = best
                    start = best + 1
    return mapping


WORDS = "och att det som kommunen ska alla barn unga dialog buss skola park budget råd".split()


def random_version(rng: random.Random, old: list[str]) -> list[str]:
    """A plausible next version: blocks kept, edited, dropped, added and swapped."""
    new: list[str] = []
    for item in old:
        roll = rng.random()
        if roll < 0.15:
            continue
        kind, _, text = item.partition(":")
        words = text.split()
        if roll < 0.6:
            for _ in range(rng.randint(1, 4)):
                words.insert(rng.randint(0, len(words)), rng.choice(WORDS))
                if len(words) > 2 and rng.random() < 0.5:
                    words.pop(rng.randrange(len(words)))
        new.append(comparable(kind, " ".join(words)))
        if rng.random() < 0.15:
            new.append(random_block(rng))
    if len(new) > 1 and rng.random() < 0.3:
        i, j = rng.sample(range(len(new)), 2)
        new[i], new[j] = new[j], new[i]
    return new


def random_block(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(1, 8))
    return comparable(rng.choice([H, P, P, P]), " ".join(words))


def test_alignment_on_random_versions_is_monotonic_and_follows_the_rules() -> None:
    rng = random.Random(20)
    for _ in range(400):
        old = [random_block(rng) for _ in range(rng.randint(0, 30))]
        new = random_version(rng, old)
        mapping = align(old, new)
        assert len(mapping) == len(new)
        paired = [i for i in mapping if i is not None]
        assert paired == sorted(set(paired))  # in order, each old block at most once
        for j, i in enumerate(mapping):
            if i is not None:
                assert old[i].partition(":")[0] == new[j].partition(":")[0]
        assert mapping == reference_align(old, new)


# --- Word comparison -------------------------------------------------------------------------


def test_word_diff_marks_removed_and_added_words() -> None:
    assert word_diff("Vi ska lyssna på alla.", "Vi måste lyssna noga på alla.") == (
        ("same", "Vi "),
        ("removed", "ska"),
        ("added", "måste"),
        ("same", " lyssna"),
        ("added", " noga"),
        ("same", " på alla."),
    )


def test_spaces_between_two_changes_are_part_of_the_change() -> None:
    assert word_diff("a b c d", "a x y d") == (
        ("same", "a "),
        ("removed", "b c"),
        ("added", "x y"),
        ("same", " d"),
    )


def test_word_diff_of_equal_and_empty_texts() -> None:
    assert word_diff("Samma text.", "Samma text.") == (("same", "Samma text."),)
    assert word_diff("", "Ny text.") == (("added", "Ny text."),)
    assert word_diff("Gammal text.", "") == (("removed", "Gammal text."),)
    assert word_diff("", "") == ()


def test_word_diff_rebuilds_both_texts_exactly() -> None:
    rng = random.Random(5)
    pieces = [*WORDS, " ", "  ", "\n", "\n\n", "\t", "**fet**", "1."]
    for _ in range(500):
        old = "".join(rng.choices(pieces, k=rng.randint(0, 25)))
        new = "".join(rng.choices(pieces, k=rng.randint(0, 25)))
        runs = word_diff(old, new)
        assert "".join(text for kind, text in runs if kind != "added") == old
        assert "".join(text for kind, text in runs if kind != "removed") == new
        assert all(kind in {"same", "removed", "added"} and text for kind, text in runs)
        kinds = [kind for kind, _text in runs]
        assert all(a != b for a, b in zip(kinds, kinds[1:], strict=False))  # runs are merged


# --- Comparing versions ----------------------------------------------------------------------


def block(number: str, text: str, kind: str = P) -> Block:
    return Block(kind=kind, level=0 if kind == P else 1, number=number, section="1", text=text)


def test_compare_lists_new_blocks_in_order_with_removed_ones_after_their_predecessor() -> None:
    a, b, c, d = (
        block(f"1.{i}", t) for i, t in enumerate(["Ett.", "Två.", "Tre ord här.", "Fyra."], 1)
    )
    edited_c = block("1.2", "Tre ord till här.")
    added = block("1.3", "Helt nytt stycke.")
    changes = compare([a, b, c, d], [a, edited_c, added])
    assert [(ch.kind, ch.old, ch.new) for ch in changes] == [
        ("same", a, a),
        ("removed", b, None),
        ("changed", c, edited_c),
        ("removed", d, None),
        ("added", None, added),
    ]
    assert changes[2].words == (("same", "Tre ord "), ("added", "till "), ("same", "här."))
    assert all(ch.words == () for i, ch in enumerate(changes) if i != 2)


def test_removed_blocks_with_nothing_kept_before_them_come_first() -> None:
    gone, kept = block("1.1", "Borttaget stycke."), block("1.2", "Kvar.")
    again = block("1.1", "Kvar.")
    assert compare([gone, kept], [again]) == [
        Change("removed", gone, None, ()),
        Change("same", kept, again, ()),
    ]
    assert compare([gone], []) == [Change("removed", gone, None, ())]
    assert compare([], [again]) == [Change("added", None, again, ())]


def test_a_renumbered_block_is_the_same_and_keeps_both_numbers() -> None:
    first = parse("# T\n\n## Mål\n\nAlla ska kunna vara med.")
    second = parse("# T\n\n## Bakgrund\n\nNy text.\n\n## Mål\n\nAlla ska kunna vara med.")
    changes = compare(first.blocks, second.blocks)
    assert [(ch.kind, ch.old and ch.old.number, ch.new and ch.new.number) for ch in changes] == [
        ("added", None, "1"),
        ("added", None, "1.1"),
        ("same", "1", "2"),
        ("same", "1.1", "2.1"),
    ]


def test_a_change_in_case_or_spacing_only_is_changed_not_same() -> None:
    old, new = block("1", "Alla  ska med."), block("1", "alla ska med.")
    (change,) = compare([old], [new])
    assert change.kind == "changed"
    assert "".join(t for k, t in change.words if k != "removed") == new.text
