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
from collections.abc import Iterable, Sequence
from typing import Any

import docx
from django.utils.translation import gettext as _
from docx.document import Document

from delaktig.core.word import fact, prepare, table, xml_clean

from ..charts import MISSING, format_number, format_percent
from .content import (
    ActivityLine,
    AnnualReport,
    AreaSection,
    IndicatorLine,
    PlanSection,
    StatusCount,
)


def _xml_safe(value: Any) -> Any:
    """The report with characters XML cannot hold (pasted from Excel, say) removed."""
    if isinstance(value, str):
        return xml_clean(value)
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
    prepare(
        document,
        title=report.title,
        subject=_("Årlig uppföljning av %(strategy)s") % {"strategy": report.strategy},
        author=report.organisation,
        keywords=_("uppföljning, %(year)s") % {"year": report.year},
        made=report.generated_on,
    )


# --- Building blocks -----------------------------------------------------------------------


def _facts(document: Document, facts: Iterable[tuple[str, str]]) -> None:
    """ "Label: value" paragraphs with the label in bold."""
    for label, value in facts:
        fact(document, label, value)


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
    table(
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
    table(
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
        table(document, f"{indicator.name}{unit}", description, headers, rows)


def _dialogues(document: Document, report: AnnualReport) -> None:
    document.add_heading(_("Medborgardialoger och återkoppling"), level=1)
    document.add_heading(_("Dialoger per steg på delaktighetstrappan"), level=2)
    rows: list[Sequence[str]] = [
        (f"{line.step}. {line.label}", format_number(line.count)) for line in report.dialogues
    ]
    rows.append((_("Totalt"), format_number(report.dialogues_total)))
    table(
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
    table(
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
