"""Writes in follow-up: strategies, goals, plans, areas, activities, progress and indicators.

Every service checks ``followup.change_strategy`` on the thing's organisation, writes inside a
transaction and leaves an audit entry. Each kind of thing has a ``<noun>_create`` that takes
its parent and a ``<noun>_update`` that takes the thing, both with every field named. Joining
and networks are in ``actors.services``.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from delaktig.accounts.types import User
from delaktig.core.audit import audit_log
from delaktig.core.errors import Conflict, ValidationFailed, require_perm
from delaktig.core.ordering import move_in_order, next_position
from delaktig.organisations.models import Body, Municipality, Organisation
from delaktig.participation.models import Perspective, Process, SdgTarget

from .models import (
    ActionPlan,
    Activity,
    FocusArea,
    GenderEqualityGoal,
    Goal,
    Indicator,
    IndicatorValue,
    PlanImport,
    ProgressNote,
    Sex,
    Strategy,
)
from .status import NEEDS_REASON, ActivityStatus

PERM = "followup.change_strategy"

# The things numbered "1, 2, 3" or "2.1, 2.2" among their siblings, and what may be deleted.
Numbered = Goal | FocusArea | Activity | Indicator
Deletable = Goal | FocusArea | Activity | Indicator | ActionPlan | Strategy


def _log(actor: User, action: str, target: models.Model, organisation: Organisation) -> None:
    audit_log(actor=actor, action=action, target=target, organisation=organisation)


def _refusal(error: DjangoValidationError, unique_field: str | None) -> ValidationFailed:
    """The model's own validation, as a code: a duplicate, or a field to correct."""
    by_field: dict[str, list[Any]] = getattr(error, "error_dict", {NON_FIELD_ERRORS: [error]})
    for name, errors in by_field.items():
        field = None if name == NON_FIELD_ERRORS else name
        if any(getattr(item, "code", None) in {"unique", "unique_together"} for item in errors):
            return ValidationFailed("followup.duplicate", field=field or unique_field)
    first = next(iter(by_field), NON_FIELD_ERRORS)
    return ValidationFailed(field=None if first == NON_FIELD_ERRORS else first)


def _save(
    instance: models.Model,
    many: Mapping[str, Iterable[models.Model]] | None = None,
    *,
    unique_field: str | None = None,
) -> None:
    """Validate and save ``instance`` (its fields already set), then set its many-to-many."""
    many = many or {}
    try:
        with transaction.atomic():
            instance.full_clean(exclude=list(many))
            instance.save()
    except DjangoValidationError as error:
        raise _refusal(error, unique_field) from error
    except IntegrityError as error:
        raise ValidationFailed("followup.duplicate", field=unique_field) from error
    for name, values in many.items():
        getattr(instance, name).set(list(values))


def _check_years(start: int | None, end: int | None) -> None:
    if start is not None and end is not None and end < start:
        raise ValidationFailed("followup.years_out_of_order", field="end_year")


def _organisation_of(item: Deletable) -> Organisation | None:
    return Organisation.objects.filter(pk=item.organisation_id).first()


# --- Strategies ---


def strategy_create(
    *,
    actor: User,
    organisation: Organisation,
    title: str,
    slug: str,
    summary: str,
    start_year: int,
    end_year: int,
    body: str = "",
    adopted_by: Body | None = None,
    decision_date: date | None = None,
    decision_reference: str = "",
    revision_cycle: str = Strategy.RevisionCycle.TERM,
    next_review: date | None = None,
    perspectives: Iterable[Perspective] = (),
    joinable: bool = False,
    published: bool = False,
) -> Strategy:
    require_perm(actor, PERM, organisation)
    _check_years(start_year, end_year)
    strategy = Strategy(
        organisation=organisation,
        title=title,
        slug=slug,
        summary=summary,
        start_year=start_year,
        end_year=end_year,
        body=body,
        adopted_by=adopted_by,
        decision_date=decision_date,
        decision_reference=decision_reference,
        revision_cycle=revision_cycle,
        next_review=next_review,
        joinable=joinable,
        published=published,
    )
    with transaction.atomic():
        _save(strategy, {"perspectives": perspectives}, unique_field="slug")
        _log(actor, "followup.strategy_save", strategy, organisation)
    return strategy


