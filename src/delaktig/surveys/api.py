"""Open-data API: the published results of surveys, exactly as the public results page shows
them (``surveys:results_public``): counts and shares per choice, number summaries, the
breakdowns by sex, age group and municipality with the same small-group suppression, the
comparison with the population and the weighted figures where the page shows them. Free-text
answers are never published (only how many there are); nor are the themes.

The dataset ``surveys.results`` (nightly dump) is made from the same output schemas.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import numpy as np
from django.db.models import Count, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from delaktig.core.api import ErrorOut, Page, PageParams, absolute_url, paginate, within
from delaktig.core.errors import NotFound
from delaktig.organisations.api import organisation_by_slug
from delaktig.organisations.models import Organisation
from delaktig.participation.models import Phase
from delaktig.participation.workflow import PUBLIC_STATUSES

from .models import Response, Survey
from .results import (
    Breakdown,
    QuestionResult,
    RepresentativenessView,
    SurveyResults,
    _groupings,
    _Respondents,
    survey_results,
)

router = Router()

BREAKDOWN_VARIABLES = ("sex", "age", "municipality")


# --- Shared helpers ----------------------------------------------------------------------------


def number(value: float | None) -> float | None:
    """A figure for JSON: None for a missing or not finite one (no NaN in the body)."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


# --- Which surveys are public ------------------------------------------------------------------


def public_surveys(now: datetime | None = None) -> QuerySet[Survey]:
    """The surveys whose results page is public (``views.results_public``): results made
    public, the process public, and the (first) answering phase over."""
    moment = now or timezone.now()
    first_phase = Phase.objects.filter(module_id=OuterRef("module_id"), phase_type="answering")
    submitted = Q(responses__submitted_at__isnull=False)
    return (
        Survey.objects.filter(
            results_public=True,
            module__process__status__in=[s.value for s in PUBLIC_STATUSES],
        )
        .annotate(
            answering_starts=Subquery(first_phase.order_by("starts_at").values("starts_at")[:1]),
            answering_ends=Subquery(first_phase.order_by("starts_at").values("ends_at")[:1]),
        )
        .filter(answering_ends__lte=moment)
        .annotate(respondents=Count("responses", filter=submitted))
        .select_related("module__process__organisation")
    )


# --- Output ------------------------------------------------------------------------------------


class SurveyProcessRef(Schema):
    slug: str
    title: str


class SurveyOut(Schema):
    id: int
    module_id: int = Field(description="The survey's participation module (its page address).")
    title: str
    organisation: str = Field(description="The organisation's slug.")
    process: SurveyProcessRef
    access: str = Field(description="`anonymous`, `account` or `invitation`.")
    answering_starts: datetime | None
    answering_ends: datetime | None = Field(description="When answering closed.")
    respondents: int = Field(description="Submitted responses.")
    url: str = Field(description="The public results page.")
    results: str = Field(description="The results in this API.")

    @staticmethod
    def resolve_title(obj: Survey) -> str:
        return str(obj.module.title)

    @staticmethod
    def resolve_organisation(obj: Survey) -> str:
        return str(obj.module.process.organisation.slug)

    @staticmethod
    def resolve_process(obj: Survey) -> dict[str, str]:
        process = obj.module.process
        return {"slug": process.slug, "title": process.title}

    @staticmethod
    def resolve_url(obj: Survey) -> str:
        return absolute_url(reverse("surveys:results_public", kwargs={"module_pk": obj.module_id}))

    @staticmethod
    def resolve_results(obj: Survey) -> str:
        return absolute_url(f"/api/v1/surveys/{obj.pk}/results")


class SurveyGroupOut(Schema):
    group: str = Field(description="The group's key: a sex, an age group or a kommunkod.")
    label: str
    respondents: int | None = Field(description="Null: fewer than the smallest group shown.")
    respondent_share: float | None = Field(description="Null when suppressed.")
    population_share: float | None
    response_rate_ratio: float | None = Field(
        None, description="Share of respondents / share of the population (null: suppressed)."
    )


class RepresentativenessOut(Schema):
    variable: str = Field(description="`sex`, `age` or `municipality`.")
    title: str
    index: float | None = Field(
        None, description="Representativeness index, 1 when respondents mirror the population."
    )
    unknown: int | None = Field(
        None, description="Respondents not in the comparison; null when too few to show."
    )
    groups: list[SurveyGroupOut]


