"""Build the annual follow-up report of a strategy from the database (see ``content.py``)."""

import datetime
from collections import Counter
from decimal import Decimal

from django.db.models import Min, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from delaktig.participation.models import LadderStep, Process, ProcessTransition
from delaktig.participation.workflow import Status as ProcessStatus
from delaktig.translations.access import prefetch

from ..charts import format_number
from ..models import (
    ActionPlan,
    Activity,
    Commitment,
    Goal,
    Indicator,
    ProgressNote,
    Sex,
    Strategy,
)
from ..selectors import status_counts
from ..status import ActivityStatus, CommitmentStatus
from .content import (
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

YEARS_SHOWN = 4


def _year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    zone = timezone.get_current_timezone()
    return (
        datetime.datetime(year, 1, 1, tzinfo=zone),
        datetime.datetime(year + 1, 1, 1, tzinfo=zone),
    )


def _counts(statuses: list[str]) -> tuple[StatusCount, ...]:
    return tuple(StatusCount(code, label, count) for code, label, count in status_counts(statuses))


def _assessment(indicator: Indicator, value: Decimal | None, year: int) -> str:
    if value is None:
        return _("Inget värde för %(year)s") % {"year": year}
    target = indicator.target_value
    if target is None:
        return _("Inget målvärde")
    increase = indicator.direction == Indicator.Direction.INCREASE
    if (value >= target) if increase else (value <= target):
        return _("Målet är nått")
    baseline = indicator.baseline_value
    if baseline is None or value == baseline:
        return _("Målet är inte nått")
    better = value > baseline if increase else value < baseline
    return _("Närmar sig målet") if better else _("Går åt fel håll")


def _number(value: Decimal | None) -> str:
    return "" if value is None else format_number(value)


def _indicator_line(indicator: Indicator, year: int) -> IndicatorLine:
    values: dict[tuple[int, str], Decimal] = {
        (value.year, value.sex): value.value
        for value in indicator.values.all()
        if value.municipality_id is None and value.year <= year
    }
    years = sorted({y for y, _sex in values})[-YEARS_SHOWN:]
    cells = tuple(
        IndicatorCell(
            year=y,
            total=_number(values.get((y, Sex.TOTAL))),
            women=_number(values.get((y, Sex.WOMEN))),
            men=_number(values.get((y, Sex.MEN))),
        )
        for y in years
    )
    baseline = (
        f"{format_number(indicator.baseline_value)} ({indicator.baseline_year})"
        if indicator.baseline_value is not None
        else ""
    )
    target = (
        f"{format_number(indicator.target_value)} ({indicator.target_year})"
        if indicator.target_value is not None
        else ""
    )
    return IndicatorLine(
        name=indicator.t.name,
        unit=indicator.unit,
        goal=_goal(indicator.goal) if indicator.goal else "",
        baseline=baseline,
        target=target,
        cells=cells,
        assessment=_assessment(indicator, values.get((year, Sex.TOTAL)), year),
        by_sex=indicator.by_sex,
        sex_note=indicator.t.sex_note if indicator.lacks_sex_breakdown else "",
        source=indicator.source,
    )


def _goal(goal: Goal) -> str:
    """ "1. Ökat förtroende …", the title in the content language."""
    return f"{goal.number}. {goal.t.title}"


def _prefetch_translations(
    strategy: Strategy, plans: list[ActionPlan], indicators: list[Indicator]
) -> None:
    """The organisation's texts in the content language, one query per model."""
    areas = [area for plan in plans for area in plan.areas.all()]
    activities = [activity for area in areas for activity in area.activities.all()]
    goals = [goal for activity in activities for goal in activity.goals.all()]
    goals += [indicator.goal for indicator in indicators if indicator.goal is not None]
    processes = [process for activity in activities for process in activity.processes.all()]
    prefetch([strategy, *plans, *areas, *activities, *goals, *indicators, *processes])


def _dialogues(strategy: Strategy, year: int) -> tuple[tuple[LadderLine, ...], int, int]:
    """Processes held during the year per ladder step, and feedback owed and given.

    A process was held in the year if it was published before the year ended and had not been
    closed before the year began. Feedback is owed by the processes closed during the year."""
    start, end = _year_bounds(year)
    processes = Process.objects.filter(
        organisation_id=strategy.organisation_id, published_at__lt=end
    ).annotate(
        closed_at=Min("transitions__created", filter=Q(transitions__to_status=ProcessStatus.CLOSED))
    )
    per_step: Counter[int] = Counter(
        step
        for step, closed_at in processes.values_list("ladder_step", "closed_at")
        if closed_at is None or closed_at >= start
    )
    lines = tuple(
        LadderLine(step=int(step), label=str(label), count=per_step.get(step, 0))
        for step, label in LadderStep.choices
    )
    closed_ids = (
        ProcessTransition.objects.filter(
            process__organisation_id=strategy.organisation_id,
            to_status=ProcessStatus.CLOSED,
            created__gte=start,
            created__lt=end,
        )
        .values_list("process_id", flat=True)
        .distinct()
    )
    due = Process.objects.filter(pk__in=closed_ids)
    given = due.filter(feedback__published_at__isnull=False).count()
    return lines, due.count(), given


def _as_of(activity: Activity, end: datetime.datetime) -> tuple[str, int | None, str]:
    """The activity's status, progress and reason as they stood when the year ended.

    A report on a past year shows what was true then: the last progress note written before the
    year ended, or, if every note came later, the status before the first of them. An activity
    without notes (entered or imported with its status) shows its current status."""
    notes = activity.all_notes  # type: ignore[attr-defined]  # newest first
    if not notes:
        return activity.status, activity.progress, activity.status_reason
    before = [note for note in notes if note.created < end]
    if before:
        note = before[0]
        progress = next((n.progress for n in before if n.progress is not None), None)
        return note.status, progress, note.status_reason
    return notes[-1].previous_status or ActivityStatus.NOT_STARTED.value, None, ""


def _activity_line(
    activity: Activity, number: str, year: tuple[datetime.datetime, datetime.datetime]
) -> ActivityLine:
    """An activity as it stood when the year ended, with the notes written during it."""
    start, end = year
    status_labels = dict(ActivityStatus.choices)
    status, progress, reason = _as_of(activity, end)
    if reason and reason == activity.status_reason:
        reason = activity.t.status_reason
    notes = [n for n in activity.all_notes if start <= n.created < end]  # type: ignore[attr-defined]
    return ActivityLine(
        code=number,
        title=activity.t.title,
        responsible_unit=activity.responsible_unit,
        period=activity.period,
        status=status,
        status_label=str(status_labels[status]),
        status_reason=reason,
        progress=progress,
        notes=tuple(
            NoteLine(
                date=timezone.localtime(note.created).date(),
                text=note.text,
                status_label=str(status_labels[note.status]) if note.status_changed else "",
            )
            for note in notes
        ),
        goals=tuple(_goal(goal) for goal in activity.goals.all()),
        dialogues=tuple(process.t.title for process in activity.processes.all()),
    )


def _plan_section(
    plan: ActionPlan, year: tuple[datetime.datetime, datetime.datetime]
) -> PlanSection:
    areas = []
    for area in plan.areas.all():
        lines = tuple(
            _activity_line(activity, f"{area.position}.{activity.position}", year)
            for activity in area.activities.all()
        )
        areas.append(
            AreaSection(
                number=area.position,
                title=area.t.title,
                status_counts=_counts([line.status for line in lines]),
                activities=lines,
            )
        )
    return PlanSection(
        title=plan.t.title,
        period=plan.period,
        status_counts=_counts([line.status for area in areas for line in area.activities]),
        areas=tuple(areas),
        published=plan.published,
    )


def _plans(strategy: Strategy, year: int, *, include_unpublished: bool) -> list[ActionPlan]:
    """The plans in force during the year, with activities, notes, goals and dialogues."""
    plans = strategy.plans.filter(start_year__lte=year, end_year__gte=year)
    if not include_unpublished:
        plans = plans.filter(published=True)
    notes = ProgressNote.objects.order_by("-created", "-id")
    activities = Activity.objects.prefetch_related(
        Prefetch("notes", queryset=notes, to_attr="all_notes"),
        "goals",
        Prefetch("processes", queryset=Process.objects.exclude(status=ProcessStatus.DRAFT)),
    ).order_by("position", "id")
    return list(plans.prefetch_related(Prefetch("areas__activities", queryset=activities)))


def _actors(strategy: Strategy, year: int) -> tuple[ActorLine, ...]:
    """The actors joined by the end of the year (ended since, too), with the year's reports."""
    commitments = (
        Commitment.objects.filter(
            strategy=strategy,
            status__in=[CommitmentStatus.ACTIVE, CommitmentStatus.ENDED],
            joined_on__lte=datetime.date(year, 12, 31),
        )
        .select_related("actor")
        .prefetch_related("activities")
        .order_by("actor__name")
    )
    return tuple(
        ActorLine(
            name=commitment.actor.name,
            kind=str(commitment.actor.get_kind_display()),
            joined_on=commitment.joined_on,
            activities=tuple(
                activity.title for activity in commitment.activities.all() if activity.year == year
            ),
        )
        for commitment in commitments
    )


def build_report(
    strategy: Strategy, year: int, *, include_unpublished: bool = False
) -> AnnualReport:
    """The annual follow-up report of ``strategy`` for ``year``, all labels translated."""
    bounds = _year_bounds(year)
    plans = _plans(strategy, year, include_unpublished=include_unpublished)
    indicators = list(strategy.indicators.select_related("goal").prefetch_related("values"))
    _prefetch_translations(strategy, plans, indicators)
    dialogues, due, given = _dialogues(strategy, year)
    title = strategy.t.title
    return AnnualReport(
        title=_("Uppföljning %(year)s: %(strategy)s") % {"year": year, "strategy": title},
        strategy=title,
        organisation=strategy.organisation.name,
        year=year,
        generated_on=timezone.localdate(),
        plans=tuple(_plan_section(plan, bounds) for plan in plans),
        indicators=tuple(_indicator_line(indicator, year) for indicator in indicators),
        dialogues=dialogues,
        feedback_due=due,
        feedback_given=given,
        actors=_actors(strategy, year),
    )
