"""The annual report as a Word document: reopened with python-docx and read back."""

import io
import zipfile
from dataclasses import replace
from datetime import date
from typing import Any

import docx
import pytest
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table

from delaktig.followup.reports.content import (
    ActivityLine,
    ActorLine,
    AnnualReport,
    AreaSection,
    IndicatorCell,
    IndicatorLine,
    LadderLine,
    NoteLine,
    PlanSection,
    StatusCount,
)
from delaktig.followup.reports.word import feedback_text, render_docx

NBSP = "\u00a0"
LABELS = {
    "not_started": "Inte påbörjad",
    "ongoing": "Pågår",
    "done": "Genomförd",
    "postponed": "Uppskjuten",
    "cancelled": "Avbruten",
}


def counts(**numbers: int) -> tuple[StatusCount, ...]:
    return tuple(StatusCount(code, label, numbers.get(code, 0)) for code, label in LABELS.items())


def activity(code: str, title: str, status: str, **extra: object) -> ActivityLine:
    fields: dict[str, Any] = {
        "responsible_unit": "Kansliavdelningen",
        "period": "2024–2025",
        "status_reason": "",
        "progress": None,
        "notes": (),
    }
    fields.update(extra)
    return ActivityLine(
        code=code, title=title, status=status, status_label=LABELS[status], **fields
    )


ACTIVITIES = {
    "1.1": activity("1.1", "Öppna nämndsammanträden", "done", progress=100),
    "1.2": activity(
        "1.2",
        "Digitala medborgarpaneler",
        "ongoing",
        progress=40,
        notes=(
            NoteLine(date(2024, 9, 3), "Andra panelen genomförd."),
            NoteLine(date(2024, 2, 14), "Upphandling klar.", status_label="Pågår"),
        ),
        goals=("1. Ökat förtroende",),
        dialogues=("Panel om kollektivtrafik",),
    ),
    "2.1": activity("2.1", "Ungdomsråd i varje kommundel", "not_started", responsible_unit=""),
    "1.1b": activity(
        "1.1",
        "Medborgarbudget",
        "postponed",
        status_reason="Väntar på budgetbeslut.",
    ),
    "1.2b": activity("1.2", "Lokala dialogkaféer", "cancelled", status_reason="Ingen lokal."),
}

REPORT = AnnualReport(
    title="Uppföljning 2024: Demokratistrategi 2023–2026",
    strategy="Demokratistrategi 2023–2026",
    organisation="Exempelby kommun",
    year=2024,
    generated_on=date(2025, 1, 20),
    plans=(
        PlanSection(
            title="Handlingsplan för delaktighet",
            period="2024–2025",
            status_counts=counts(done=1, ongoing=1, not_started=1),
            areas=(
                AreaSection(
                    1,
                    "Insyn",
                    counts(done=1, ongoing=1),
                    (ACTIVITIES["1.1"], ACTIVITIES["1.2"]),
                ),
                AreaSection(2, "Unga", counts(not_started=1), (ACTIVITIES["2.1"],)),
            ),
        ),
        PlanSection(
            title="Handlingsplan för medborgarbudget",
            period="2024",
            status_counts=counts(postponed=1, cancelled=1),
            areas=(
                AreaSection(
                    1,
                    "Budget",
                    counts(postponed=1, cancelled=1),
                    (ACTIVITIES["1.1b"], ACTIVITIES["1.2b"]),
                ),
            ),
        ),
    ),
    indicators=(
        IndicatorLine(
            name="Valdeltagande i kommunvalet",
            unit="%",
            goal="1. Ökat förtroende",
            baseline="81,2 (2022)",
            target="85 (2026)",
            cells=(
                IndicatorCell(2022, "81,2", "83,0", "79,4"),
                IndicatorCell(2023, "", "", ""),
                IndicatorCell(2024, "82,5", "84,1", "80,9"),
            ),
            assessment="Närmar sig målet",
            by_sex=True,
            sex_note="",
            source="SCB",
        ),
        IndicatorLine(
            name="Besök på e-tjänsten",
            unit="antal",
            goal="",
            baseline="",
            target="",
            cells=(IndicatorCell(2024, "12\u202f400", "", ""),),
            assessment="Inget mål",
            by_sex=False,
            sex_note="Besöksräknaren vet inte vem som besöker.",
        ),
    ),
    dialogues=(
        LadderLine(1, "Information", 4),
        LadderLine(2, "Konsultation", 3),
        LadderLine(3, "Dialog", 2),
        LadderLine(4, "Inflytande", 0),
        LadderLine(5, "Medbeslutande", 1),
    ),
    feedback_due=4,
    feedback_given=3,
    actors=(
        ActorLine(
            "Föreningen Aktiva unga",
            "Förening",
            date(2024, 3, 1),
            ("Ungdomsråd i varje kommundel",),
        ),
        ActorLine("Bygdegården", "Förening", None, ()),
    ),
)