def strategy_update(
    *,
    actor: User,
    strategy: Strategy,
    title: str,
    slug: str,
    summary: str,
    start_year: int,
    end_year: int,
    body: str,
    adopted_by: Body | None,
    decision_date: date | None,
    decision_reference: str,
    revision_cycle: str,
    next_review: date | None,
    perspectives: Iterable[Perspective],
    joinable: bool,
    published: bool,
) -> Strategy:
    """Change every field of a strategy. It stays with its organisation."""
    require_perm(actor, PERM, strategy)
    _check_years(start_year, end_year)
    strategy.title, strategy.slug, strategy.summary = title, slug, summary
    strategy.start_year, strategy.end_year, strategy.body = start_year, end_year, body
    strategy.adopted_by, strategy.decision_date = adopted_by, decision_date
    strategy.decision_reference, strategy.revision_cycle = decision_reference, revision_cycle
    strategy.next_review, strategy.joinable, strategy.published = next_review, joinable, published
    with transaction.atomic():
        _save(strategy, {"perspectives": perspectives}, unique_field="slug")
        _log(actor, "followup.strategy_save", strategy, strategy.organisation)
    return strategy


# --- Goals ---


def goal_create(
    *,
    actor: User,
    strategy: Strategy,
    number: str,
    title: str,
    description: str = "",
    gender_equality_goals: Iterable[GenderEqualityGoal] = (),
    sdg_targets: Iterable[SdgTarget] = (),
) -> Goal:
    """A new goal, numbered last among the strategy's goals."""
    require_perm(actor, PERM, strategy)
    with transaction.atomic():
        goal = Goal(strategy=strategy, position=next_position(strategy.goals, parent=strategy))
        _set_goal(goal, number=number, title=title, description=description)
        many = {"gender_equality_goals": gender_equality_goals, "sdg_targets": sdg_targets}
        _save(goal, many, unique_field="number")
        _log(actor, "followup.goal_save", goal, strategy.organisation)
    return goal


def goal_update(
    *,
    actor: User,
    goal: Goal,
    number: str,
    title: str,
    description: str,
    gender_equality_goals: Iterable[GenderEqualityGoal],
    sdg_targets: Iterable[SdgTarget],
) -> Goal:
    require_perm(actor, PERM, goal)
    with transaction.atomic():
        _set_goal(goal, number=number, title=title, description=description)
        many = {"gender_equality_goals": gender_equality_goals, "sdg_targets": sdg_targets}
        _save(goal, many, unique_field="number")
        _log(actor, "followup.goal_save", goal, goal.strategy.organisation)
    return goal


def _set_goal(goal: Goal, *, number: str, title: str, description: str) -> None:
    goal.number, goal.title, goal.description = number, title, description


# --- Action plans ---


def plan_create(
    *,
    actor: User,
    strategy: Strategy,
    title: str,
    slug: str,
    start_year: int,
    end_year: int,
    summary: str = "",
    adopted_by: Body | None = None,
    decision_date: date | None = None,
    decision_reference: str = "",
    published: bool = False,
) -> ActionPlan:
    require_perm(actor, PERM, strategy)
    _check_years(start_year, end_year)
    plan = ActionPlan(
        strategy=strategy,
        title=title,
        slug=slug,
        start_year=start_year,
        end_year=end_year,
        summary=summary,
        adopted_by=adopted_by,
        decision_date=decision_date,
        decision_reference=decision_reference,
        published=published,
    )
    with transaction.atomic():
        _save(plan, unique_field="slug")
        _log(actor, "followup.plan_save", plan, strategy.organisation)
    return plan


