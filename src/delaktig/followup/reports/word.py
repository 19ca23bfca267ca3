"""The annual follow-up report as an accessible Word document.

Built from the same ``AnnualReport`` as the web page and the PDF. Accessibility is built in
rather than left to whoever opens the file: the real Title and Heading 1–3 styles (so the
navigation pane and screen readers see the outline), Swedish as the document language in the
core properties *and* in the default run properties, tables with a repeating header row and a
caption and description, headings in a colour with enough contrast, and every status written
out in words. Dates are ISO 8601 (YYYY-MM-DD): unambiguous, and read out well.
"""

import dataclasses
import io
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, time
from typing import Any

import docx
from django.utils.translation import gettext as _
from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import RGBColor
from docx.table import Table

from ..charts import MISSING, format_number, format_percent
from .content import (
    ActivityLine,
    AnnualReport,
    AreaSection,
    IndicatorLine,
    PlanSection,
    StatusCount,
)

LANGUAGE = "sv-SE"
# The site's --brand colour: 9.6:1 against white, where Word's default heading blue has 3.9:1.
HEADING_COLOUR = RGBColor(0x00, 0x45, 0x7A)
TABLE_STYLE = "Table Grid"


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(value: Any) -> Any:
    """The report with characters XML cannot hold (pasted from Excel, say) removed."""
    if isinstance(value, str):
        return _XML_ILLEGAL.sub("", value)
    if isinstance(value, tuple):
        return tuple(_xml_safe(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(
            value,
            **{f.name: _xml_safe(getattr(value, f.name)) for f in dataclasses.fields(value)},
        )
    return value


def render_docx(report: AnnualReport) -> bytes:
    report = _xml_safe(report)
    document = docx.Document()
    _prepare(document, report)

    document.add_heading(report.title, level=0)
    _facts(
        document,
        [
            (_("Strategi"), report.strategy),
            (_("Organisation"), report.organisation),
            (_("Uppföljningsår"), str(report.year)),
            (_("Skapad"), report.generated_on.isoformat()),
        ],
    )

    _summary(document, report)
    for plan in report.plans:
        _plan(document, plan, report.year)
    if not report.plans:
        document.add_heading(_("Handlingsplaner"), level=1)
        document.add_paragraph(_("Ingen handlingsplan gällde under året."))
    _indicators(document, report.indicators)
    _dialogues(document, report)
    _actors(document, report)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def feedback_text(report: AnnualReport) -> str:
    """ "3 av 4 (75 %)", or "–" when no process owed feedback."""
    rate = report.feedback_rate
    if rate is None:
        return MISSING
    return _("%(given)s av %(due)s (%(percent)s)") % {
        "given": format_number(report.feedback_given),
        "due": format_number(report.feedback_due),
        "percent": format_percent(rate * 100),
    }


# --- The document as a whole ---------------------------------------------------------------


def _prepare(document: Document, report: AnnualReport) -> None:
    properties = document.core_properties
    properties.title = report.title
    properties.subject = _("Årlig uppföljning av %(strategy)s") % {"strategy": report.strategy}
    properties.language = LANGUAGE
    properties.author = report.organisation
    properties.last_modified_by = report.organisation
    properties.keywords = _("uppföljning, %(year)s") % {"year": report.year}
    properties.comments = ""
    properties.category = ""
    generated = datetime.combine(report.generated_on, time(), tzinfo=UTC)
    properties.created = generated
    properties.modified = generated
    properties.revision = 1

    _set_default_language(document)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        document.styles[name].font.color.rgb = HEADING_COLOUR


def _set_default_language(document: Document) -> None:
    """``w:lang`` in the default run properties, so that every run is Swedish to a screen
    reader and the spelling checker, and Swedish in the settings' theme font language."""
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


# --- Building blocks -----------------------------------------------------------------------


def _facts(document: Document, facts: Iterable[tuple[str, str]]) -> None:
    """ "Label: value" paragraphs with the label in bold."""
    for label, value in facts:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value or MISSING)


def _table(
    document: Document,
    caption: str,
    description: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[str | Sequence[str]]],
) -> Table:
    """A table whose first row repeats on every page and is marked as its header.

    A cell given as a sequence of strings gets one paragraph per string."""
    table = document.add_table(rows=1, cols=len(headers))
    table.style = document.styles[TABLE_STYLE]
    header = table.rows[0]
    for cell, text in zip(header.cells, headers, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    header_properties = header._tr.get_or_add_trPr()
    header_properties.append(OxmlElement("w:tblHeader"))
    # Don't let the header row break across pages.
    header_properties.insert(0, OxmlElement("w:cantSplit"))
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            parts = [value] if isinstance(value, str) else list(value) or [""]
            cell.paragraphs[0].add_run(parts[0] or MISSING)
            for part in parts[1:]:
                cell.add_paragraph(part)

    table_properties = table._tbl.tblPr
    look = table_properties.find(qn("w:tblLook"))
    if look is not None:
        look.set(qn("w:firstRow"), "1")
        look.set(qn("w:firstColumn"), "0")
    # tblCaption and tblDescription come last in tblPr, in this order.
    for tag, text in (("w:tblCaption", caption), ("w:tblDescription", description)):
        element = OxmlElement(tag)
        element.set(qn("w:val"), text)
        table_properties.append(element)
    return table


def _status_words(counts: Iterable[StatusCount]) -> str:
    """ "Inte påbörjad 1, Pågår 2, Genomförd 0, …" – every status, also those with none."""
    return ", ".join(f"{count.label} {format_number(count.count)}" for count in counts)


def _total_by_status(plans: Sequence[PlanSection]) -> list[StatusCount]:
    totals: dict[str, StatusCount] = {}
    for plan in plans:
        for count in plan.status_counts:
            seen = totals.get(count.status)
            totals[count.status] = StatusCount(
                count.status, count.label, count.count + (seen.count if seen else 0)
            )
    return list(totals.values())


def _share(part: int, whole: int) -> str:
    return format_percent(100 * part / whole) if whole else MISSING


# --- Sections ------------------------------------------------------------------------------


def _summary(document: Document, report: AnnualReport) -> None:
    document.add_heading(_("Sammanfattning"), level=1)
    _facts(
        document,
        [
            (_("Handlingsplaner"), format_number(len(report.plans))),
            (_("Aktiviteter i handlingsplanerna"), format_number(report.activity_total)),
            (_("Medborgardialoger under året"), format_number(report.dialogues_total)),
            (_("Avslutade processer med publicerad återkoppling"), feedback_text(report)),
            (_("Indikatorer"), format_number(len(report.indicators))),
            (_("Anslutna aktörer"), format_number(len(report.actors))),
        ],
    )

    document.add_heading(_("Aktiviteter per status"), level=2)
    totals = _total_by_status(report.plans)
    total = report.activity_total
    rows: list[Sequence[str]] = [
        (count.label, format_number(count.count), _share(count.count, total)) for count in totals
    ]
    rows.append((_("Totalt"), format_number(total), _share(total, total)))
    _table(
        document,
        _("Aktiviteter per status"),
        _("Antal aktiviteter i alla handlingsplaner efter status, och andel av alla."),
        [_("Status"), _("Antal"), _("Andel")],
        rows,
    )


def _plan(document: Document, plan: PlanSection, year: int) -> None:
    document.add_heading(plan.title, level=1)
    _facts(
        document,
        [
            (_("Period"), plan.period),
            (_("Aktiviteter per status"), _status_words(plan.status_counts)),
        ],
    )
    for area in plan.areas:
        _area(document, area, year)
    if not plan.areas:
        document.add_paragraph(_("Planen har inga insatsområden."))


def _area(document: Document, area: AreaSection, year: int) -> None:
    heading = f"{area.number}. {area.title}"
    document.add_heading(heading, level=2)
    if not area.activities:
        document.add_paragraph(_("Inga aktiviteter."))
        return
    _facts(document, [(_("Aktiviteter per status"), _status_words(area.status_counts))])

    document.add_heading(_("Aktiviteter"), level=3)
    rows = []
    for activity in area.activities:
        status: list[str] = [activity.status_label]
        if activity.status_reason:
            status.append(_("Skäl: %(reason)s") % {"reason": activity.status_reason})
        rows.append(
            (
                activity.code,
                activity.title,
                activity.responsible_unit or MISSING,
                status,
                MISSING if activity.progress is None else format_percent(activity.progress),
            )
        )
    _table(
        document,
        _("Aktiviteter i %(area)s") % {"area": heading},
        _(
            "En rad per aktivitet: nummer, namn, ansvarig enhet, status med skäl när den är "
            "uppskjuten eller avbruten, och hur långt den har kommit i procent."
        ),
        [_("Nr"), _("Aktivitet"), _("Ansvarig enhet"), _("Status"), _("Framsteg")],
        rows,
    )

    document.add_heading(_("Aktiviteterna under %(year)s") % {"year": year}, level=3)
    for activity in area.activities:
        _activity_notes(document, activity)


def _activity_notes(document: Document, activity: ActivityLine) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{activity.code} {activity.title}").bold = True
    paragraph.add_run(f" ({activity.status_label})")
    details = []
    if activity.period:
        details.append((_("Period"), activity.period))
    if activity.goals:
        details.append((_("Mål"), "; ".join(activity.goals)))
    if activity.dialogues:
        details.append((_("Bygger på"), "; ".join(activity.dialogues)))
    _facts(document, details)
    if not activity.notes:
        document.add_paragraph(_("Inga anteckningar under året."))
    for note in activity.notes:
        text = note.date.isoformat()
        if note.status_label:
            text += " " + _("(ny status: %(status)s)") % {"status": note.status_label}
        if note.text:
            text += f": {note.text}"
        document.add_paragraph(text, style="List Bullet")


def _indicators(document: Document, indicators: Sequence[IndicatorLine]) -> None:
    document.add_heading(_("Indikatorer"), level=1)
    if not indicators:
        document.add_paragraph(_("Strategin har inga indikatorer."))
    for indicator in indicators:
        document.add_heading(indicator.name, level=2)
        facts = [(_("Enhet"), indicator.unit)]
        if indicator.goal:
            facts.append((_("Mäter målet"), indicator.goal))
        facts += [
            (_("Utgångsvärde"), indicator.baseline),
            (_("Målvärde"), indicator.target),
            (_("Bedömning"), indicator.assessment),
        ]
        if not indicator.by_sex and indicator.sex_note:
            facts.append((_("Inte uppdelad på kön"), indicator.sex_note))
        if indicator.source:
            facts.append((_("Källa"), indicator.source))
        _facts(document, facts)
        if not indicator.cells:
            document.add_paragraph(_("Inga värden."))
            continue
        if indicator.by_sex:
            headers = [_("År"), _("Totalt"), _("Kvinnor"), _("Män")]
            rows: list[Sequence[str]] = [
                (str(cell.year), cell.total, cell.women, cell.men) for cell in indicator.cells
            ]
            description = _(
                "Värdet per år för alla, för kvinnor och för män. – betyder att värde saknas."
            )
        else:
            headers = [_("År"), _("Totalt")]
            rows = [(str(cell.year), cell.total) for cell in indicator.cells]
            description = _("Värdet per år. – betyder att värde saknas.")
        unit = f" ({indicator.unit})" if indicator.unit else ""
        _table(document, f"{indicator.name}{unit}", description, headers, rows)


def _dialogues(document: Document, report: AnnualReport) -> None:
    document.add_heading(_("Medborgardialoger och återkoppling"), level=1)
    document.add_heading(_("Dialoger per steg på delaktighetstrappan"), level=2)
    rows: list[Sequence[str]] = [
        (f"{line.step}. {line.label}", format_number(line.count)) for line in report.dialogues
    ]
    rows.append((_("Totalt"), format_number(report.dialogues_total)))
    _table(
        document,
        _("Medborgardialoger per steg på delaktighetstrappan"),
        _("Antal deltagandeprocesser under året på varje steg, och totalt."),
        [_("Steg"), _("Processer")],
        rows,
    )
    document.add_heading(_("Återkoppling"), level=2)
    _facts(
        document, [(_("Avslutade processer med publicerad återkoppling"), feedback_text(report))]
    )
    if report.feedback_rate is None:
        document.add_paragraph(_("Ingen avslutad process väntade på återkoppling."))


def _actors(document: Document, report: AnnualReport) -> None:
    document.add_heading(_("Anslutna aktörer"), level=1)
    if not report.actors:
        document.add_paragraph(_("Inga aktörer har anslutit sig."))
        return
    _table(
        document,
        _("Anslutna aktörer"),
        _("Aktörer som har anslutit sig till strategin och de aktiviteter de rapporterade."),
        [_("Aktör"), _("Typ"), _("Ansluten"), _("Rapporterade aktiviteter")],
        [
            (
                actor.name,
                actor.kind,
                actor.joined_on.isoformat() if actor.joined_on else MISSING,
                list(actor.activities) or [MISSING],
            )
            for actor in report.actors
        ],
    )
