"""Open-data API: strategies, their goals and action plans, activities, indicators and values.

Only what the public follow-up pages show: published strategies, and their published plans
with the plans' focus areas and activities. An activity's contact is given by name only (as on
its page, without the e-mail address); progress notes without their authors; linked
participation processes only when they are public. Indicators and their values belong to
published strategies. Texts are the organisation's own, in Swedish.

No endpoint here sends ``Last-Modified`` (ETag only): every item shows parts without a
date of their own (goals, focus areas, links), so a date could wrongly claim "unchanged".

The same schemas give the rows of the nightly dumps (``*_rows``), flattened for CSV.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Annotated, Any

from django.db.models import Count, F, Max, Min, Prefetch, Q, QuerySet
from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from pydantic import Field

from delaktig.core.api import ErrorOut, Page, PageParams, absolute_url, flat_row, paginate
from delaktig.core.errors import NotFound
from delaktig.organisations.api import organisation_by_slug
from delaktig.organisations.models import Organisation
from delaktig.participation.models import Perspective, Process, SdgTarget

from .models import (
    ActionPlan,
    Activity,
    FocusArea,
    GenderEqualityGoal,
    Goal,
    Indicator,
    IndicatorValue,
    ProgressNote,
    Sex,
    Strategy,
)
from .status import ActivityStatus

router = Router()

CHUNK = 2000
MAX_ID = 2**63 - 1


# --- Output schemas -------------------------------------------------------------------------


class GenderEqualityGoalOut(Schema):
    number: int = Field(description="The gender-equality policy sub-goal's number, 1–6.")
    name: str = Field(description="The sub-goal's name (Swedish).")


class FollowupSdgTargetOut(Schema):
    code: str = Field(description="Agenda 2030 target, e.g. `5.5`.")
    goal: int = Field(description="The Agenda 2030 goal number the target belongs to.")
    title_en: str = Field(description="The target's official English title.")

    @staticmethod
    def resolve_goal(obj: SdgTarget) -> int:
        return obj.goal.number


class PerspectiveOut(Schema):
    code: str = Field(description="The perspective's stable code.")
    name: str = Field(description="The perspective's name (Swedish).")

    @staticmethod
    def resolve_name(obj: Perspective) -> str:
        return str(obj)


class GoalRefOut(Schema):
    number: str = Field(description="The goal's number in its strategy, e.g. `2.3`.")
    id: int
    title: str


class GoalOut(Schema):
    id: int
    number: str = Field(description="The goal's number in its strategy, e.g. `2.3`.")
    position: int
    title: str
    description: str
    gender_equality_goals: list[GenderEqualityGoalOut] = Field(
        description="Gender-equality policy sub-goals the goal contributes to."
    )
    sdg_targets: list[FollowupSdgTargetOut] = Field(description="Agenda 2030 targets of the goal.")

    @staticmethod
    def resolve_gender_equality_goals(obj: Goal) -> list[GenderEqualityGoal]:
        return list(obj.gender_equality_goals.all())

    @staticmethod
    def resolve_sdg_targets(obj: Goal) -> list[SdgTarget]:
        return list(obj.sdg_targets.all())


class PlanRefOut(Schema):
    id: int
    slug: str
    title: str
    start_year: int
    end_year: int


class StrategyOut(Schema):
    id: int
    slug: str = Field(description="Used as `strategy` in the other follow-up filters.")
    url: str = Field(description="The strategy's public page.")
    organisation: str = Field(description="The owning organisation's slug.")
    title: str
    summary: str
    body: str = Field(description="The description, as Markdown.")
    adopted_by: str | None = Field(description="The body that adopted the strategy.")
    decision_date: date | None
    decision_reference: str = Field(description="Case number or minutes paragraph.")
    start_year: int
    end_year: int
    revision_cycle: str = Field(description="`yearly`, `term`, `end` or `other`.")
    next_review: date | None
    perspectives: list[PerspectiveOut]
    joinable: bool = Field(description="Whether other actors may join the strategy.")
    updated: datetime

    @staticmethod
    def resolve_url(obj: Strategy) -> str:
        return absolute_url(obj.get_absolute_url())

    @staticmethod
    def resolve_organisation(obj: Strategy) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_adopted_by(obj: Strategy) -> str | None:
        return obj.adopted_by.name if obj.adopted_by else None

    @staticmethod
    def resolve_perspectives(obj: Strategy) -> list[Perspective]:
        return list(obj.perspectives.all())


class StrategyDetailOut(StrategyOut):
    goals: list[GoalOut]
    plans: list[PlanRefOut] = Field(description="The strategy's published action plans.")

    @staticmethod
    def resolve_goals(obj: Strategy) -> list[Goal]:
        return list(obj.goals.all())

    @staticmethod
    def resolve_plans(obj: Strategy) -> list[ActionPlan]:
        return list(obj.plans.all())


class StatusCountsOut(Schema):
    """How many of the plan's activities have each status."""

    not_started: int
    ongoing: int
    done: int
    postponed: int
    cancelled: int