def plan_update(
    *,
    actor: User,
    plan: ActionPlan,
    title: str,
    slug: str,
    start_year: int,
    end_year: int,
    summary: str,
    adopted_by: Body | None,
    decision_date: date | None,
    decision_reference: str,
    published: bool,
) -> ActionPlan:
    require_perm(actor, PERM, plan)
    _check_years(start_year, end_year)
    plan.title, plan.slug, plan.summary = title, slug, summary
    plan.start_year, plan.end_year = start_year, end_year
    plan.adopted_by, plan.decision_date = adopted_by, decision_date
    plan.decision_reference, plan.published = decision_reference, published
    with transaction.atomic():
        _save(plan, unique_field="slug")
        _log(actor, "followup.plan_save", plan, plan.strategy.organisation)
    return plan


# --- Focus areas ---


def area_create(
    *,
    actor: User,
    plan: ActionPlan,
    title: str,
    description: str = "",
    goals: Sequence[Goal] = (),
) -> FocusArea:
    """A new focus area, numbered last in the plan."""
    require_perm(actor, PERM, plan)
    _check_goals(plan.strategy, goals)
    with transaction.atomic():
        area = FocusArea(plan=plan, position=next_position(plan.areas, parent=plan))
        area.title, area.description = title, description
        _save(area, {"goals": goals}, unique_field="title")
        _log(actor, "followup.area_save", area, plan.strategy.organisation)
    return area


def area_update(
    *, actor: User, area: FocusArea, title: str, description: str, goals: Sequence[Goal]
) -> FocusArea:
    require_perm(actor, PERM, area)
    strategy = area.plan.strategy
    _check_goals(strategy, goals)
    with transaction.atomic():
        area.title, area.description = title, description
        _save(area, {"goals": goals}, unique_field="title")
        _log(actor, "followup.area_save", area, strategy.organisation)
    return area


def _check_goals(strategy: Strategy, goals: Sequence[Goal]) -> None:
    if any(goal.strategy_id != strategy.pk for goal in goals):
        raise ValidationFailed("followup.goals_elsewhere", field="goals")


# --- Activities ---


def activity_create(
    *,
    actor: User,
    area: FocusArea,
    title: str,
    description: str = "",
    responsible_unit: str = "",
    contact_name: str = "",
    contact_email: str = "",
    start_year: int | None = None,
    end_year: int | None = None,
    goals: Sequence[Goal] = (),
    gender_equality_goals: Iterable[GenderEqualityGoal] = (),
    perspectives: Iterable[Perspective] = (),
    sdg_targets: Iterable[SdgTarget] = (),
    processes: Iterable[Process] = (),
) -> Activity:
    """A new activity, last in its area. Its status changes go through
    :func:`activity_report_progress`, so that each leaves a dated note."""
    strategy = area.plan.strategy
    require_perm(actor, PERM, strategy)
    _check_goals(strategy, goals)
    _check_years(start_year, end_year)
    with transaction.atomic():
        activity = Activity(area=area, position=next_position(area.activities, parent=area))
        activity.title, activity.description = title, description
        activity.responsible_unit = responsible_unit
        activity.contact_name, activity.contact_email = contact_name, contact_email
        activity.start_year, activity.end_year = start_year, end_year
        many = {
            "goals": goals,
            "gender_equality_goals": gender_equality_goals,
            "perspectives": perspectives,
            "sdg_targets": sdg_targets,
            "processes": processes,
        }
        _save(activity, many)
        _log(actor, "followup.activity_save", activity, strategy.organisation)
    return activity


