"""Writing impact assessments. Staff pages and anything else call these, never the models.

Each transition of ``workflow.MACHINE`` has one service. Every service checks permission,
locks the assessment row, rechecks its status on the locked row (so two people clicking at once
make one change), writes and records an audit entry, all in one transaction.
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from delaktig.accounts.types import User
from delaktig.core.audit import audit_log
from delaktig.core.catalogue import message
from delaktig.core.errors import (
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
    require_perm,
)
from delaktig.organisations.models import Organisation

from .kinds import Problem, Template, check_answers, template_for
from .models import ImpactAssessment
from .selectors import missing_for_ready
from .workflow import MACHINE, Action, Status

if TYPE_CHECKING:
    from delaktig.followup.models import Activity
    from delaktig.participation.models import Process

DECISION_SUMMARY_LABEL = gettext_lazy("Beslutet som förbereds")

# --- Errors --------------------------------------------------------------------------------------


def problem_message(problem: Problem) -> str:
    """A problem from ``kinds.check_answers`` in the language of the request."""
    return message(f"assessments.answer_{problem.code}", problem.params)


def missing_sections_error(template: Template, missing: list[str]) -> ValidationFailed:
    """The error for required parts left empty. ``params["missing"]`` holds their keys:
    ``decision_summary`` and the required sections of the template, in the order of the form."""
    labels = [
        str(DECISION_SUMMARY_LABEL if key == "decision_summary" else template.section(key).label)
        for key in missing
    ]
    return ValidationFailed(
        "assessments.missing_sections", sections=", ".join(labels), missing=missing
    )


# --- Helpers -------------------------------------------------------------------------------------


def _lock(assessment: ImpactAssessment) -> ImpactAssessment:
    return ImpactAssessment.objects.select_for_update().get(pk=assessment.pk)


def _check_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationFailed("assessments.title_missing", field="title")
    if len(title) > 200:
        raise ValidationFailed("assessments.title_too_long", field="title")
    return title


def _check_link(
    organisation: Organisation, process: "Process | None", activity: "Activity | None"
) -> None:
    if process is not None and activity is not None:
        raise ValidationFailed("assessments.process_and_activity", field="activity")
    for name, linked in (("process", process), ("activity", activity)):
        if linked is not None and linked.organisation_id != organisation.pk:
            raise ValidationFailed("assessments.link_of_other_organisation", field=name)


# --- Services ------------------------------------------------------------------------------------


def assessment_create(
    *,
    actor: User,
    organisation: Organisation,
    kind: str,
    title: str,
    decision_summary: str = "",
    process: "Process | None" = None,
    activity: "Activity | None" = None,
) -> ImpactAssessment:
    """Start a draft of ``kind`` for ``organisation``, about a process, an activity or neither."""
    require_perm(actor, "assessments.add_impactassessment", organisation)
    try:
        template = template_for(kind)
    except KeyError as error:
        raise ValidationFailed("assessments.kind_missing", field="kind") from error
    title = _check_title(title)
    _check_link(organisation, process, activity)
    with transaction.atomic():
        assessment = ImpactAssessment.objects.create(
            organisation=organisation,
            kind=template.kind.value,
            title=title,
            decision_summary=(decision_summary or "").strip(),
            process=process,
            activity=activity,
            answers={},
            template_version=template.version,
            prepared_by=actor,
            last_edited_by=actor,
        )
        audit_log(
            actor=actor,
            action="assessment.create",
            target=assessment,
            organisation=organisation,
            data={
                "kind": assessment.kind,
                "process": getattr(process, "pk", None),
                "activity": getattr(activity, "pk", None),
            },
        )
    return assessment


def assessment_save_answers(
    *,
    actor: User,
    assessment: ImpactAssessment,
    answers: Mapping[str, Any],
    title: str | None = None,
    decision_summary: str | None = None,
) -> ImpactAssessment:
    """Save a draft's answers (and title and decision summary when given). All or nothing.

    Unfilled required sections are fine in a draft; ``assessment_mark_ready`` asks for them.
    Answers that do not fit the template raise ``assessments.answers_invalid`` (``problems``
    maps a section key to its message) and nothing is saved.
    """
    require_perm(actor, "assessments.change_impactassessment", assessment)
    clean, problems = check_answers(assessment.template, answers)
    if problems:
        raise ValidationFailed(
            "assessments.answers_invalid",
            problems={key: problem_message(p) for key, p in problems.items()},
        )
    new_title = _check_title(title) if title is not None else None
    with transaction.atomic():
        locked = _lock(assessment)
        if not locked.is_editable:
            raise InvalidTransition("assessments.not_editable")
        before = locked.answers or {}
        changed = sorted(k for k in set(before) | set(clean) if before.get(k) != clean.get(k))
        fields = ["answers", "updated"]
        locked.answers = clean
        if new_title is not None and new_title != locked.title:
            locked.title = new_title
            fields.append("title")
            changed.append("title")
        if decision_summary is not None and decision_summary.strip() != locked.decision_summary:
            locked.decision_summary = decision_summary.strip()
            fields.append("decision_summary")
            changed.append("decision_summary")
        if changed:
            # Only someone who changed the content counts as its author for the four-eyes rule.
            locked.last_edited_by = actor
            fields.append("last_edited_by")
        locked.save(update_fields=fields)
        audit_log(
            actor=actor,
            action="assessment.save",
            target=locked,
            organisation=locked.organisation,
            data={"changed": changed},
        )
    return locked


def assessment_mark_ready(*, actor: User, assessment: ImpactAssessment) -> ImpactAssessment:
    """Draft → ready for sign-off, once the decision and every required section are filled in."""
    require_perm(actor, "assessments.change_impactassessment", assessment)
    with transaction.atomic():
        locked = _lock(assessment)
        target = MACHINE.require(locked.status, Action.MARK_READY)
        missing = missing_for_ready(assessment=locked)
        if missing:
            raise missing_sections_error(locked.template, missing)
        locked.status = target.value
        locked.save(update_fields=["status", "updated"])
        audit_log(
            actor=actor,
            action="assessment.mark_ready",
            target=locked,
            organisation=locked.organisation,
            data={"from": Status.DRAFT.value, "to": target.value},
        )
    return locked


def _contributed(assessment: ImpactAssessment, user: User) -> bool:
    """Did ``user`` change the content since the assessment was last reopened (or created)?

    ``last_edited_by`` names only the latest author; a co-author who wrote most of it and was
    followed by someone else's save must not sign it off either."""
    from delaktig.core.models import AuditEntry

    entries = AuditEntry.objects.filter(
        target_type=assessment._meta.label_lower, target_id=str(assessment.pk)
    )
    reopened = entries.filter(action="assessment.reopen").order_by("-pk").first()
    if reopened is not None:
        entries = entries.filter(pk__gt=reopened.pk)
    return any(
        entry.data.get("changed")
        for entry in entries.filter(action="assessment.save", actor=user).only("data")
    )