class FocusAreaOut(Schema):
    id: int
    position: int
    title: str
    description: str
    goals: list[GoalRefOut] = Field(description="The strategy's goals the area contributes to.")

    @staticmethod
    def resolve_goals(obj: FocusArea) -> list[Goal]:
        return list(obj.goals.all())


class PlanOut(Schema):
    id: int = Field(description="Used as `plan` in the activity filters.")
    slug: str
    url: str = Field(description="The plan's public page.")
    organisation: str = Field(description="The owning organisation's slug.")
    strategy: str = Field(description="The strategy's slug.")
    title: str
    summary: str
    start_year: int
    end_year: int
    adopted_by: str | None = Field(description="The body that adopted the plan.")
    decision_date: date | None
    decision_reference: str
    activities: StatusCountsOut = Field(description="The plan's activities by status.")
    updated: datetime

    @staticmethod
    def resolve_url(obj: ActionPlan) -> str:
        return absolute_url(obj.get_absolute_url())

    @staticmethod
    def resolve_organisation(obj: ActionPlan) -> str:
        return obj.strategy.organisation.slug

    @staticmethod
    def resolve_strategy(obj: ActionPlan) -> str:
        return obj.strategy.slug

    @staticmethod
    def resolve_adopted_by(obj: ActionPlan) -> str | None:
        return obj.adopted_by.name if obj.adopted_by else None

    @staticmethod
    def resolve_activities(obj: ActionPlan) -> dict[str, int]:
        return {status: getattr(obj, f"count_{status}", 0) for status in ActivityStatus.values}


class PlanDetailOut(PlanOut):
    areas: list[FocusAreaOut] = Field(description="The plan's focus areas, in order.")

    @staticmethod
    def resolve_areas(obj: ActionPlan) -> list[FocusArea]:
        return list(obj.areas.all())


class AreaRefOut(Schema):
    id: int
    position: int
    title: str


class ProcessRefOut(Schema):
    slug: str = Field(description="The participation process's slug.")
    title: str
    url: str

    @staticmethod
    def resolve_url(obj: Process) -> str:
        return absolute_url(obj.get_absolute_url())