@pytest.fixture(scope="module")
def document() -> Document:
    return docx.Document(io.BytesIO(render_docx(REPORT)))


def headings(document: Document) -> list[tuple[str, str]]:
    return [
        (p.style.name, p.text)
        for p in document.paragraphs
        if p.style is not None and (p.style.name.startswith("Heading") or p.style.name == "Title")
    ]


def all_text(document: Document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def table_with_caption(document: Document, caption: str) -> Table:
    for table in document.tables:
        element = table._tbl.tblPr.find(qn("w:tblCaption"))
        if element is not None and element.get(qn("w:val")) == caption:
            return table
    raise AssertionError(f"no table captioned {caption!r}")


def rows(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_outline_uses_the_built_in_heading_styles(document: Document) -> None:
    found = headings(document)
    assert found[0] == ("Title", REPORT.title)
    assert ("Heading 1", "Handlingsplan för delaktighet") in found
    assert ("Heading 1", "Handlingsplan för medborgarbudget") in found
    assert ("Heading 2", "1. Insyn") in found and ("Heading 2", "2. Unga") in found
    assert ("Heading 2", "1. Budget") in found
    assert ("Heading 3", "Aktiviteter") in found
    assert ("Heading 3", "Aktiviteterna under 2024") in found
    level_1 = [text for style, text in found if style == "Heading 1"]
    assert level_1 == [
        "Sammanfattning",
        "Handlingsplan för delaktighet",
        "Handlingsplan för medborgarbudget",
        "Indikatorer",
        "Medborgardialoger och återkoppling",
        "Anslutna aktörer",
    ]
    # Areas come under their plan: "2. Unga" between the two plans.
    texts = [text for _, text in found]
    assert (
        texts.index("Handlingsplan för delaktighet")
        < texts.index("2. Unga")
        < texts.index("Handlingsplan för medborgarbudget")
        < texts.index("1. Budget")
    )
    # Nothing skips a level.
    levels = [0 if style == "Title" else int(style.split()[-1]) for style, _ in found]
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))


def test_headings_have_enough_contrast(document: Document) -> None:
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        colour = document.styles[name].font.color
        assert str(colour.rgb) == "00457A"
        assert colour.theme_color is None


def test_language_and_properties(document: Document) -> None:
    properties = document.core_properties
    assert properties.language == "sv-SE"
    assert properties.title == REPORT.title
    assert "Demokratistrategi 2023–2026" in properties.subject
    assert properties.author == "Exempelby kommun"
    defaults = document.styles.element.find(qn("w:docDefaults"))
    lang = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "sv-SE"


def test_every_table_has_a_repeating_header_caption_and_description(document: Document) -> None:
    assert len(document.tables) == 8  # summary, 3 areas, 2 indicators, dialogues, actors
    for table in document.tables:
        first = table.rows[0]._tr
        assert first.trPr is not None and first.trPr.find(qn("w:tblHeader")) is not None
        for row in table.rows[1:]:
            assert row._tr.trPr is None or row._tr.trPr.find(qn("w:tblHeader")) is None
        properties = table._tbl.tblPr
        assert properties.find(qn("w:tblCaption")).get(qn("w:val"))
        assert properties.find(qn("w:tblDescription")).get(qn("w:val"))
        # Schema order: caption and description are the last children of tblPr.
        assert [child.tag for child in properties][-2:] == [
            qn("w:tblCaption"),
            qn("w:tblDescription"),
        ]
        assert all(run.bold for cell in table.rows[0].cells for run in cell.paragraphs[0].runs)


def test_table_header_flag_is_in_the_xml() -> None:
    data = render_docx(REPORT)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = package.read("word/document.xml").decode()
    assert xml.count("<w:tblHeader/>") == xml.count("<w:tbl>")
    assert '<w:tblCaption w:val="Aktiviteter per status"/>' in xml


