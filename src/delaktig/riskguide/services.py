"""Writing risk analyses (Riskguiden). Staff pages and other apps call these, never the models.

Each transition of ``workflow.MACHINE`` has one service. Every service checks permission,
locks the analysis row, rechecks its status on the locked row (so two people clicking at once
make one change), writes and records an audit entry, all in one transaction.
``analyses_mark_for_reassessment`` has no actor: the incident log calls it after its own check.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from delaktig.accounts.types import User
from delaktig.core.audit import audit_log
from delaktig.core.errors import InvalidTransition, PermissionDenied, ValidationFailed, require_perm

from .levels import SCALE
from .models import ContentiousMark, Risk, RiskAnalysis
from .workflow import MACHINE, Action, Status

if TYPE_CHECKING:
    from delaktig.councils.models import Council
    from delaktig.meetings.models import Meeting
    from delaktig.participation.models import Process

MAX_RISKS = 50


@dataclass(frozen=True)
class RiskInput:
    """One row of step 1: a new risk (``id`` None) or a change to one, or its removal."""

    id: int | None
    description: str
    kind: str
    exposed: str
    exposed_detail: str = ""
    remove: bool = False


@dataclass(frozen=True)
class MeasureInput:
    """Step 3 for one risk."""

    measures: str
    owner: str
    due: date | None
    done: bool


# --- Helpers -------------------------------------------------------------------------------------


def _lock(analysis: RiskAnalysis) -> RiskAnalysis:
    return RiskAnalysis.objects.select_for_update().get(pk=analysis.pk)


def _check_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationFailed("riskguide.title_missing", field="title")
    if len(title) > 200:
        raise ValidationFailed("riskguide.title_too_long", field="title")
    return title


def _locked_draft(analysis: RiskAnalysis) -> RiskAnalysis:
    locked = _lock(analysis)
    if not locked.is_editable:
        raise InvalidTransition("riskguide.not_editable")
    return locked


def _record_save(actor: User, analysis: RiskAnalysis, step: str, changed: list[str]) -> None:
    """Audit a save; whoever changed something counts as an author for the four-eyes rule."""
    if changed:
        analysis.last_edited_by = actor
        analysis.save(update_fields=["last_edited_by", "updated"])
    audit_log(
        actor=actor,
        action="riskanalysis.save",
        target=analysis,
        organisation=analysis.organisation,
        data={"step": step, "changed": changed},
    )


def _transition(
    actor: User | None,
    analysis: RiskAnalysis,
    action: Action,
    fields: Sequence[str] = (),
    **data: Any,
) -> RiskAnalysis:
    """Move the locked ``analysis`` by ``action``, save its status (and ``fields``, set by the
    caller) in one write and audit it."""
    source = analysis.status
    target = MACHINE.require(source, action)
    analysis.status = target.value
    analysis.save(update_fields=["status", "updated", *fields])
    audit_log(
        actor=actor,
        action=f"riskanalysis.{action.value}",
        target=analysis,
        organisation=analysis.organisation,
        data={"from": source, "to": target.value, **data},
    )
    return analysis


# --- Creating and writing ------------------------------------------------------------------------


def analysis_create(
    *,
    actor: User,
    title: str,
    background: str = "",
    process: "Process | None" = None,
    meeting: "Meeting | None" = None,
    council: "Council | None" = None,
) -> RiskAnalysis:
    """Start a draft about exactly one of ``process``, ``meeting`` or ``council``."""
    subjects = [s for s in (process, meeting, council) if s is not None]
    if not subjects:
        raise ValidationFailed("riskguide.subject_missing", field="subject")
    if len(subjects) > 1:
        raise ValidationFailed("riskguide.subject_not_one", field="subject")
    subject = subjects[0]
    require_perm(actor, "riskguide.add_riskanalysis", subject)
    title = _check_title(title)
    with transaction.atomic():
        analysis = RiskAnalysis.objects.create(
            organisation_id=subject.organisation_id,
            title=title,
            background=(background or "").strip(),
            process=process,
            meeting=meeting,
            council=council,
            prepared_by=actor,
            last_edited_by=actor,
        )
        audit_log(
            actor=actor,
            action="riskanalysis.create",
            target=analysis,
            organisation=analysis.organisation,
            data={"subject": analysis.subject_kind.value, "subject_id": subject.pk},
        )
    return analysis


def analysis_save_details(
    *, actor: User, analysis: RiskAnalysis, title: str, background: str
) -> RiskAnalysis:
    """Change a draft's title and background."""
    require_perm(actor, "riskguide.change_riskanalysis", analysis)
    title = _check_title(title)
    background = (background or "").strip()
    with transaction.atomic():
        locked = _locked_draft(analysis)
        changed = [
            name
            for name, value in (("title", title), ("background", background))
            if getattr(locked, name) != value
        ]
        locked.title, locked.background = title, background
        locked.save(update_fields=["title", "background", "updated"])
        _record_save(actor, locked, "details", changed)
    return locked