class FollowupActivityOut(Schema):
    id: int
    code: str = Field(description="The activity's number in the plan: area.position.")
    url: str = Field(description="The activity's public page.")
    organisation: str = Field(description="The owning organisation's slug.")
    strategy: str = Field(description="The strategy's slug.")
    plan: int = Field(description="The action plan's id.")
    area: AreaRefOut = Field(description="The focus area the activity belongs to.")
    title: str
    description: str
    responsible_unit: str
    contact_name: str = Field(description="The contact person's name, as the public page.")
    start_year: int | None
    end_year: int | None
    status: ActivityStatus = Field(description="The activity's current status.")
    status_reason: str = Field(description="Why it was postponed or cancelled.")
    progress: int | None = Field(description="How far it has come, in percent.")
    status_changed_at: datetime | None
    goals: list[GoalRefOut] = Field(description="The strategy's goals it contributes to.")
    sdg_targets: list[FollowupSdgTargetOut]
    gender_equality_goals: list[GenderEqualityGoalOut]
    perspectives: list[PerspectiveOut]
    processes: list[ProcessRefOut] = Field(
        description="The public participation processes behind the activity."
    )
    updated: datetime

    @staticmethod
    def resolve_url(obj: Activity) -> str:
        return absolute_url(obj.get_absolute_url())

    @staticmethod
    def resolve_organisation(obj: Activity) -> str:
        return obj.area.plan.strategy.organisation.slug

    @staticmethod
    def resolve_strategy(obj: Activity) -> str:
        return obj.area.plan.strategy.slug

    @staticmethod
    def resolve_plan(obj: Activity) -> int:
        return obj.area.plan_id

    @staticmethod
    def resolve_goals(obj: Activity) -> list[Goal]:
        return list(obj.goals.all())

    @staticmethod
    def resolve_sdg_targets(obj: Activity) -> list[SdgTarget]:
        return list(obj.sdg_targets.all())

    @staticmethod
    def resolve_gender_equality_goals(obj: Activity) -> list[GenderEqualityGoal]:
        return list(obj.gender_equality_goals.all())

    @staticmethod
    def resolve_perspectives(obj: Activity) -> list[Perspective]:
        return list(obj.perspectives.all())

    @staticmethod
    def resolve_processes(obj: Activity) -> list[Process]:
        return list(obj.processes.all())


class ProgressNoteOut(Schema):
    created: datetime
    text: str
    previous_status: ActivityStatus | None = Field(description="The status before this note.")
    status: ActivityStatus
    status_reason: str
    progress: int | None = Field(description="How far it had come, in percent.")

    @staticmethod
    def resolve_previous_status(obj: ProgressNote) -> str | None:
        return obj.previous_status or None


class ActivityDetailOut(FollowupActivityOut):
    notes: list[ProgressNoteOut] = Field(description="Progress notes, newest first.")

    @staticmethod
    def resolve_notes(obj: Activity) -> list[ProgressNote]:
        return list(obj.notes.all())


class IndicatorOut(Schema):
    id: int = Field(description="Used as `indicator` in the value filters.")
    url: str = Field(description="The indicator's public page.")
    organisation: str = Field(description="The owning organisation's slug.")
    strategy: str = Field(description="The strategy's slug.")
    goal: GoalRefOut | None = Field(description="The strategy's goal the indicator measures.")
    position: int
    name: str
    description: str
    unit: str
    source: str
    source_url: str
    kolada_kpi: str = Field(description="The Kolada KPI id, e.g. `N00945`, or empty.")
    direction: str = Field(description="`increase` (higher is better) or `decrease`.")
    about_people: bool
    by_sex: bool = Field(description="Whether values are kept by sex.")
    sex_note: str = Field(description="Why statistics about people are not by sex.")
    baseline_year: int | None
    baseline_value: float | None
    target_year: int | None
    target_value: float | None
    updated: datetime

    @staticmethod
    def resolve_url(obj: Indicator) -> str:
        return absolute_url(obj.get_absolute_url())

    @staticmethod
    def resolve_organisation(obj: Indicator) -> str:
        return obj.strategy.organisation.slug

    @staticmethod
    def resolve_strategy(obj: Indicator) -> str:
        return obj.strategy.slug