def activity_update(
    *,
    actor: User,
    activity: Activity,
    area: FocusArea,
    title: str,
    description: str,
    responsible_unit: str,
    contact_name: str,
    contact_email: str,
    start_year: int | None,
    end_year: int | None,
    goals: Sequence[Goal],
    gender_equality_goals: Iterable[GenderEqualityGoal],
    perspectives: Iterable[Perspective],
    sdg_targets: Iterable[SdgTarget],
    processes: Iterable[Process],
) -> Activity:
    """Change an activity's description and links; moving it to another area puts it last
    there. The status is reported with :func:`activity_report_progress`."""
    require_perm(actor, PERM, activity)
    strategy = area.plan.strategy
    require_perm(actor, PERM, strategy)
    _check_goals(strategy, goals)
    _check_years(start_year, end_year)
    with transaction.atomic():
        if Activity.objects.values_list("area_id", flat=True).get(pk=activity.pk) != area.pk:
            activity.area = area
            activity.position = next_position(area.activities, parent=area)
        activity.title, activity.description = title, description
        activity.responsible_unit = responsible_unit
        activity.contact_name, activity.contact_email = contact_name, contact_email
        activity.start_year, activity.end_year = start_year, end_year
        many = {
            "goals": goals,
            "gender_equality_goals": gender_equality_goals,
            "perspectives": perspectives,
            "sdg_targets": sdg_targets,
            "processes": processes,
        }
        _save(activity, many)
        _log(actor, "followup.activity_save", activity, strategy.organisation)
    return activity


def _check_progress(status: str, status_reason: str, progress: int | None) -> None:
    if status not in ActivityStatus.values:
        raise ValidationFailed("followup.status_missing", field="status")
    if status in NEEDS_REASON and not status_reason:
        raise ValidationFailed("followup.reason_missing", field="status_reason")
    if progress is not None and not 0 <= progress <= 100:
        raise ValidationFailed("followup.progress_out_of_range", field="progress")


def _same_report(
    last: ProgressNote, actor: User, values: tuple[str, str, int | None, str], now: datetime
) -> bool:
    """The same report sent twice (a double click, a second tab) by the same person."""
    return (
        last.author_id == actor.pk
        and (last.status, last.text, last.progress, last.status_reason) == values
        and now - last.created < timedelta(minutes=2)
    )


def activity_report_progress(
    *,
    actor: User,
    activity: Activity,
    status: str,
    text: str = "",
    status_reason: str = "",
    progress: int | None = None,
    at: datetime | None = None,
) -> ProgressNote:
    """Record where an activity stands: a dated note, and the status if it changed.

    The activity row is locked, so two officials reporting at once both get their note and
    the status ends as the last one set, with each change recorded from the right status.
    """
    require_perm(actor, PERM, activity)
    status_reason, text = status_reason.strip(), text.strip()
    _check_progress(status, status_reason, progress)
    if status == ActivityStatus.DONE:
        progress = 100
    reason = status_reason if status in NEEDS_REASON else ""
    with transaction.atomic():
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        now = at or timezone.now()
        previous = locked.status
        last = locked.notes.order_by("-created", "-id").first()
        if last is not None and _same_report(last, actor, (status, text, progress, reason), now):
            return last
        if not text and previous == status and progress == locked.progress:
            raise ValidationFailed("followup.nothing_reported", field="text")
        note = ProgressNote.objects.create(
            activity=locked,
            created=now,
            author=actor,
            text=text,
            previous_status=previous,
            status=status,
            status_reason=reason,
            progress=progress,
        )
        locked.status, locked.status_reason = status, reason
        if progress is not None:
            locked.progress = progress
        if previous != status:
            locked.status_changed_at = now
        locked.save(
            update_fields=["status", "status_reason", "progress", "status_changed_at", "updated"]
        )
        audit_log(
            actor=actor,
            action="followup.activity_progress",
            target=locked,
            organisation=locked.area.plan.strategy.organisation,
            data={"from": previous, "to": status, "progress": progress},
        )
    for name in ("status", "status_reason", "progress", "status_changed_at"):
        setattr(activity, name, getattr(locked, name))
    return note


# --- Ordering and deleting ---