def _clean_risk(row: RiskInput) -> RiskInput:
    description = (row.description or "").strip()
    detail = (row.exposed_detail or "").strip()
    if (
        not description
        or len(description) > 300
        or len(detail) > 200
        or row.kind not in Risk.Kind.values
        or row.exposed not in Risk.Exposed.values
    ):
        raise ValidationFailed("riskguide.risk_invalid")
    return RiskInput(row.id, description, row.kind, row.exposed, detail)


def analysis_save_risks(
    *, actor: User, analysis: RiskAnalysis, risks: Sequence[RiskInput]
) -> RiskAnalysis:
    """Step 1: add, change and remove risks, in the order given. All or nothing."""
    require_perm(actor, "riskguide.change_riskanalysis", analysis)
    kept = [row for row in risks if not row.remove]
    removed = {row.id for row in risks if row.remove and row.id is not None}
    clean = [_clean_risk(row) for row in kept]
    if len(clean) > MAX_RISKS:
        raise ValidationFailed("riskguide.risk_invalid")
    with transaction.atomic():
        locked = _locked_draft(analysis)
        existing = {r.pk: r for r in Risk.objects.select_for_update().filter(analysis=locked)}
        if any(row.id not in existing for row in clean if row.id is not None) or (
            removed - set(existing)
        ):
            raise ValidationFailed("riskguide.risk_unknown")
        changed: list[str] = []
        if removed:
            Risk.objects.filter(pk__in=removed).delete()
            changed += [f"removed:{pk}" for pk in sorted(removed)]
        for position, row in enumerate(clean, start=1):
            fields = {
                "description": row.description,
                "kind": row.kind,
                "exposed": row.exposed,
                "exposed_detail": row.exposed_detail,
                "position": position,
            }
            if row.id is None:
                risk = Risk.objects.create(analysis=locked, **fields)
                changed.append(f"added:{risk.pk}")
                continue
            risk = existing[row.id]
            if any(getattr(risk, k) != v for k, v in fields.items() if k != "position"):
                changed.append(f"changed:{risk.pk}")
            for name, value in fields.items():
                setattr(risk, name, value)
            risk.save()
        _record_save(actor, locked, "risks", changed)
    return locked


def analysis_save_ratings(
    *,
    actor: User,
    analysis: RiskAnalysis,
    ratings: Mapping[int, tuple[int | None, int | None]],
) -> RiskAnalysis:
    """Step 2: likelihood and consequence (1–4, or None while unknown) by risk id."""
    require_perm(actor, "riskguide.change_riskanalysis", analysis)
    for likelihood, consequence in ratings.values():
        if any(v is not None and v not in SCALE for v in (likelihood, consequence)):
            raise ValidationFailed("riskguide.rating_invalid")
    with transaction.atomic():
        locked = _locked_draft(analysis)
        risks = {r.pk: r for r in Risk.objects.select_for_update().filter(analysis=locked)}
        if set(ratings) - set(risks):
            raise ValidationFailed("riskguide.risk_unknown")
        changed = []
        for pk, (likelihood, consequence) in ratings.items():
            risk = risks[pk]
            if (risk.likelihood, risk.consequence) != (likelihood, consequence):
                risk.likelihood, risk.consequence = likelihood, consequence
                risk.save(update_fields=["likelihood", "consequence"])
                changed.append(f"rated:{pk}")
        _record_save(actor, locked, "ratings", changed)
    return locked


def analysis_save_measures(
    *, actor: User, analysis: RiskAnalysis, measures: Mapping[int, MeasureInput]
) -> RiskAnalysis:
    """Step 3: measures, owner, due date and done, by risk id."""
    require_perm(actor, "riskguide.change_riskanalysis", analysis)
    with transaction.atomic():
        locked = _locked_draft(analysis)
        risks = {r.pk: r for r in Risk.objects.select_for_update().filter(analysis=locked)}
        if set(measures) - set(risks):
            raise ValidationFailed("riskguide.risk_unknown")
        changed = []
        for pk, given in measures.items():
            risk = risks[pk]
            values = {
                "measures": (given.measures or "").strip(),
                "owner": (given.owner or "").strip()[:200],
                "due": given.due,
                "done": bool(given.done),
            }
            if any(getattr(risk, k) != v for k, v in values.items()):
                for name, value in values.items():
                    setattr(risk, name, value)
                risk.save(update_fields=list(values))
                changed.append(f"measures:{pk}")
        _record_save(actor, locked, "measures", changed)
    return locked