class IndicatorValueOut(Schema):
    indicator: int = Field(description="The indicator's id.")
    year: int
    sex: Sex = Field(description="`alla` (total), `kvinna` (women) or `man` (men).")
    municipality: str | None = Field(
        description="SCB kommunkod; null for the organisation's whole area."
    )
    municipality_name: str | None
    value: float
    updated: datetime

    @staticmethod
    def resolve_indicator(obj: IndicatorValue) -> int:
        return obj.indicator_id

    @staticmethod
    def resolve_municipality(obj: IndicatorValue) -> str | None:
        return obj.municipality.code if obj.municipality else None

    @staticmethod
    def resolve_municipality_name(obj: IndicatorValue) -> str | None:
        return obj.municipality.name if obj.municipality else None


class IndicatorDetailOut(IndicatorOut):
    values: list[IndicatorValueOut] = Field(
        description="The measured values by year, sex and municipality (`year` filters them)."
    )

    @staticmethod
    def resolve_values(obj: Indicator) -> list[IndicatorValue]:
        return list(obj.values.all())


# --- Filters --------------------------------------------------------------------------------


class OrganisationFilter(Schema):
    organisation: str | None = Field(None, max_length=100, description="An organisation's slug.")


class StrategyFilters(OrganisationFilter):
    goal: int | None = Field(
        None, ge=1, le=17, description="Agenda 2030 goal number its goals contribute to."
    )


class PlanFilters(OrganisationFilter):
    strategy: str | None = Field(None, max_length=100, description="A strategy's slug.")


class ActivityFilters(PlanFilters):
    plan: int | None = Field(None, ge=1, le=MAX_ID, description="An action plan's id.")
    status: ActivityStatus | None = None
    goal: int | None = Field(None, ge=1, le=17, description="Agenda 2030 goal number.")
    gender_equality_goal: int | None = Field(
        None, ge=1, le=6, description="Gender-equality policy sub-goal number."
    )
    perspective: Perspective.Code | None = Field(None, description="A perspective's code.")


class IndicatorFilters(PlanFilters):
    goal: int | None = Field(
        None, ge=1, le=17, description="Agenda 2030 goal number of the goal it measures."
    )


class YearFilter(Schema):
    year: int | None = Field(None, ge=1, le=9999, description="Only the values of this year.")


class ValueFilters(PlanFilters):
    indicator: int | None = Field(None, ge=1, le=MAX_ID, description="An indicator's id.")
    year: int | None = Field(None, ge=1, le=9999)
    sex: Sex | None = None


# --- What is public -------------------------------------------------------------------------


def _targets() -> Prefetch[Any]:
    return Prefetch(
        "sdg_targets",
        queryset=SdgTarget.objects.select_related("goal").order_by("goal__number", "position"),
    )


def _gender_goals() -> Prefetch[Any]:
    return Prefetch("gender_equality_goals", queryset=GenderEqualityGoal.objects.order_by("number"))


def _perspectives() -> Prefetch[Any]:
    return Prefetch("perspectives", queryset=Perspective.objects.order_by("id"))


def _goal_refs() -> Prefetch[Any]:
    return Prefetch("goals", queryset=Goal.objects.order_by("position", "id"))


def public_strategies() -> QuerySet[Strategy]:
    return (
        Strategy.objects.published()
        .select_related("organisation", "adopted_by")
        .prefetch_related(_perspectives())
    )


def _strategies(filters: StrategyFilters) -> QuerySet[Strategy]:
    strategies = public_strategies()
    if filters.organisation:
        strategies = strategies.filter(organisation=organisation_by_slug(filters.organisation))
    if filters.goal:
        strategies = strategies.filter(
            pk__in=Goal.objects.filter(sdg_targets__goal__number=filters.goal).values("strategy_id")
        )
    return strategies


def public_plans() -> QuerySet[ActionPlan]:
    counts = {
        f"count_{status}": Count("areas__activities", filter=Q(areas__activities__status=status))
        for status in ActivityStatus.values
    }
    return (
        ActionPlan.objects.filter(published=True, strategy__published=True)
        .select_related("strategy__organisation", "adopted_by")
        .annotate(**counts)
    )


