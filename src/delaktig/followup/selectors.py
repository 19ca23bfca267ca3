"""Reads for the follow-up pages: what a person may see, fetched in a fixed number of queries."""

from collections import Counter
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from .models import ActionPlan, Activity, Indicator, IndicatorValue, Sex, Strategy
from .status import ActivityStatus


def visible_strategies(user: Any) -> QuerySet[Strategy]:
    """Published strategies, and the unpublished ones of organisations the user works for."""
    from delaktig.accounts.roles import is_administrator, staff_organisation_ids

    queryset = Strategy.objects.select_related("organisation", "adopted_by")
    if is_administrator(user):
        return queryset
    return queryset.filter(Q(published=True) | Q(organisation_id__in=staff_organisation_ids(user)))


def visible_plans(user: Any, strategy: Strategy) -> QuerySet[ActionPlan]:
    plans = strategy.plans.all()
    if not user.has_perm("followup.view_unpublished", strategy):
        plans = plans.filter(published=True)
    return plans


def status_counts(statuses: list[str]) -> list[tuple[str, str, int]]:
    """(code, label, count) for every status in the fixed order, zeros included."""
    counter = Counter(statuses)
    return [(code, str(label), counter.get(code, 0)) for code, label in ActivityStatus.choices]


def plan_activities(plan: ActionPlan) -> QuerySet[Activity]:
    return (
        Activity.objects.filter(area__plan=plan)
        .select_related("area")
        .prefetch_related("goals", "perspectives", "gender_equality_goals", "sdg_targets")
        .annotate(
            dialogue_count=Count("processes", filter=~Q(processes__status="draft"), distinct=True)
        )
        .order_by("area__position", "area__id", "position", "id")
    )


def filter_activities(queryset: QuerySet[Activity], filters: dict[str, Any]) -> QuerySet[Activity]:
    if filters.get("goal"):
        queryset = queryset.filter(goals=filters["goal"])
    if filters.get("perspective"):
        queryset = queryset.filter(perspectives=filters["perspective"])
    if filters.get("gender_goal"):
        queryset = queryset.filter(gender_equality_goals=filters["gender_goal"])
    if filters.get("unit"):
        queryset = queryset.filter(responsible_unit=filters["unit"])
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    return queryset.distinct()


def indicator_series(indicator: Indicator) -> dict[str, dict[int, Any]]:
    """The indicator's values for the whole area: {sex: {year: value}}."""
    series: dict[str, dict[int, Any]] = {sex: {} for sex in Sex.values}
    for value in indicator.values.filter(municipality__isnull=True):
        series[value.sex][value.year] = value.value
    return series


def latest_values(indicators: list[Indicator]) -> dict[int, IndicatorValue]:
    """Each indicator's latest total for the whole area, in one query."""
    latest: dict[int, IndicatorValue] = {}
    values = IndicatorValue.objects.filter(
        indicator__in=indicators, municipality__isnull=True, sex=Sex.TOTAL
    ).order_by("indicator_id", "year")
    for value in values:
        latest[value.indicator_id] = value
    return latest


def plans_with_activities(plans: QuerySet[ActionPlan]) -> list[ActionPlan]:
    return list(
        plans.prefetch_related(
            Prefetch("areas__activities", queryset=Activity.objects.only("id", "status", "area"))
        )
    )