def risk_set_done(*, actor: User, risk: Risk, done: bool) -> Risk:
    """Record that a risk's measures are carried out (or not), in any state of the analysis:
    following up the measures is not a change of the analysis itself."""
    require_perm(actor, "riskguide.change_riskanalysis", risk.analysis)
    with transaction.atomic():
        locked = Risk.objects.select_for_update().select_related("analysis").get(pk=risk.pk)
        if locked.done != done:
            locked.done = done
            locked.save(update_fields=["done"])
            audit_log(
                actor=actor,
                action="riskanalysis.measure_done" if done else "riskanalysis.measure_undone",
                target=locked.analysis,
                organisation=locked.analysis.organisation,
                data={"risk": locked.pk},
            )
    return locked


# --- The workflow --------------------------------------------------------------------------------


def missing_for_submit(analysis: RiskAnalysis) -> tuple[str, dict[str, Any]] | None:
    """Why ``analysis`` cannot be submitted yet (an error code and its params), or None."""
    risks = list(analysis.risks.all())
    if not risks:
        return "riskguide.no_risks", {}
    unrated = [r.description for r in risks if not r.is_rated]
    if unrated:
        return "riskguide.not_rated", {"risks": ", ".join(unrated)}
    unowned = [r.description for r in risks if not (r.measures.strip() and r.owner.strip())]
    if unowned:
        return "riskguide.no_measures", {"risks": ", ".join(unowned)}
    return None


def analysis_submit(*, actor: User, analysis: RiskAnalysis) -> RiskAnalysis:
    """Draft → submitted for sign-off, once every risk is rated and has measures and an owner."""
    require_perm(actor, "riskguide.change_riskanalysis", analysis)
    with transaction.atomic():
        locked = _lock(analysis)
        MACHINE.require(locked.status, Action.SUBMIT)
        missing = missing_for_submit(locked)
        if missing is not None:
            code, params = missing
            raise ValidationFailed(code, **params)
        return _transition(actor, locked, Action.SUBMIT)


def analysis_send_back(*, actor: User, analysis: RiskAnalysis, reason: str) -> RiskAnalysis:
    """Submitted → draft again, with a reason (the reviewer wants changes)."""
    require_perm(actor, "riskguide.signoff_riskanalysis", analysis)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("riskguide.reason_missing", field="reason")
    with transaction.atomic():
        return _transition(actor, _lock(analysis), Action.SEND_BACK, reason=reason)


def _contributed(analysis: RiskAnalysis, user: User) -> bool:
    """Did ``user`` change the content since the analysis was last revised (or created)?"""
    from delaktig.core.models import AuditEntry

    entries = AuditEntry.objects.filter(
        target_type=analysis._meta.label_lower, target_id=str(analysis.pk)
    )
    revised = entries.filter(action="riskanalysis.revise").order_by("-pk").first()
    if revised is not None:
        entries = entries.filter(pk__gt=revised.pk)
    created = entries.filter(action="riskanalysis.create", actor=user).exists()
    return created or any(
        entry.data.get("changed")
        for entry in entries.filter(action="riskanalysis.save", actor=user).only("data")
    )


def analysis_sign_off(*, actor: User, analysis: RiskAnalysis, note: str = "") -> RiskAnalysis:
    """Submitted → signed off, by a second official: not whoever wrote or changed it."""
    require_perm(actor, "riskguide.signoff_riskanalysis", analysis)
    with transaction.atomic():
        locked = _lock(analysis)
        MACHINE.require(locked.status, Action.SIGN_OFF)
        if locked.was_written_by(actor) or _contributed(locked, actor):
            raise PermissionDenied("riskguide.four_eyes")
        locked.signed_off_by = actor
        locked.signed_off_at = timezone.now()
        locked.signoff_note = (note or "").strip()
        locked.reassessment_cause = ""
        fields = ["signed_off_by", "signed_off_at", "signoff_note", "reassessment_cause"]
        return _transition(actor, locked, Action.SIGN_OFF, fields)


def analysis_flag(*, actor: User, analysis: RiskAnalysis, reason: str) -> RiskAnalysis:
    """Signed off → needs re-assessment, because an official says so (with a reason)."""
    require_perm(actor, "riskguide.change_riskanalysis", analysis)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("riskguide.reason_missing", field="reason")
    with transaction.atomic():
        locked = _lock(analysis)
        MACHINE.require(locked.status, Action.FLAG)
        locked.reassessment_cause = reason
        return _transition(actor, locked, Action.FLAG, ["reassessment_cause"], cause=reason)