def item_move(*, actor: User, item: Numbered, direction: int) -> None:
    """Swap an area, activity, goal or indicator with its neighbour (direction -1 or +1)."""
    require_perm(actor, PERM, item)
    with transaction.atomic():
        move_in_order(_siblings(item), item, direction)
        audit_log(
            actor=actor,
            action="followup.move",
            target=item,
            organisation=_organisation_of(item),
            data={"direction": direction},
        )


def _check_deletable(item: Deletable) -> None:
    """An area or plan that still holds activities is refused, so that a slip of the mouse
    cannot remove a plan's contents; so is a strategy with plans, indicators or actors."""
    if isinstance(item, FocusArea) and item.activities.exists():
        raise Conflict("followup.area_has_activities")
    if isinstance(item, ActionPlan) and Activity.objects.filter(area__plan=item).exists():
        raise Conflict("followup.plan_has_activities")
    if isinstance(item, Strategy) and (
        item.plans.exists() or item.indicators.exists() or item.commitments.exists()
    ):
        raise Conflict("followup.strategy_has_contents")


def item_delete(*, actor: User, item: Deletable) -> None:
    """Delete a goal, area, activity, indicator, plan or strategy."""
    require_perm(actor, PERM, item)
    _check_deletable(item)
    siblings = None if isinstance(item, ActionPlan | Strategy) else _siblings(item)
    with transaction.atomic():
        audit_log(
            actor=actor, action="followup.delete", target=item, organisation=_organisation_of(item)
        )
        item.delete()
        if siblings is not None:
            _renumber(siblings)


def _renumber(siblings: "models.QuerySet[Any]") -> None:
    """Close a gap, so that the numbers shown ("2.1, 2.2") stay contiguous."""
    ordered = list(siblings.select_for_update().order_by("position", "id"))
    for index, sibling in enumerate(ordered, start=1):
        sibling.position = index
    siblings.model.objects.bulk_update(ordered, ["position"])


def _siblings(item: Numbered) -> "models.QuerySet[Any]":
    """The items an area, activity, goal or indicator is numbered among."""
    if isinstance(item, FocusArea):
        return FocusArea.objects.filter(plan_id=item.plan_id)
    if isinstance(item, Activity):
        return Activity.objects.filter(area_id=item.area_id)
    if isinstance(item, Goal):
        return Goal.objects.filter(strategy_id=item.strategy_id)
    return Indicator.objects.filter(strategy_id=item.strategy_id)


# --- Indicators ---


def indicator_create(
    *,
    actor: User,
    strategy: Strategy,
    name: str,
    unit: str,
    description: str = "",
    goal: Goal | None = None,
    direction: str = Indicator.Direction.INCREASE,
    source: str = "",
    source_url: str = "",
    kolada_kpi: str = "",
    about_people: bool = True,
    by_sex: bool = True,
    sex_note: str = "",
    baseline_year: int | None = None,
    baseline_value: Decimal | None = None,
    target_year: int | None = None,
    target_value: Decimal | None = None,
) -> Indicator:
    """A new indicator, last among the strategy's."""
    require_perm(actor, PERM, strategy)
    _check_goal(strategy, goal)
    with transaction.atomic():
        indicator = Indicator(
            strategy=strategy, position=next_position(strategy.indicators, parent=strategy)
        )
        _set_indicator(
            indicator,
            name=name,
            unit=unit,
            description=description,
            goal=goal,
            direction=direction,
            source=source,
            source_url=source_url,
            kolada_kpi=kolada_kpi,
            about_people=about_people,
            by_sex=by_sex,
            sex_note=sex_note,
            baseline=(baseline_year, baseline_value),
            target=(target_year, target_value),
        )
        _save(indicator)
        _log(actor, "followup.indicator_save", indicator, strategy.organisation)
    return indicator