class WeightingOut(Schema):
    margins: list[str] = Field(description="The variables weighted on.")
    error: str | None = Field(description="Why the weighting failed, or null.")
    included: int = Field(description="Responses in the weighted results.")
    excluded: int
    iterations: int | None = None
    max_relative_error: float | None = None
    trimmed: bool | None = None
    design_effect: float | None = Field(None, description="Kish design effect.")
    efficiency: float | None = None
    effective_n: float | None = None


class ChoiceOut(Schema):
    id: int
    label: str
    count: int
    share: float | None
    margin: float | None = Field(description="± at 95 %, as a share.")
    weighted_share: float | None = Field(description="Null unless the results are weighted.")
    weighted_margin: float | None


class CellOut(Schema):
    choice_id: int
    count: int | None = Field(description="Null: suppressed (a small group or cell).")
    share: float | None = Field(description="Of the group's respondents; null when suppressed.")
    suppressed: bool


class BreakdownRowOut(Schema):
    group: str = Field(description="A sex, an age group, a kommunkod, `annan` or `` (no answer).")
    label: str
    respondents: int | None = Field(description="Null: suppressed.")
    cells: list[CellOut]


class BreakdownOut(Schema):
    variable: str = Field(description="`sex`, `age` or `municipality`.")
    title: str
    rows: list[BreakdownRowOut]


class NumberOut(Schema):
    n: int
    mean: float | None
    median: float | None
    margin: float | None
    weighted_mean: float | None
    weighted_margin: float | None


class QuestionOut(Schema):
    id: int
    section: str
    position: int = Field(description="The question's place in the survey, from 1.")
    text: str
    kind: str = Field(description="`single`, `multiple`, `scale`, `text` or `number`.")
    answered: int
    choices: list[ChoiceOut]
    breakdowns: list[BreakdownOut]
    number: NumberOut | None
    free_text_answers: int = Field(
        description="How many free-text answers there are; their texts are not published."
    )


class SurveyResultsOut(Schema):
    survey: SurveyOut
    respondents: int
    min_group_size: int = Field(description="Groups and cells smaller than this are null.")
    population_table: str | None = Field(description="The population compared with.")
    population_synthetic: bool | None = Field(description="The population table is made up.")
    population_missing: list[str]
    representativeness: list[RepresentativenessOut]
    weighting: WeightingOut | None
    questions: list[QuestionOut]


def representativeness_out(
    view: RepresentativenessView, *, with_ratio: bool = True
) -> dict[str, Any]:
    """A comparison with the population as the page shows it; ``with_ratio`` False for the
    budget page, which shows neither the index, the unknowns nor the response ratio."""
    groups = []
    for g in view.comparison.groups:
        hidden = g.label in view.hidden
        groups.append(
            {
                "group": g.label,
                "label": str(view.labels.get(g.label, g.label)),
                "respondents": None if hidden else g.respondents,
                "respondent_share": None if hidden else number(g.respondent_share),
                "population_share": number(g.population_share),
                "response_rate_ratio": None
                if hidden or not with_ratio
                else number(g.response_rate_ratio),
            }
        )
    return {
        "variable": view.variable,
        "title": str(view.title),
        "index": number(view.comparison.index) if with_ratio else None,
        "unknown": view.unknown if with_ratio else None,
        "groups": groups,
    }


def _group_keys(results: SurveyResults) -> list[dict[str, str]]:
    """Label → key per breakdown (a breakdown keeps only its groups' labels), from the page's
    own groupings."""
    organisation = results.survey.module.process.organisation
    municipalities = list(organisation.municipalities.order_by("code").values_list("code", "name"))
    nobody = _Respondents(
        row_of={}, ages=[], sexes=[], raw_sexes=[], places=[], elsewhere=np.array([], dtype=bool)
    )
    return [
        {str(label): key for key, label in order}
        for _title, _keys, order in _groupings(nobody, municipalities)
    ]