def analyses_mark_for_reassessment(
    *, process_id: int | None = None, meeting_id: int | None = None, cause: str
) -> int:
    """Move the signed-off analyses of the process and/or meeting to "needs re-assessment",
    audited with ``cause``; return how many. No actor: the incident log calls this after its
    own permission check, when an incident is logged for that process or meeting."""
    condition = Q()
    if process_id is not None:
        condition |= Q(process_id=process_id)
    if meeting_id is not None:
        condition |= Q(meeting_id=meeting_id)
    if not condition:
        return 0
    cause = (cause or "").strip()
    with transaction.atomic():
        analyses = list(
            RiskAnalysis.objects.select_for_update()
            .filter(condition, status=Status.SIGNED_OFF.value)
            .select_related("organisation")
            .order_by("pk")
        )
        for analysis in analyses:
            analysis.reassessment_cause = cause
            fields = ["reassessment_cause"]
            _transition(None, analysis, Action.FLAG, fields, cause=cause, by="incident")
    return len(analyses)


def analysis_revise(*, actor: User, analysis: RiskAnalysis) -> RiskAnalysis:
    """Needs re-assessment → draft, to be revised and signed off again. Clears the sign-off."""
    require_perm(actor, "riskguide.change_riskanalysis", analysis)
    with transaction.atomic():
        locked = _lock(analysis)
        MACHINE.require(locked.status, Action.REVISE)
        previous: dict[str, Any] = {
            "signed_off_by": locked.signed_off_by_id,
            "signed_off_at": locked.signed_off_at.isoformat() if locked.signed_off_at else None,
            "cause": locked.reassessment_cause,
        }
        locked.signed_off_by = None
        locked.signed_off_at = None
        locked.signoff_note = ""
        fields = ["signed_off_by", "signed_off_at", "signoff_note"]
        return _transition(actor, locked, Action.REVISE, fields, **previous)


# --- Contentious processes and meetings, and the reminder ----------------------------------------


def contentious_mark_create(
    *,
    actor: User,
    reason: str,
    process: "Process | None" = None,
    meeting: "Meeting | None" = None,
) -> ContentiousMark:
    """Mark a process or a meeting as one that may stir strong feelings or conflict."""
    if (process is None) == (meeting is None):
        raise ValidationFailed("riskguide.subject_missing", field="subject")
    subject: Any = process or meeting
    require_perm(actor, "riskguide.change_contentiousmark", subject)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("riskguide.reason_missing", field="reason")
    with transaction.atomic():
        taken = ContentiousMark.objects.select_for_update().filter(process=process, meeting=meeting)
        if taken.exists():
            raise ValidationFailed("riskguide.already_marked", field="subject")
        mark = ContentiousMark.objects.create(
            organisation_id=subject.organisation_id,
            process=process,
            meeting=meeting,
            reason=reason,
            marked_by=actor,
        )
        audit_log(
            actor=actor,
            action="riskguide.mark_contentious",
            target=mark,
            organisation=mark.organisation,
            data={"subject": mark.subject_kind.value, "subject_id": subject.pk, "reason": reason},
        )
    return mark


def contentious_mark_remove(*, actor: User, mark: ContentiousMark) -> None:
    """Take the mark away: the process or meeting is no longer considered contentious."""
    require_perm(actor, "riskguide.change_contentiousmark", mark)
    with transaction.atomic():
        locked = ContentiousMark.objects.select_for_update().filter(pk=mark.pk).first()
        if locked is None:
            return
        audit_log(
            actor=actor,
            action="riskguide.unmark_contentious",
            target=locked,
            organisation=locked.organisation,
            data={"subject": locked.subject_kind.value, "reason": locked.reason},
        )
        locked.delete()


def contentious_reminders_send(*, now: datetime | None = None) -> int:
    """Remind the organisation's officials, once per mark, of each contentious open or
    published process and upcoming meeting that has no signed-off analysis. Returns how many
    marks were reminded about. Idempotent: ``reminded_at`` is set in the same transaction."""
    from . import selectors
    from .notify import remind_officials

    now = now or timezone.now()
    sent = 0
    for mark in selectors.marks_missing_analysis(now=now).filter(reminded_at__isnull=True):
        with transaction.atomic():
            claimed = ContentiousMark.objects.filter(pk=mark.pk, reminded_at__isnull=True).update(
                reminded_at=now
            )
            if not claimed:
                continue
            recipients = remind_officials(mark)
            audit_log(
                actor=None,
                action="riskguide.reminder_sent",
                target=mark,
                organisation=mark.organisation,
                data={"recipients": recipients},
            )
            sent += 1
    return sent