def assessment_sign_off(
    *, actor: User, assessment: ImpactAssessment, note: str = "", publish: bool = True
) -> ImpactAssessment:
    """Ready → signed off, by someone other than whoever wrote or last changed it.

    After sign-off the assessment is read-only; ``publish`` decides whether it is shown on
    the website (a signed-off assessment is a public document, so normally yes).
    """
    require_perm(actor, "assessments.signoff_impactassessment", assessment)
    with transaction.atomic():
        locked = _lock(assessment)
        target = MACHINE.require(locked.status, Action.SIGN_OFF)
        if locked.was_written_by(actor) or _contributed(locked, actor):
            raise PermissionDenied("assessments.four_eyes")
        source = locked.status
        locked.status = target.value
        locked.signed_off_by = actor
        locked.signed_off_at = timezone.now()
        locked.signoff_note = (note or "").strip()
        locked.published = publish
        locked.save(
            update_fields=[
                "status",
                "signed_off_by",
                "signed_off_at",
                "signoff_note",
                "published",
                "updated",
            ]
        )
        audit_log(
            actor=actor,
            action="assessment.sign_off",
            target=locked,
            organisation=locked.organisation,
            data={"from": source, "to": target.value, "published": publish},
        )
    return locked


def assessment_reopen(
    *, actor: User, assessment: ImpactAssessment, reason: str
) -> ImpactAssessment:
    """Ready or signed off → draft again, with a reason. Clears the sign-off."""
    require_perm(actor, "assessments.change_impactassessment", assessment)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("assessments.reason_missing", field="reason")
    with transaction.atomic():
        locked = _lock(assessment)
        target = MACHINE.require(locked.status, Action.REOPEN)
        source = locked.status
        data: dict[str, Any] = {"from": source, "to": target.value, "reason": reason}
        if locked.signed_off_by_id is not None and locked.signed_off_at is not None:
            data["signed_off_by"] = locked.signed_off_by_id
            data["signed_off_at"] = locked.signed_off_at.isoformat()
            data["signoff_note"] = locked.signoff_note
        locked.status = target.value
        locked.signed_off_by = None
        locked.signed_off_at = None
        locked.signoff_note = ""
        locked.save(
            update_fields=["status", "signed_off_by", "signed_off_at", "signoff_note", "updated"]
        )
        audit_log(
            actor=actor,
            action="assessment.reopen",
            target=locked,
            organisation=locked.organisation,
            data=data,
        )
    return locked
