"""Exports: aggregates as CSV and XLSX, anonymised raw responses, invitation links."""

import io
import secrets
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from delaktig.core import exports
from delaktig.participation.models import ProcessModule

from .models import Answer, Question, Response, Survey
from .results import SurveyResults, Weighting, survey_results

Table = tuple[str, list[str], list[list[Any]]]


def _round(value: float | None, digits: int = 4) -> float | str:
    return "" if value is None else round(value, digits)


def aggregate_tables(survey: Survey) -> list[Table]:
    """The figures on the results page as tables: shares, breakdowns, representativeness."""
    results = survey_results(survey)
    tables: list[Table] = [
        _shares_table(results),
        _breakdowns_table(results),
        _numbers_table(results),
        _representativeness_table(results),
    ]
    if results.weighting and results.weighting.outcome:
        tables.append(_weighting_table(results.weighting))
    return tables


def _shares_table(results: SurveyResults) -> Table:
    rows = [
        [
            qr.question.pk,
            qr.question.text,
            choice.label,
            share.count,
            qr.answered,
            _round(share.share),
            _round(share.margin),
            _round(share.weighted_share),
            _round(share.weighted_margin),
        ]
        for qr in results.questions
        for choice, share in qr.choices
    ]
    header = [
        _("fråga_id"),
        _("fråga"),
        _("svarsalternativ"),
        _("antal"),
        _("svarande_på_frågan"),
        _("andel"),
        _("felmarginal_95"),
        _("vägd_andel"),
        _("vägd_felmarginal_95"),
    ]
    return (_("Andelar"), header, rows)


def _breakdowns_table(results: SurveyResults) -> Table:
    rows: list[list[Any]] = []
    for qr in results.questions:
        q = qr.question
        for breakdown in qr.breakdowns:
            for row in breakdown.rows:
                for (cell, row_share), (choice, _s) in zip(row.cells, qr.choices, strict=True):
                    rows.append(
                        [
                            q.pk,
                            q.text,
                            breakdown.title,
                            row.label,
                            "–" if row.total is None else row.total,
                            choice.label,
                            "–" if cell.count is None else cell.count,
                            _round(row_share),
                        ]
                    )
    header = [
        _("fråga_id"),
        _("fråga"),
        _("indelning"),
        _("grupp"),
        _("svarande_i_gruppen"),
        _("svarsalternativ"),
        _("antal"),
        _("andel_av_gruppen"),
    ]
    return (_("Nedbrytningar"), header, rows)


def _numbers_table(results: SurveyResults) -> Table:
    rows = [
        [
            qr.question.pk,
            qr.question.text,
            qr.number.n,
            _round(qr.number.mean),
            _round(qr.number.median),
            _round(qr.number.margin),
            _round(qr.number.weighted_mean),
            _round(qr.number.weighted_margin),
        ]
        for qr in results.questions
        if qr.number is not None
    ]
    header = [
        _("fråga_id"),
        _("fråga"),
        _("antal"),
        _("medelvärde"),
        _("median"),
        _("felmarginal_95"),
        _("vägt_medelvärde"),
        _("vägd_felmarginal_95"),
    ]
    return (_("Tal"), header, rows)


def _representativeness_table(results: SurveyResults) -> Table:
    rows = [
        [
            view.title,
            view.labels.get(g.label, g.label),
            "–" if g.label in view.hidden else g.respondents,
            "–" if g.label in view.hidden else _round(g.respondent_share),
            round(g.population),
            _round(g.population_share),
            "–" if g.label in view.hidden else _round(g.response_rate_ratio),
            _round(view.comparison.index),
        ]
        for view in results.representativeness
        for g in view.comparison.groups
    ]
    header = [
        _("variabel"),
        _("grupp"),
        _("svarande"),
        _("andel_av_svarande"),
        _("befolkning"),
        _("andel_av_befolkning"),
        _("svarskvot"),
        _("representativitetsindex"),
    ]
    return (_("Representativitet"), header, rows)