def test_every_activity_and_its_status_in_words(document: Document) -> None:
    for plan in REPORT.plans:
        for area in plan.areas:
            table = table_with_caption(document, f"Aktiviteter i {area.number}. {area.title}")
            body = rows(table)
            assert body[0] == ["Nr", "Aktivitet", "Ansvarig enhet", "Status", "Framsteg"]
            assert [row[1] for row in body[1:]] == [a.title for a in area.activities]
            for row, line in zip(body[1:], area.activities, strict=True):
                assert row[0] == line.code
                assert row[3].startswith(line.status_label)
    delaktighet = rows(table_with_caption(document, "Aktiviteter i 1. Insyn"))
    assert delaktighet[1] == [
        "1.1",
        "Öppna nämndsammanträden",
        "Kansliavdelningen",
        "Genomförd",
        f"100{NBSP}%",
    ]
    assert delaktighet[2][4] == f"40{NBSP}%"
    unga = rows(table_with_caption(document, "Aktiviteter i 2. Unga"))
    assert unga[1][2] == "–" and unga[1][4] == "–"
    budget = rows(table_with_caption(document, "Aktiviteter i 1. Budget"))
    assert budget[1][3] == "Uppskjuten\nSkäl: Väntar på budgetbeslut."
    assert budget[2][3] == "Avbruten\nSkäl: Ingen lokal."


def test_notes_goals_and_dialogues(document: Document) -> None:
    text = all_text(document)
    assert "2024-09-03: Andra panelen genomförd." in text
    assert "2024-02-14 (ny status: Pågår): Upphandling klar." in text
    assert "Mål: 1. Ökat förtroende" in text
    assert "Bygger på: Panel om kollektivtrafik" in text
    assert "Inga anteckningar under året." in text
    notes = [p for p in document.paragraphs if p.text.startswith("2024-09-03")]
    assert notes[0].style is not None and notes[0].style.name == "List Bullet"


def test_summary_counts_every_status(document: Document) -> None:
    summary = rows(table_with_caption(document, "Aktiviteter per status"))
    assert summary == [
        ["Status", "Antal", "Andel"],
        ["Inte påbörjad", "1", f"20{NBSP}%"],
        ["Pågår", "1", f"20{NBSP}%"],
        ["Genomförd", "1", f"20{NBSP}%"],
        ["Uppskjuten", "1", f"20{NBSP}%"],
        ["Avbruten", "1", f"20{NBSP}%"],
        ["Totalt", "5", f"100{NBSP}%"],
    ]
    text = all_text(document)
    assert "Aktiviteter per status: Inte påbörjad 1, Pågår 1, Genomförd 1" in text


def test_indicators_by_sex_and_without(document: Document) -> None:
    by_sex = rows(table_with_caption(document, "Valdeltagande i kommunvalet (%)"))
    assert by_sex == [
        ["År", "Totalt", "Kvinnor", "Män"],
        ["2022", "81,2", "83,0", "79,4"],
        ["2023", "–", "–", "–"],
        ["2024", "82,5", "84,1", "80,9"],
    ]
    plain = rows(table_with_caption(document, "Besök på e-tjänsten (antal)"))
    assert plain == [["År", "Totalt"], ["2024", "12\u202f400"]]
    text = all_text(document)
    assert "Inte uppdelad på kön: Besöksräknaren vet inte vem som besöker." in text
    assert "Målvärde: 85 (2026)" in text and "Bedömning: Närmar sig målet" in text
    assert "Utgångsvärde: –" in text  # the second indicator has none


def test_dialogues_feedback_and_actors(document: Document) -> None:
    ladder = rows(table_with_caption(document, "Medborgardialoger per steg på delaktighetstrappan"))
    assert ladder[1] == ["1. Information", "4"]
    assert ladder[-1] == ["Totalt", "10"]
    text = all_text(document)
    assert f"Avslutade processer med publicerad återkoppling: 3 av 4 (75{NBSP}%)" in text
    actors = rows(table_with_caption(document, "Anslutna aktörer"))
    assert actors[1] == [
        "Föreningen Aktiva unga",
        "Förening",
        "2024-03-01",
        "Ungdomsråd i varje kommundel",
    ]
    assert actors[2] == ["Bygdegården", "Förening", "–", "–"]


def test_feedback_text_without_processes_owing_feedback() -> None:
    quiet = replace(REPORT, feedback_due=0, feedback_given=0, actors=(), plans=(), indicators=())
    assert feedback_text(quiet) == "–"
    assert feedback_text(REPORT) == f"3 av 4 (75{NBSP}%)"
    reopened = docx.Document(io.BytesIO(render_docx(quiet)))
    text = all_text(reopened)
    assert "Avslutade processer med publicerad återkoppling: –" in text
    assert "Ingen avslutad process väntade på återkoppling." in text
    assert "Inga aktörer har anslutit sig." in text
    assert "Ingen handlingsplan gällde under året." in text
    assert "Strategin har inga indikatorer." in text
