"""Public follow-up pages: strategies, plans with their progress, activities and indicators."""

from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from delaktig.core.paging import page_number, window
from delaktig.core.sites import list_scope, require_own_host
from delaktig.participation.models import Process
from delaktig.participation.workflow import Status as ProcessStatus
from delaktig.translations.access import prefetch

from . import charts, selectors
from .forms import PlanFilterForm
from .models import Activity, Indicator, Network, Sex, Strategy


def _strategy(request: HttpRequest, slug: str) -> Strategy:
    strategy = get_object_or_404(selectors.visible_strategies(request.user), slug=slug)
    require_own_host(request, strategy.organisation)
    return strategy


def report_years(strategy: Strategy) -> list[int]:
    """Years a report can be made for: the strategy's period up to this year, newest first."""
    last = min(strategy.end_year, timezone.localdate().year)
    return list(range(last, strategy.start_year - 1, -1))


STRATEGIES_PER_PAGE = 50


def index(request: HttpRequest) -> HttpResponse:
    visible = selectors.visible_strategies(request.user)
    networks = Network.objects.filter(published=True).select_related("organisation")
    if (scope := list_scope(request)) is not None:
        visible = visible.filter(organisation=scope)
        networks = networks.filter(organisation=scope)
    page = window(
        visible.prefetch_related("perspectives").order_by("-start_year", "title", "id"),
        page_number(request.GET),
        STRATEGIES_PER_PAGE,
    )
    strategies = list(page.items)
    prefetch(strategies)
    return render(
        request,
        "followup/index.html",
        {"strategies": strategies, "networks": networks, "page": page},
    )


def strategy(request: HttpRequest, slug: str) -> HttpResponse:
    item = _strategy(request, slug)
    plans = list(selectors.visible_plans(request.user, item))
    statuses = selectors.plan_status_counts(plans)
    plan_rows = [
        (plan, charts.status_bar(selectors.status_counts(statuses[plan.pk]))) for plan in plans
    ]
    goals = list(item.goals.prefetch_related("gender_equality_goals", "sdg_targets__goal"))
    indicators = list(item.indicators.select_related("goal"))
    prefetch([item, *goals, *plans, *indicators])
    latest = selectors.latest_values(indicators)
    commitments = selectors.active_commitments(item)
    return render(
        request,
        "followup/strategy.html",
        {
            "strategy": item,
            "plans": plan_rows,
            "goals": goals,
            "plan_objects": plans,
            "indicator_objects": indicators,
            "indicators": [(indicator, latest.get(indicator.pk)) for indicator in indicators],
            "commitments": commitments,
            "networks": item.networks.filter(published=True),
            "report_years": report_years(item),
        },
    )


def plan(request: HttpRequest, slug: str, plan_slug: str) -> HttpResponse:
    strategy = _strategy(request, slug)
    item = get_object_or_404(selectors.visible_plans(request.user, strategy), slug=plan_slug)
    areas = list(item.areas.all())
    everything = list(selectors.plan_activities(item, areas))
    units = sorted({a.responsible_unit for a in everything if a.responsible_unit})
    form = PlanFilterForm(request.GET or None, plan=item, units=units)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    filtering = any(filters.values())
    shown = (
        list(selectors.filter_activities(selectors.plan_activities(item, areas), filters))
        if filtering
        else everything
    )
    by_area: dict[int, list[Activity]] = {area.pk: [] for area in areas}
    area_of = {area.pk: area for area in areas}
    for activity in shown:
        activity.area = area_of[activity.area_id]
        by_area[activity.area_id].append(activity)
    all_by_area: dict[int, list[str]] = {area.pk: [] for area in areas}
    for activity in everything:
        all_by_area[activity.area_id].append(activity.status)
    area_rows = [
        (area, by_area[area.pk], selectors.status_counts(all_by_area[area.pk])) for area in areas
    ]
    counts = selectors.status_counts([a.status for a in everything])
    prefetch([strategy, item, *areas, *everything, *shown])
    return render(
        request,
        "followup/plan.html",
        {
            "strategy": strategy,
            "plan": item,
            "form": form,
            "filtering": filtering,
            "shown_count": len(shown),
            "total_count": len(everything),
            "chart": charts.status_bar(counts),
            "counts": counts,
            "areas": area_rows,
            "area_objects": areas,
            "activity_objects": shown,
            "statuses": counts,
        },
    )


def activity(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    strategy = _strategy(request, slug)
    plans = selectors.visible_plans(request.user, strategy)
    item = get_object_or_404(
        Activity.objects.select_related("area__plan").prefetch_related(
            "goals",
            "perspectives",
            "gender_equality_goals",
            "sdg_targets__goal",
            Prefetch(
                "processes",
                queryset=Process.objects.exclude(status=ProcessStatus.DRAFT)
                .select_related("feedback", "organisation")
                .order_by("-published_at"),
            ),
        ),
        pk=pk,
        area__plan__in=plans,
    )
    notes = item.notes.all()
    processes = [(process, getattr(process, "feedback", None)) for process in item.processes.all()]
    feedbacks = [feedback for _process, feedback in processes]
    prefetch([strategy, item, item.area, item.area.plan, *item.goals.all()])
    prefetch([*item.processes.all(), *feedbacks])
    return render(
        request,
        "followup/activity.html",
        {
            "strategy": strategy,
            "plan": item.area.plan,
            "activity": item,
            "notes": notes,
            "processes": processes,
        },
    )


def indicator(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    strategy = _strategy(request, slug)
    item = get_object_or_404(Indicator.objects.select_related("goal"), pk=pk, strategy=strategy)
    series = selectors.indicator_series(item)
    years = sorted({year for values in series.values() for year in values})
    labels: dict[str, str] = {Sex.TOTAL: _("Totalt"), Sex.WOMEN: _("Kvinnor"), Sex.MEN: _("Män")}
    shown = [sex for sex in Sex.values if series[sex]]
    chart = None
    if years:
        chart = charts.indicator_chart(
            [(str(labels[sex]), series[sex]) for sex in shown],
            baseline=(item.baseline_year, item.baseline_value)
            if item.baseline_value is not None
            else None,
            target=(item.target_year, item.target_value) if item.target_value is not None else None,
            unit=item.unit,
        )
    columns = Sex.values if item.by_sex else [Sex.TOTAL.value]
    prefetch([strategy, item, item.goal])
    table = [(year, [series[sex].get(year) for sex in columns]) for year in reversed(years)]
    municipal = (
        item.values.filter(municipality__isnull=False)
        .select_related("municipality")
        .order_by("-year", "municipality__name", "sex")
    )
    return render(
        request,
        "followup/indicator.html",
        {
            "strategy": strategy,
            "indicator": item,
            "chart": chart,
            "table": table,
            "sex_labels": [labels[sex] for sex in columns],
            "municipal": municipal,
        },
    )