def indicator_update(
    *,
    actor: User,
    indicator: Indicator,
    name: str,
    unit: str,
    description: str,
    goal: Goal | None,
    direction: str,
    source: str,
    source_url: str,
    kolada_kpi: str,
    about_people: bool,
    by_sex: bool,
    sex_note: str,
    baseline_year: int | None,
    baseline_value: Decimal | None,
    target_year: int | None,
    target_value: Decimal | None,
) -> Indicator:
    require_perm(actor, PERM, indicator)
    _check_goal(indicator.strategy, goal)
    with transaction.atomic():
        _set_indicator(
            indicator,
            name=name,
            unit=unit,
            description=description,
            goal=goal,
            direction=direction,
            source=source,
            source_url=source_url,
            kolada_kpi=kolada_kpi,
            about_people=about_people,
            by_sex=by_sex,
            sex_note=sex_note,
            baseline=(baseline_year, baseline_value),
            target=(target_year, target_value),
        )
        _save(indicator)
        _log(actor, "followup.indicator_save", indicator, indicator.strategy.organisation)
    return indicator


def _check_goal(strategy: Strategy, goal: Goal | None) -> None:
    if goal is not None and goal.strategy_id != strategy.pk:
        raise ValidationFailed("followup.goal_elsewhere", field="goal")


def _set_indicator(
    indicator: Indicator,
    *,
    name: str,
    unit: str,
    description: str,
    goal: Goal | None,
    direction: str,
    source: str,
    source_url: str,
    kolada_kpi: str,
    about_people: bool,
    by_sex: bool,
    sex_note: str,
    baseline: tuple[int | None, Decimal | None],
    target: tuple[int | None, Decimal | None],
) -> None:
    indicator.name, indicator.unit, indicator.description = name, unit, description
    indicator.goal, indicator.direction = goal, direction
    indicator.source, indicator.source_url, indicator.kolada_kpi = source, source_url, kolada_kpi
    indicator.about_people, indicator.by_sex, indicator.sex_note = about_people, by_sex, sex_note
    indicator.baseline_year, indicator.baseline_value = baseline
    indicator.target_year, indicator.target_value = target


def indicator_value_set(
    *,
    actor: User,
    indicator: Indicator,
    year: int,
    value: Decimal,
    sex: str = Sex.TOTAL,
    municipality: Municipality | None = None,
    note: str = "",
) -> IndicatorValue:
    """Set the value for a year (and sex, and municipality), replacing an earlier one."""
    require_perm(actor, PERM, indicator)
    if sex not in Sex.values:
        raise ValidationFailed("followup.sex_missing", field="sex")
    if sex != Sex.TOTAL and not indicator.by_sex:
        raise ValidationFailed("followup.not_by_sex", field="sex")
    with transaction.atomic():
        # Lock the indicator: two officials saving the same year leave one row, the last value.
        Indicator.objects.select_for_update().filter(pk=indicator.pk).first()
        row, _created = IndicatorValue.objects.update_or_create(
            indicator=indicator,
            year=year,
            sex=sex,
            municipality=municipality,
            defaults={"value": value, "note": note, "updated_by": actor},
        )
        audit_log(
            actor=actor,
            action="followup.indicator_value",
            target=indicator,
            organisation=indicator.strategy.organisation,
            data={"year": year, "sex": sex, "value": str(value)},
        )
    return row


def indicator_value_delete(*, actor: User, value: IndicatorValue) -> None:
    require_perm(actor, PERM, value.indicator)
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="followup.indicator_value_delete",
            target=value.indicator,
            organisation=value.indicator.strategy.organisation,
            data={"year": value.year, "sex": value.sex},
        )
        value.delete()


def _indicator_rows(indicator: Indicator, parsed: Any) -> list[Any]:
    """The file's rows for this indicator: its Kolada KPI's, and only totals unless by sex."""
    rows = list(parsed.rows)
    if indicator.kolada_kpi and any(row.kpi for row in rows):
        rows = [row for row in rows if not row.kpi or row.kpi == indicator.kolada_kpi]
    elif len(parsed.kpis) > 1:
        raise ValidationFailed("followup.several_kpis", kpis=", ".join(sorted(parsed.kpis)))
    if not rows:
        raise ValidationFailed("followup.no_values_for_kpi", kpi=indicator.kolada_kpi)
    if not indicator.by_sex:
        # Kolada tables carry T, K and M rows; an indicator not kept by sex takes the totals.
        rows = [row for row in rows if row.sex == Sex.TOTAL]
    return rows