def _breakdown(
    variable: str, breakdown: Breakdown, keys: dict[str, str], choice_ids: list[int]
) -> dict[str, Any]:
    rows = []
    for row in breakdown.rows:
        rows.append(
            {
                "group": keys.get(row.label, row.label),
                "label": row.label,
                "respondents": row.total,
                "cells": [
                    {
                        "choice_id": choice_id,
                        "count": cell.count,
                        "share": number(share),
                        "suppressed": cell.suppressed,
                    }
                    for choice_id, (cell, share) in zip(choice_ids, row.cells, strict=True)
                ],
            }
        )
    return {"variable": variable, "title": breakdown.title, "rows": rows}


def _question(
    result: QuestionResult, position: int, weighted: bool, keys: list[dict[str, str]]
) -> dict[str, Any]:
    question = result.question
    choice_ids = [choice.pk for choice, _share in result.choices]
    summary = result.number
    return {
        "id": question.pk,
        "section": question.section.title,
        "position": position,
        "text": question.text,
        "kind": question.kind,
        "answered": result.answered,
        "choices": [
            {
                "id": choice.pk,
                "label": choice.label,
                "count": share.count,
                "share": number(share.share),
                "margin": number(share.margin),
                "weighted_share": number(share.weighted_share) if weighted else None,
                "weighted_margin": number(share.weighted_margin) if weighted else None,
            }
            for choice, share in result.choices
        ],
        "breakdowns": [
            _breakdown(variable, breakdown, keys[i], choice_ids)
            for i, (variable, breakdown) in enumerate(
                zip(BREAKDOWN_VARIABLES, result.breakdowns, strict=False)
            )
        ]
        if result.choices
        else [],
        "number": None
        if summary is None
        else {
            "n": summary.n,
            "mean": number(summary.mean),
            "median": number(summary.median),
            "margin": number(summary.margin),
            "weighted_mean": number(summary.weighted_mean),
            "weighted_margin": number(summary.weighted_margin),
        },
        "free_text_answers": result.texts if question.kind == "text" else 0,
    }


def results_out(survey: Survey) -> dict[str, Any]:
    """What the public results page shows, as the API gives it."""
    results = survey_results(survey)
    weighting = results.weighting
    outcome = weighting.outcome if weighting is not None else None
    keys = _group_keys(results)
    table = survey.population_table if results.representativeness else None
    return {
        "survey": survey,
        "respondents": results.respondents,
        "min_group_size": results.min_group_size,
        "population_table": table.name if table is not None else None,
        "population_synthetic": bool(table.is_synthetic) if table is not None else None,
        "population_missing": [str(name) for name in results.population_missing]
        if table is not None
        else [],
        "representativeness": [representativeness_out(v) for v in results.representativeness],
        "weighting": None
        if weighting is None
        else {
            "margins": list(weighting.margins),
            "error": weighting.error,
            "included": weighting.included,
            "excluded": weighting.excluded,
            "iterations": outcome.iterations if outcome else None,
            "max_relative_error": number(outcome.max_relative_error) if outcome else None,
            "trimmed": outcome.trimmed if outcome else None,
            "design_effect": number(outcome.design_effect) if outcome else None,
            "efficiency": number(outcome.efficiency) if outcome else None,
            "effective_n": number(outcome.effective_n) if outcome else None,
        },
        "questions": [
            _question(result, position, outcome is not None, keys)
            for position, result in enumerate(results.questions, start=1)
        ],
    }


# --- Endpoints ---------------------------------------------------------------------------------


class SurveyFilters(Schema):
    organisation: str | None = Field(None, max_length=100, description="An organisation's slug.")
    process: str | None = Field(None, max_length=200, description="A process's slug.")
    closed_from: date | None = Field(None, description="Answering closed on or after this day.")
    closed_to: date | None = Field(None, description="Answering closed on or before this day.")


@router.get(
    "/",
    response={200: Page[SurveyOut], 400: ErrorOut, 429: ErrorOut},
    summary="Surveys with published results",
    description="Surveys whose results page is public: the results were made public and "
    "answering has closed. Follow `results` for the figures.",
    operation_id="surveys_list",
)
def surveys_list(
    request: HttpRequest, page: Query[PageParams], filters: Query[SurveyFilters]
) -> dict[str, Any]:
    surveys = public_surveys()
    if filters.organisation:
        organisation = organisation_by_slug(filters.organisation)
        surveys = surveys.filter(module__process__organisation=organisation)
    if filters.process:
        surveys = surveys.filter(module__process__slug=filters.process)
    surveys = within(surveys, "answering_ends__date", filters.closed_from, filters.closed_to)
    return paginate(request, surveys, page)