def _weighting_table(weighting: Weighting) -> Table:
    outcome = weighting.outcome
    assert outcome is not None  # noqa: S101 - only called with an outcome
    rows: list[list[Any]] = [
        [_("vägningsvariabler"), ", ".join(outcome.margins)],
        [_("svar_i_vägningen"), weighting.included],
        [_("iterationer"), outcome.iterations],
        [_("största_relativa_avvikelse"), outcome.max_relative_error],
        [_("designeffekt_kish"), round(outcome.design_effect, 4)],
        [_("vägningseffektivitet"), round(outcome.efficiency, 4)],
        [_("effektivt_antal"), round(outcome.effective_n, 1)],
        [_("trimmad"), _("ja") if outcome.trimmed else _("nej")],
    ]
    return (_("Vägning"), [_("mått"), _("värde")], rows)


def _survey_of(module: ProcessModule) -> Survey:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Survey.objects.select_related("module__process__organisation"), module=module
    )


def aggregates_csv(module: ProcessModule) -> tuple[str, str, bytes]:
    out = io.StringIO()
    writer = exports.writer(out)
    for title, header, rows in aggregate_tables(_survey_of(module)):
        writer.writerow([f"# {title}"])
        writer.writerow(header)
        writer.writerows(rows)
        writer.writerow([])
    return (
        f"enkat-{module.pk}-resultat.csv",
        "text/csv; charset=utf-8",
        ("\ufeff" + out.getvalue()).encode(),
    )


def aggregates_xlsx(module: ProcessModule) -> tuple[str, str, bytes]:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for title, header, rows in aggregate_tables(_survey_of(module)):
        sheet = workbook.create_sheet(title[:31])
        exports.append_row(sheet, header)
        for row in rows:
            exports.append_row(sheet, row)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return (
        f"enkat-{module.pk}-resultat.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        out.getvalue(),
    )


def raw_csv(module: ProcessModule) -> tuple[str, str, bytes]:
    """One row per submitted response, without who answered or when.

    Rows come in a shuffled order and are numbered afresh, so they cannot be matched to
    accounts, invitations or the order people answered in.
    """
    survey = _survey_of(module)
    questions = list(
        Question.objects.filter(section__survey=survey)
        .prefetch_related("choices")
        .order_by("section__position", "section_id", "position", "id")
    )
    responses = list(
        Response.objects.filter(survey=survey, submitted_at__isnull=False).values_list(
            "pk", "age_group", "sex", "municipality__name", "lives_elsewhere", "language"
        )
    )
    values: dict[tuple[int, int], list[str]] = {}
    labels = {c.pk: c.label for q in questions for c in q.choices.all()}
    for response_id, question_id, choice_id, text, number in Answer.objects.filter(
        response__survey=survey, response__submitted_at__isnull=False
    ).values_list("response_id", "question_id", "choice_id", "text", "number"):
        if choice_id:
            value = labels.get(choice_id, "")
        else:
            value = str(number) if number is not None else text
        values.setdefault((response_id, question_id), []).append(value)
    # A new order on every download, so that it says nothing about the order of answering.
    secrets.SystemRandom().shuffle(responses)
    out = io.StringIO()
    writer = exports.writer(out)
    writer.writerow(
        [_("rad"), _("åldersgrupp"), _("kön"), _("kommun"), _("språk")]
        + [f"q{q.pk}: {q.text}" for q in questions]
    )
    for row, (pk, age, sex, place, elsewhere, language) in enumerate(responses, start=1):
        writer.writerow(
            [row, age, sex, place or (_("annan kommun") if elsewhere else ""), language]
            + ["; ".join(values.get((pk, q.pk), [])) for q in questions]
        )
    return (
        f"enkat-{module.pk}-svar.csv",
        "text/csv; charset=utf-8",
        ("\ufeff" + out.getvalue()).encode(),
    )


def invitations_csv(request: HttpRequest, survey: Survey) -> HttpResponse:
    out = io.StringIO()
    writer = exports.writer(out)
    writer.writerow([_("länk"), _("notering"), _("besvarad")])
    for invitation in survey.invitations.select_related("response"):
        response = getattr(invitation, "response", None)
        writer.writerow(
            [
                request.build_absolute_uri(invitation.get_absolute_url()),
                invitation.label,
                _("ja") if response is not None and response.is_submitted else _("nej"),
            ]
        )
    reply = HttpResponse(("\ufeff" + out.getvalue()).encode(), content_type="text/csv")
    reply["Content-Disposition"] = f'attachment; filename="inbjudningar-{survey.module_id}.csv"'
    return reply
