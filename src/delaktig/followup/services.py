"""Writes in follow-up: strategies, goals, plans, areas, activities, progress and indicators.

Every service checks ``followup.change_strategy`` on the thing's organisation, writes inside a
transaction and leaves an audit entry. Joining and networks are in ``actor_services``.
"""

from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from delaktig.core.audit import audit_log
from delaktig.core.errors import DelaktigError, ValidationFailed, require_perm

from .models import (
    ActionPlan,
    Activity,
    FocusArea,
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


class FollowupError(DelaktigError):
    code = "followup_error"


def _log(actor: Any, action: str, target: models.Model, organisation: Any) -> None:
    audit_log(actor=actor, action=action, target=target, organisation=organisation)


def _assign(instance: models.Model, data: Mapping[str, Any]) -> dict[str, Any]:
    """Set plain fields on ``instance``; return the many-to-many values to set after saving."""
    m2m_names = {field.name for field in instance._meta.many_to_many}
    many: dict[str, Any] = {}
    for name, value in data.items():
        if name in m2m_names:
            many[name] = value
        else:
            setattr(instance, name, value)
    return many


def _save(instance: models.Model, data: Mapping[str, Any]) -> None:
    many = _assign(instance, data)
    try:
        with transaction.atomic():
            instance.full_clean(exclude=list(many))
            instance.save()
    except DjangoValidationError as error:
        raise ValidationFailed(" ".join(error.messages)) from error
    except IntegrityError as error:
        raise ValidationFailed(_("Det finns redan en likadan post.")) from error
    for name, value in many.items():
        getattr(instance, name).set(value)


def _organisation_of(item: Any) -> Any:
    from delaktig.organisations.models import Organisation

    return Organisation.objects.filter(pk=item.organisation_id).first()


def _next_position(queryset: Any) -> int:
    return int(queryset.aggregate(top=Max("position"))["top"] or 0) + 1


def strategy_save(
    *, actor: Any, strategy: Strategy | None, organisation: Any, data: Mapping[str, Any]
) -> Strategy:
    target = strategy.organisation if strategy else organisation
    require_perm(actor, PERM, target)
    with transaction.atomic():
        if strategy is None:
            strategy = Strategy(organisation=organisation)
        _save(strategy, data)
        _log(actor, "followup.strategy_save", strategy, strategy.organisation)
    return strategy


def goal_save(
    *, actor: Any, strategy: Strategy, goal: Goal | None, data: Mapping[str, Any]
) -> Goal:
    require_perm(actor, PERM, strategy)
    with transaction.atomic():
        if goal is None:
            goal = Goal(strategy=strategy, position=_next_position(strategy.goals))
        _save(goal, data)
        _log(actor, "followup.goal_save", goal, strategy.organisation)
    return goal


def plan_save(
    *, actor: Any, strategy: Strategy, plan: ActionPlan | None, data: Mapping[str, Any]
) -> ActionPlan:
    require_perm(actor, PERM, strategy)
    with transaction.atomic():
        if plan is None:
            plan = ActionPlan(strategy=strategy)
        _save(plan, data)
        _log(actor, "followup.plan_save", plan, strategy.organisation)
    return plan


def area_save(
    *, actor: Any, plan: ActionPlan, area: FocusArea | None, data: Mapping[str, Any]
) -> FocusArea:
    require_perm(actor, PERM, plan.strategy)
    with transaction.atomic():
        if area is None:
            area = FocusArea(plan=plan, position=_next_position(plan.areas))
        _save(area, data)
        _log(actor, "followup.area_save", area, plan.strategy.organisation)
    return area


def activity_save(
    *, actor: Any, area: FocusArea, activity: Activity | None, data: Mapping[str, Any]
) -> Activity:
    """Create or edit an activity's description and links. Status changes go through
    :func:`activity_report_progress` so that each leaves a dated note."""
    strategy = area.plan.strategy
    require_perm(actor, PERM, strategy)
    if "status" in data or "status_reason" in data:
        raise ValueError("change the status with activity_report_progress")
    goals = data.get("goals")
    if goals is not None and any(goal.strategy_id != strategy.pk for goal in goals):
        raise ValidationFailed(_("Målen måste höra till strategin."))
    with transaction.atomic():
        if activity is None:
            activity = Activity(area=area, position=_next_position(area.activities))
        elif Activity.objects.values_list("area_id", flat=True).get(pk=activity.pk) != area.pk:
            # Moving to another area puts the activity last there.
            activity.area = area
            activity.position = _next_position(area.activities)
        _save(activity, data)
        _log(actor, "followup.activity_save", activity, strategy.organisation)
    return activity


def activity_report_progress(
    *,
    actor: Any,
    activity: Activity,
    status: str,
    text: str = "",
    status_reason: str = "",
    progress: int | None = None,
    at: Any = None,
) -> ProgressNote:
    """Record where an activity stands: a dated note, and the status if it changed.

    The activity row is locked, so two officials reporting at once both get their note and
    the status ends as the last one set, with each change recorded from the right status.
    """
    require_perm(actor, PERM, activity)
    if status not in ActivityStatus.values:
        raise ValidationFailed(_("Välj en status."))
    status_reason = status_reason.strip()
    if status in NEEDS_REASON and not status_reason:
        raise ValidationFailed(_("Skriv skälet till att aktiviteten skjuts upp eller avbryts."))
    if progress is not None and not 0 <= progress <= 100:
        raise ValidationFailed(_("Ange hur långt aktiviteten har kommit som 0–100 procent."))
    if status == ActivityStatus.DONE:
        progress = 100
    with transaction.atomic():
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        previous = locked.status
        last = locked.notes.order_by("-created", "-id").first()
        if (
            last is not None
            and last.author_id == getattr(actor, "pk", None)
            and (last.status, last.text, last.progress, last.status_reason)
            == (status, text.strip(), progress, status_reason if status in NEEDS_REASON else "")
            and (at or timezone.now()) - last.created < timedelta(minutes=2)
        ):
            return last  # the same report sent twice (a double click, a second tab)
        if not text.strip() and previous == status and progress == locked.progress:
            raise ValidationFailed(_("Skriv vad som har hänt eller ändra status."))
        now = at or timezone.now()
        note = ProgressNote.objects.create(
            activity=locked,
            created=now,
            author=actor,
            text=text.strip(),
            previous_status=previous,
            status=status,
            status_reason=status_reason if status in NEEDS_REASON else "",
            progress=progress,
        )
        locked.status = status
        locked.status_reason = status_reason if status in NEEDS_REASON else ""
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


def item_move(*, actor: Any, item: FocusArea | Activity | Goal | Indicator, direction: int) -> None:
    """Swap an area, activity, goal or indicator with its neighbour (direction -1 or +1)."""
    require_perm(actor, PERM, item)
    siblings = _siblings(item)
    with transaction.atomic():
        ordered = list(siblings.select_for_update().order_by("position", "id"))
        # Renumber 1..n first, so that the numbers shown ("2.3") stay contiguous.
        for index, sibling in enumerate(ordered, start=1):
            sibling.position = index
        index = next(i for i, sibling in enumerate(ordered) if sibling.pk == item.pk)
        other = index + (1 if direction > 0 else -1)
        if 0 <= other < len(ordered):
            ordered[index].position, ordered[other].position = (
                ordered[other].position,
                ordered[index].position,
            )
        type(item).objects.bulk_update(ordered, ["position"])
        audit_log(
            actor=actor,
            action="followup.move",
            target=item,
            organisation=_organisation_of(item),
            data={"direction": direction},
        )


def item_delete(*, actor: Any, item: models.Model) -> None:
    """Delete a goal, area, activity, indicator or plan. An area or plan that still holds
    activities is refused, so that a slip of the mouse cannot remove a plan's contents."""
    require_perm(actor, PERM, item)
    if isinstance(item, FocusArea) and item.activities.exists():
        raise FollowupError(_("Området har aktiviteter. Flytta eller ta bort dem först."))
    if isinstance(item, ActionPlan) and Activity.objects.filter(area__plan=item).exists():
        raise FollowupError(_("Planen har aktiviteter. Ta bort dem först."))
    if isinstance(item, Strategy) and (
        item.plans.exists() or item.indicators.exists() or item.commitments.exists()
    ):
        raise FollowupError(
            _(
                "Strategin har handlingsplaner, indikatorer eller anslutna aktörer. Ta bort dem "
                "först."
            )
        )
    siblings = _siblings(item)
    with transaction.atomic():
        audit_log(
            actor=actor, action="followup.delete", target=item, organisation=_organisation_of(item)
        )
        item.delete()
        if siblings is not None:
            # Close the gap, so that the numbers shown ("2.1, 2.2") stay contiguous.
            ordered = list(siblings.select_for_update().order_by("position", "id"))
            for index, sibling in enumerate(ordered, start=1):
                sibling.position = index
            siblings.model.objects.bulk_update(ordered, ["position"])


def _siblings(item: Any) -> Any:
    """The numbered items an area, activity, goal or indicator is numbered among."""
    if isinstance(item, FocusArea):
        return FocusArea.objects.filter(plan_id=item.plan_id)
    if isinstance(item, Activity):
        return Activity.objects.filter(area_id=item.area_id)
    if isinstance(item, Goal):
        return Goal.objects.filter(strategy_id=item.strategy_id)
    if isinstance(item, Indicator):
        return Indicator.objects.filter(strategy_id=item.strategy_id)
    return None


def indicator_save(
    *, actor: Any, strategy: Strategy, indicator: Indicator | None, data: Mapping[str, Any]
) -> Indicator:
    require_perm(actor, PERM, strategy)
    goal = data.get("goal")
    if goal is not None and goal.strategy_id != strategy.pk:
        raise ValidationFailed(_("Målet måste höra till strategin."))
    with transaction.atomic():
        if indicator is None:
            indicator = Indicator(strategy=strategy, position=_next_position(strategy.indicators))
        _save(indicator, data)
        _log(actor, "followup.indicator_save", indicator, strategy.organisation)
    return indicator


def indicator_value_set(
    *,
    actor: Any,
    indicator: Indicator,
    year: int,
    value: Decimal,
    sex: str = Sex.TOTAL,
    municipality: Any = None,
    note: str = "",
) -> IndicatorValue:
    """Set the value for a year (and sex, and municipality), replacing an earlier one."""
    require_perm(actor, PERM, indicator)
    if sex not in Sex.values:
        raise ValidationFailed(_("Välj totalt, kvinnor eller män."))
    if sex != Sex.TOTAL and not indicator.by_sex:
        raise ValidationFailed(
            _("Indikatorn redovisas inte per kön. Ändra det i indikatorns inställningar först.")
        )
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


def indicator_value_delete(*, actor: Any, value: IndicatorValue) -> None:
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


def indicator_values_import(*, actor: Any, indicator: Indicator, data: bytes, filename: str) -> int:
    """Import values from a CSV, XLSX or Kolada file: every row, or none.

    Rows of other Kolada KPIs than the indicator's are left out; a file with none of the
    indicator's rows is refused. Returns the number of values written."""
    from . import indicatorfile
    from .messages import indicator_error_messages

    require_perm(actor, PERM, indicator)
    try:
        parsed = indicatorfile.read_indicator_values(data, filename)
    except indicatorfile.IndicatorFileError as error:
        raise ValidationFailed("\n".join(indicator_error_messages(error))) from error
    rows = parsed.rows
    if indicator.kolada_kpi and any(row.kpi for row in rows):
        rows = [row for row in rows if not row.kpi or row.kpi == indicator.kolada_kpi]
    elif len(parsed.kpis) > 1:
        raise ValidationFailed(
            _(
                "Filen har flera nyckeltal (%(kpis)s). Ange indikatorns Kolada-nyckeltal så "
                "att rätt rader väljs."
            )
            % {"kpis": ", ".join(sorted(parsed.kpis))}
        )
    if not rows:
        raise ValidationFailed(
            _("Filen har inga värden för nyckeltalet %(kpi)s.") % {"kpi": indicator.kolada_kpi}
        )
    if not indicator.by_sex:
        # Kolada tables carry T, K and M rows; an indicator not kept by sex takes the totals.
        rows = [row for row in rows if row.sex == Sex.TOTAL]
    organisation = indicator.strategy.organisation
    own = {organisation.scb_code, organisation.scb_code.zfill(4)}
    municipalities = {m.code: m for m in organisation.municipalities.all()}
    problems: list[str] = []
    resolved = []
    for row in rows:
        code = row.municipality_code
        municipality = None if not code or code in own else municipalities.get(code, code)
        if isinstance(municipality, str):
            problems.append(
                _("Rad %(line)s: kommunkoden %(code)s hör inte till organisationens område.")
                % {"line": row.line, "code": municipality}
            )
        else:
            resolved.append((row, municipality))
    if problems:
        raise ValidationFailed("\n".join(problems[:50]))
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


# --- importing a plan from a file -------------------------------------------------------


def plan_import_read(*, actor: Any, plan: ActionPlan, data: bytes, filename: str) -> PlanImport:
    """Read a plan file and keep what could be read for the official to look at and confirm.

    Rows the parser cannot read and rows naming goals the strategy does not have are reported
    with their row number and left out; nothing is written to the plan yet."""
    from . import planfile
    from .messages import plan_error_message

    require_perm(actor, PERM, plan.strategy)
    try:
        parsed = planfile.read_plan(data, filename)
    except planfile.PlanFileError as error:
        raise ValidationFailed(plan_error_message(error.code, error.params)) from error
    goal_numbers = set(plan.strategy.goals.values_list("number", flat=True))
    existing = {
        (planfile.fold(area), planfile.fold(title))
        for area, title in Activity.objects.filter(area__plan=plan).values_list(
            "area__title", "title"
        )
    }
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


def plan_import_apply(*, actor: Any, plan_import: PlanImport) -> int:
    """Create the areas and activities of a read plan file. Applying twice adds nothing."""
    from delaktig.participation.models import Perspective, SdgTarget

    from . import planfile
    from .models import GenderEqualityGoal

    plan = plan_import.plan
    require_perm(actor, PERM, plan.strategy)
    with transaction.atomic():
        # The plan is locked first: two files of the same plan are applied one after the other,
        # and the second sees what the first added.
        ActionPlan.objects.select_for_update().filter(pk=plan.pk).first()
        locked = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
        if locked.applied_at is not None:
            raise FollowupError(_("Filen är redan importerad."))
        rows = [planfile.PlanRow.from_dict(item) for item in locked.rows]
        goals = {goal.number: goal for goal in plan.strategy.goals.all()}
        targets = {target.code: target for target in SdgTarget.objects.all()}
        perspectives = {p.code: p for p in Perspective.objects.all()}
        gender_goals = {g.number: g for g in GenderEqualityGoal.objects.all()}
        areas = {planfile.fold(area.title): area for area in plan.areas.all()}
        existing = {
            (planfile.fold(area), planfile.fold(title))
            for area, title in Activity.objects.filter(area__plan=plan).values_list(
                "area__title", "title"
            )
        }
        created = 0
        for row in rows:
            key = (planfile.fold(row.area), planfile.fold(row.title))
            if key in existing:
                continue  # added since the file was read, e.g. from another upload of it
            existing.add(key)
            area = areas.get(key[0])
            if area is None:
                area = FocusArea.objects.create(
                    plan=plan, title=row.area, position=_next_position(plan.areas)
                )
                areas[key[0]] = area
            activity = Activity.objects.create(
                area=area,
                position=_next_position(area.activities),
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
            activity.goals.set([goals[n] for n in row.goals if n in goals])
            activity.sdg_targets.set([targets[c] for c in row.sdg_targets if c in targets])
            activity.perspectives.set([perspectives[c] for c in row.perspectives])
            activity.gender_equality_goals.set([gender_goals[n] for n in row.gender_equality_goals])
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