def _with_municipalities(
    indicator: Indicator, rows: list[Any]
) -> list[tuple[Any, Municipality | None]]:
    """Each row with its municipality (None for the organisation's whole area); a file with
    codes outside the area is refused, naming the first 50 rows."""
    organisation = indicator.strategy.organisation
    own = {organisation.scb_code, organisation.scb_code.zfill(4)}
    municipalities = {m.code: m for m in organisation.municipalities.all()}
    outside: list[tuple[int, str]] = []
    resolved: list[tuple[Any, Municipality | None]] = []
    for row in rows:
        code = row.municipality_code
        if not code or code in own:
            resolved.append((row, None))
        elif code in municipalities:
            resolved.append((row, municipalities[code]))
        else:
            outside.append((row.line, code))
    if outside:
        shown = outside[:50]
        raise ValidationFailed(
            "followup.municipalities_outside",
            count=len(shown),
            lines=", ".join(str(line) for line, _code in shown),
            codes=", ".join(dict.fromkeys(code for _line, code in shown)),
        )
    return resolved


def indicator_values_import(
    *, actor: User, indicator: Indicator, data: bytes, filename: str
) -> int:
    """Import values from a CSV, XLSX or Kolada file: every row, or none.

    Rows of other Kolada KPIs than the indicator's are left out; a file with none of the
    indicator's rows is refused. Returns the number of values written."""
    from .imports import indicatorfile

    require_perm(actor, PERM, indicator)
    # An IndicatorFileError (a ValidationFailed) says what is wrong, row by row.
    parsed = indicatorfile.read_indicator_values(data, filename)
    resolved = _with_municipalities(indicator, _indicator_rows(indicator, parsed))
    with transaction.atomic():
        Indicator.objects.select_for_update().filter(pk=indicator.pk).first()
        for row, municipality in resolved:
            IndicatorValue.objects.update_or_create(
                indicator=indicator,
                year=row.year,
                sex=row.sex,
                municipality=municipality,
                defaults={"value": row.value, "note": row.note[:300], "updated_by": actor},
            )
        audit_log(
            actor=actor,
            action="followup.indicator_import",
            target=indicator,
            organisation=indicator.strategy.organisation,
            data={"rows": len(resolved), "filename": filename[:100]},
        )
    return len(resolved)


# --- Importing a plan from a file ---


def _existing_activities(plan: ActionPlan) -> set[tuple[str, str]]:
    """(area, title) of the plan's activities, folded as the plan file's rows are."""
    from .imports import planfile

    return {
        (planfile.fold(area), planfile.fold(title))
        for area, title in Activity.objects.filter(area__plan=plan).values_list(
            "area__title", "title"
        )
    }


def plan_import_read(*, actor: User, plan: ActionPlan, data: bytes, filename: str) -> PlanImport:
    """Read a plan file and keep what could be read for the official to look at and confirm.

    Rows the parser cannot read and rows naming goals the strategy does not have are reported
    with their row number and left out; nothing is written to the plan yet."""
    from .imports import planfile

    require_perm(actor, PERM, plan.strategy)
    parsed = planfile.read_plan(data, filename)  # a PlanFileError is a ValidationFailed
    goal_numbers = set(plan.strategy.goals.values_list("number", flat=True))
    existing = _existing_activities(plan)
    rows: list[dict[str, Any]] = []
    errors = [error.to_dict() for error in parsed.errors]
    for row in parsed.rows:
        unknown = [number for number in row.goals if number not in goal_numbers]
        if unknown:
            errors.append(
                planfile.RowError(
                    row=row.row,
                    column=parsed.columns.get("goals", ""),
                    code="unknown_goal",
                    params={"numbers": ", ".join(unknown)},
                ).to_dict()
            )
            continue
        if (planfile.fold(row.area), planfile.fold(row.title)) in existing:
            errors.append(
                planfile.RowError(
                    row=row.row,
                    column=parsed.columns.get("title", ""),
                    code="already_in_plan",
                    params={"title": row.title},
                ).to_dict()
            )
            continue
        rows.append(row.to_dict())
    errors.sort(key=lambda error: (error["row"], error["column"]))
    return PlanImport.objects.create(
        plan=plan, filename=filename[:255], rows=rows, errors=errors, created_by=actor
    )