@router.get(
    "/{survey_id}/results",
    response={200: SurveyResultsOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="A survey's published results",
    description="Counts and shares per choice, number summaries, breakdowns by sex, age "
    "group and municipality, the comparison with the population and weighted figures, as "
    "the public results page shows them. Groups and cells with fewer respondents than "
    "`min_group_size` are null (`suppressed`), as on the page.",
    operation_id="surveys_results",
)
def surveys_results(request: HttpRequest, survey_id: int) -> dict[str, Any]:
    survey = (
        public_surveys().select_related("population_table").filter(pk=survey_id).first()
        if 0 < survey_id < 2**63
        else None
    )
    if survey is None:
        raise NotFound()
    return results_out(survey)


# --- The dataset -------------------------------------------------------------------------------


def _organisation_surveys(organisation: Organisation) -> Iterator[Survey]:
    surveys = public_surveys().select_related("population_table")
    yield from surveys.filter(module__process__organisation=organisation).order_by("pk")


def survey_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    for survey in _organisation_surveys(organisation):
        shown = SurveyOut.from_orm(survey).model_dump(mode="json")
        yield {
            "survey_id": shown["id"],
            "title": shown["title"],
            "organisation": shown["organisation"],
            "process": shown["process"]["slug"],
            "answering_ends": shown["answering_ends"],
            "respondents": shown["respondents"],
            "url": shown["url"],
        }


def _results(organisation: Organisation) -> Iterator[tuple[int, dict[str, Any]]]:
    for survey in _organisation_surveys(organisation):
        shown = SurveyResultsOut.model_validate(results_out(survey)).model_dump(mode="json")
        for question in shown["questions"]:
            yield survey.pk, question


def choice_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    for survey_id, q in _results(organisation):
        for choice in q["choices"]:
            yield {
                "survey_id": survey_id,
                "question_id": q["id"],
                "position": q["position"],
                "question": q["text"],
                "kind": q["kind"],
                "answered": q["answered"],
                "choice_id": choice["id"],
                "choice": choice["label"],
                "count": choice["count"],
                "share": choice["share"],
                "margin": choice["margin"],
                "weighted_share": choice["weighted_share"],
                "weighted_margin": choice["weighted_margin"],
            }


def question_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    for survey_id, q in _results(organisation):
        summary = q["number"] or {}
        yield {
            "survey_id": survey_id,
            "question_id": q["id"],
            "position": q["position"],
            "question": q["text"],
            "kind": q["kind"],
            "answered": q["answered"],
            "free_text_answers": q["free_text_answers"],
            "n": summary.get("n"),
            "mean": summary.get("mean"),
            "median": summary.get("median"),
            "margin": summary.get("margin"),
            "weighted_mean": summary.get("weighted_mean"),
            "weighted_margin": summary.get("weighted_margin"),
        }


def breakdown_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    """One row per question × group × choice; a suppressed count or group size is empty."""
    for survey_id, q in _results(organisation):
        for breakdown in q["breakdowns"]:
            for row in breakdown["rows"]:
                for cell in row["cells"]:
                    yield {
                        "survey_id": survey_id,
                        "question_id": q["id"],
                        "variable": breakdown["variable"],
                        "group": row["group"],
                        "label": row["label"],
                        "respondents": row["respondents"],
                        "choice_id": cell["choice_id"],
                        "count": cell["count"],
                        "share": cell["share"],
                    }


def coverage(organisation: Organisation) -> tuple[date | None, date | None]:
    found = (
        public_surveys()
        .filter(module__process__organisation=organisation)
        .aggregate(first=Min("answering_starts"), last=Max("answering_ends"))
    )
    first, last = found["first"], found["last"]
    return (
        timezone.localdate(first) if first else None,
        timezone.localdate(last) if last else None,
    )


def modified(organisation: Organisation) -> datetime | None:
    found = (
        Response.objects.filter(
            survey__in=public_surveys().filter(module__process__organisation=organisation),
            submitted_at__isnull=False,
        )
        .aggregate(last=Max("submitted_at"))
        .get("last")
    )
    return found if isinstance(found, datetime) else None