def _scope(queryset: QuerySet[Any], filters: PlanFilters, strategy_path: str) -> QuerySet[Any]:
    if filters.organisation:
        organisation = organisation_by_slug(filters.organisation)
        queryset = queryset.filter(**{f"{strategy_path}organisation": organisation})
    if filters.strategy:
        queryset = queryset.filter(**{f"{strategy_path}slug": filters.strategy})
    return queryset


def public_activities() -> QuerySet[Activity]:
    return Activity.objects.filter(
        area__plan__published=True, area__plan__strategy__published=True
    ).select_related("area__plan__strategy__organisation")


def _activity_details(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    return activities.prefetch_related(
        _goal_refs(),
        _targets(),
        _gender_goals(),
        _perspectives(),
        Prefetch(
            "processes",
            queryset=Process.objects.public().only("id", "slug", "title").order_by("id"),
        ),
    )


def _activities(filters: ActivityFilters) -> QuerySet[Activity]:
    activities = _scope(public_activities(), filters, "area__plan__strategy__")
    if filters.plan:
        activities = activities.filter(area__plan_id=filters.plan)
    if filters.status:
        activities = activities.filter(status=filters.status)
    linked: dict[str, Any] = {}
    if filters.goal:
        linked["sdg_targets__goal__number"] = filters.goal
    if filters.gender_equality_goal:
        linked["gender_equality_goals__number"] = filters.gender_equality_goal
    if filters.perspective:
        linked["perspectives__code"] = filters.perspective
    for lookup, value in linked.items():
        activities = activities.filter(
            pk__in=Activity.objects.filter(**{lookup: value}).values("pk")
        )
    return _activity_details(activities)


def public_indicators() -> QuerySet[Indicator]:
    return Indicator.objects.filter(strategy__published=True).select_related(
        "strategy__organisation", "goal"
    )


def public_values() -> QuerySet[IndicatorValue]:
    return IndicatorValue.objects.filter(indicator__strategy__published=True).select_related(
        "municipality"
    )


def _values_ordered() -> QuerySet[IndicatorValue]:
    # The whole area first, then each municipality (the same on SQLite and PostgreSQL).
    return public_values().order_by(
        "year", F("municipality__code").asc(nulls_first=True), "sex", "id"
    )


# --- Endpoints ------------------------------------------------------------------------------

LIST_ERRORS: dict[int, Any] = {400: ErrorOut, 429: ErrorOut}
DETAIL_ERRORS: dict[int, Any] = {400: ErrorOut, 404: ErrorOut, 429: ErrorOut}


@router.get(
    "/strategies/",
    response={200: Page[StrategyOut], **LIST_ERRORS},
    summary="Strategies",
    description="Published strategies. Filter by organisation and by Agenda 2030 goal.",
    operation_id="followup_strategies_list",
)
def strategies_list(
    request: HttpRequest, page: Query[PageParams], filters: Query[StrategyFilters]
) -> dict[str, Any]:
    return paginate(request, _strategies(filters), page)


@router.get(
    "/strategies/{slug}",
    response={200: StrategyDetailOut, **DETAIL_ERRORS},
    summary="One strategy",
    description="A published strategy with its goals and its published action plans.",
    operation_id="followup_strategies_get",
)
def strategies_get(
    request: HttpRequest,
    slug: Path[Annotated[str, Field(max_length=80, pattern=r"^[-a-zA-Z0-9_]+$")]],
) -> Strategy:
    strategy = (
        public_strategies()
        .prefetch_related(
            Prefetch(
                "goals",
                queryset=Goal.objects.order_by("position", "id").prefetch_related(
                    _gender_goals(), _targets()
                ),
            ),
            Prefetch(
                "plans",
                queryset=ActionPlan.objects.filter(published=True).order_by("-start_year", "id"),
            ),
        )
        .filter(slug=slug)
        .first()
    )
    if strategy is None:
        raise NotFound()
    return strategy


@router.get(
    "/plans/",
    response={200: Page[PlanOut], **LIST_ERRORS},
    summary="Action plans",
    description="Published action plans of published strategies, with activity counts.",
    operation_id="followup_plans_list",
)
def plans_list(
    request: HttpRequest, page: Query[PageParams], filters: Query[PlanFilters]
) -> dict[str, Any]:
    return paginate(request, _scope(public_plans(), filters, "strategy__"), page)


@router.get(
    "/plans/{plan_id}",
    response={200: PlanDetailOut, **DETAIL_ERRORS},
    summary="One action plan",
    description="A published action plan with its focus areas.",
    operation_id="followup_plans_get",
)
def plans_get(request: HttpRequest, plan_id: int) -> ActionPlan:
    plan = (
        public_plans()
        .prefetch_related(
            Prefetch(
                "areas",
                queryset=FocusArea.objects.order_by("position", "id").prefetch_related(
                    _goal_refs()
                ),
            )
        )
        .filter(pk=plan_id)
        .first()
    )
    if plan is None:
        raise NotFound()
    return plan


@router.get(
    "/activities/",
    response={200: Page[FollowupActivityOut], **LIST_ERRORS},
    summary="Activities",
    description=(
        "The activities of published action plans: status with its reason, progress, and "
        "links to goals, Agenda 2030 targets, gender-equality sub-goals, perspectives and "
        "public participation processes."
    ),
    operation_id="followup_activities_list",
)
def activities_list(
    request: HttpRequest, page: Query[PageParams], filters: Query[ActivityFilters]
) -> dict[str, Any]:
    return paginate(request, _activities(filters), page)


@router.get(
    "/activities/{activity_id}",
    response={200: ActivityDetailOut, **DETAIL_ERRORS},
    summary="One activity",
    description="An activity of a published plan, with its progress notes.",
    operation_id="followup_activities_get",
)
def activities_get(request: HttpRequest, activity_id: int) -> Activity:
    activity = (
        _activity_details(public_activities())
        .prefetch_related(
            Prefetch("notes", queryset=ProgressNote.objects.order_by("-created", "-id"))
        )
        .filter(pk=activity_id)
        .first()
    )
    if activity is None:
        raise NotFound()
    return activity


@router.get(
    "/indicators/",
    response={200: Page[IndicatorOut], **LIST_ERRORS},
    summary="Indicators",
    description="The indicators of published strategies.",
    operation_id="followup_indicators_list",
)
def indicators_list(
    request: HttpRequest, page: Query[PageParams], filters: Query[IndicatorFilters]
) -> dict[str, Any]:
    indicators = _scope(public_indicators(), filters, "strategy__")
    if filters.goal:
        indicators = indicators.filter(
            goal__in=Goal.objects.filter(sdg_targets__goal__number=filters.goal).values("pk")
        )
    return paginate(request, indicators, page)


@router.get(
    "/indicators/{indicator_id}",
    response={200: IndicatorDetailOut, **DETAIL_ERRORS},
    summary="One indicator",
    description="An indicator with its values (by sex where the data allows).",
    operation_id="followup_indicators_get",
)
def indicators_get(
    request: HttpRequest, indicator_id: int, filters: Query[YearFilter]
) -> Indicator:
    values = _values_ordered()
    if filters.year:
        values = values.filter(year=filters.year)
    indicator = (
        public_indicators()
        .prefetch_related(Prefetch("values", queryset=values))
        .filter(pk=indicator_id)
        .first()
    )
    if indicator is None:
        raise NotFound()
    return indicator


@router.get(
    "/values/",
    response={200: Page[IndicatorValueOut], **LIST_ERRORS},
    summary="Indicator values",
    description=(
        "Every measured value of the indicators of published strategies: a year, the total "
        "or one sex, the whole area or one municipality."
    ),
    operation_id="followup_values_list",
)
def values_list(
    request: HttpRequest, page: Query[PageParams], filters: Query[ValueFilters]
) -> dict[str, Any]:
    values = _scope(public_values(), filters, "indicator__strategy__")
    if filters.indicator:
        values = values.filter(indicator_id=filters.indicator)
    if filters.year:
        values = values.filter(year=filters.year)
    if filters.sex:
        values = values.filter(sex=filters.sex)
    return paginate(request, values, page)


# --- The datasets (core.contributions.OpenDataset, see contributions.py) ---------------------


def _rows(
    schema: type[Schema], objects: Iterable[Any], nested: Mapping[str, type[Schema]] | None = None
) -> Iterator[dict[str, Any]]:
    for obj in objects:
        yield flat_row(schema.from_orm(obj).model_dump(mode="json"), nested or {})


def strategy_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    strategies = public_strategies().filter(organisation=organisation).order_by("pk")
    return _rows(StrategyOut, strategies.iterator(chunk_size=CHUNK))


def goal_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    goals = (
        Goal.objects.filter(strategy__published=True, strategy__organisation=organisation)
        .select_related("strategy")
        .prefetch_related(_gender_goals(), _targets())
        .order_by("pk")
    )
    for goal in goals.iterator(chunk_size=CHUNK):
        row = flat_row(GoalOut.from_orm(goal).model_dump(mode="json"), {})
        yield {"strategy": goal.strategy.slug, **row}


def plan_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    plans = public_plans().filter(strategy__organisation=organisation).order_by("pk")
    return _rows(PlanOut, plans.iterator(chunk_size=CHUNK), {"activities": StatusCountsOut})


def activity_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    activities = _activity_details(
        public_activities().filter(area__plan__strategy__organisation=organisation)
    ).order_by("pk")
    return _rows(FollowupActivityOut, activities.iterator(chunk_size=CHUNK), {"area": AreaRefOut})


def indicator_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    indicators = public_indicators().filter(strategy__organisation=organisation).order_by("pk")
    return _rows(IndicatorOut, indicators.iterator(chunk_size=CHUNK), {"goal": GoalRefOut})


def value_rows(organisation: Organisation) -> Iterator[dict[str, Any]]:
    values = public_values().filter(indicator__strategy__organisation=organisation)
    return _rows(IndicatorValueOut, values.order_by("pk").iterator(chunk_size=CHUNK))


def strategies_coverage(organisation: Organisation) -> tuple[date | None, date | None]:
    years = Strategy.objects.published().filter(organisation=organisation)
    found = years.aggregate(first=Min("start_year"), last=Max("end_year"))
    first, last = found["first"], found["last"]
    return (
        date(first, 1, 1) if first else None,
        date(last, 12, 31) if last else None,
    )


def strategies_modified(organisation: Organisation) -> datetime | None:
    moments = [
        Strategy.objects.published()
        .filter(organisation=organisation)
        .aggregate(at=Max("updated"))["at"],
        ActionPlan.objects.filter(
            published=True, strategy__published=True, strategy__organisation=organisation
        ).aggregate(at=Max("updated"))["at"],
        public_activities()
        .filter(area__plan__strategy__organisation=organisation)
        .aggregate(at=Max("updated"))["at"],
    ]
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


def indicators_coverage(organisation: Organisation) -> tuple[date | None, date | None]:
    values = public_values().filter(indicator__strategy__organisation=organisation)
    found = values.aggregate(first=Min("year"), last=Max("year"))
    first, last = found["first"], found["last"]
    return (
        date(first, 1, 1) if first else None,
        date(last, 12, 31) if last else None,
    )


def indicators_modified(organisation: Organisation) -> datetime | None:
    moments = [
        public_indicators()
        .filter(strategy__organisation=organisation)
        .aggregate(at=Max("updated"))["at"],
        public_values()
        .filter(indicator__strategy__organisation=organisation)
        .aggregate(at=Max("updated"))["at"],
    ]
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None