class _PlanLinks:
    """What a plan file's rows name, looked up once: goals, targets, perspectives, areas."""

    def __init__(self, plan: ActionPlan) -> None:
        from .imports import planfile

        self.plan = plan
        self.goals = {goal.number: goal for goal in plan.strategy.goals.all()}
        self.targets = {target.code: target for target in SdgTarget.objects.all()}
        self.perspectives = {p.code: p for p in Perspective.objects.all()}
        self.gender_goals = {g.number: g for g in GenderEqualityGoal.objects.all()}
        self.areas = {planfile.fold(area.title): area for area in plan.areas.all()}

    def area(self, key: str, title: str) -> FocusArea:
        """The plan's area of this (folded) name, made last in the plan if it is new."""
        area = self.areas.get(key)
        if area is None:
            area = FocusArea.objects.create(
                plan=self.plan, title=title, position=next_position(self.plan.areas)
            )
            self.areas[key] = area
        return area

    def create_activity(self, area: FocusArea, row: Any) -> Activity:
        activity = Activity.objects.create(
            area=area,
            position=next_position(area.activities),
            title=row.title,
            description=row.description,
            responsible_unit=row.responsible_unit,
            contact_name=row.contact_name,
            contact_email=row.contact_email,
            start_year=row.start_year,
            end_year=row.end_year,
            status=row.status,
            status_reason=row.status_reason if row.status in NEEDS_REASON else "",
            progress=row.progress,
            status_changed_at=timezone.now(),
        )
        activity.goals.set([self.goals[n] for n in row.goals if n in self.goals])
        activity.sdg_targets.set([self.targets[c] for c in row.sdg_targets if c in self.targets])
        activity.perspectives.set([self.perspectives[c] for c in row.perspectives])
        activity.gender_equality_goals.set(
            [self.gender_goals[n] for n in row.gender_equality_goals]
        )
        return activity


def plan_import_apply(*, actor: User, plan_import: PlanImport) -> int:
    """Create the areas and activities of a read plan file. Applying twice adds nothing."""
    from .imports import planfile

    plan = plan_import.plan
    require_perm(actor, PERM, plan.strategy)
    with transaction.atomic():
        # The plan is locked first: two files of the same plan are applied one after the other,
        # and the second sees what the first added.
        ActionPlan.objects.select_for_update().filter(pk=plan.pk).first()
        locked = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
        if locked.applied_at is not None:
            raise Conflict("followup.already_imported")
        links = _PlanLinks(plan)
        existing = _existing_activities(plan)
        created = 0
        for row in (planfile.PlanRow.from_dict(item) for item in locked.rows):
            key = (planfile.fold(row.area), planfile.fold(row.title))
            if key in existing:
                continue  # added since the file was read, e.g. from another upload of it
            existing.add(key)
            links.create_activity(links.area(key[0], row.area), row)
            created += 1
        locked.applied_at = timezone.now()
        locked.save(update_fields=["applied_at"])
        audit_log(
            actor=actor,
            action="followup.plan_import",
            target=plan,
            organisation=plan.strategy.organisation,
            data={
                "activities": created,
                "filename": locked.filename,
                "skipped": len(locked.errors),
            },
        )
    plan_import.applied_at = locked.applied_at
    return created
