"""Writes to processes. Views, the staff workspace, commands and the demo loader call these."""

from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delaktig.core.audit import audit_log
from delaktig.core.errors import InvalidTransition, ValidationFailed, require_perm
from delaktig.organisations.models import enabled_module_kinds

from . import registry
from .models import Feedback, Follow, Phase, Process, ProcessModule, ProcessTransition
from .tasks import notify_feedback_published
from .workflow import Action, Status, next_status


def process_save(*, actor: Any, process: Process, m2m: dict[str, Any] | None = None) -> Process:
    """Create or update a process (from a validated form's instance)."""
    creating = process.pk is None
    require_perm(
        actor,
        "participation.add_process" if creating else "participation.change_process",
        process.organisation if creating else process,
    )
    if creating:
        process.created_by = actor
    with transaction.atomic():
        process.save()
        for name, values in (m2m or {}).items():
            getattr(process, name).set(values)
        audit_log(
            actor=actor,
            action="process.create" if creating else "process.update",
            target=process,
            organisation=process.organisation,
        )
    return process


def process_transition(*, actor: Any, process: Process, action: Action) -> Process:
    """Apply one transition of the life cycle, locking the row so two clicks make one change."""
    require_perm(actor, "participation.change_process", process)
    with transaction.atomic():
        locked = Process.objects.select_for_update().get(pk=process.pk)
        target = next_status(locked.status, action)
        if target is None:
            raise InvalidTransition()
        if action is Action.PUBLISH_FEEDBACK:
            feedback = Feedback.objects.filter(process=locked).first()
            if feedback is None or not (feedback.heard and feedback.decided and feedback.reasons):
                raise ValidationFailed(
                    _("Skriv återkopplingen först: vad ni hörde, vad som beslutades och varför.")
                )
            feedback.published_at = timezone.now()
            feedback.save(update_fields=["published_at", "updated"])
        source = locked.status
        locked.status = target.value
        fields = ["status", "updated"]
        if action is Action.PUBLISH and locked.published_at is None:
            locked.published_at = timezone.now()
            fields.append("published_at")
        locked.save(update_fields=fields)
        transition = ProcessTransition.objects.create(
            process=locked,
            action=action.value,
            from_status=source,
            to_status=target.value,
            actor=actor,
        )
        audit_log(
            actor=actor,
            action=f"process.{action.value}",
            target=locked,
            organisation=locked.organisation,
            data={"from": source, "to": target.value},
        )
        if action is Action.PUBLISH_FEEDBACK:
            transaction.on_commit(
                partial(notify_feedback_published.enqueue, locked.pk, transition.pk)
            )
    return locked


def process_publish(*, actor: Any, process: Process) -> Process:
    return process_transition(actor=actor, process=process, action=Action.PUBLISH)


def process_open(*, actor: Any, process: Process) -> Process:
    return process_transition(actor=actor, process=process, action=Action.OPEN)


def process_close(*, actor: Any, process: Process) -> Process:
    return process_transition(actor=actor, process=process, action=Action.CLOSE)


def process_publish_feedback(*, actor: Any, process: Process) -> Process:
    return process_transition(actor=actor, process=process, action=Action.PUBLISH_FEEDBACK)


def process_archive(*, actor: Any, process: Process) -> Process:
    # The table only allows archive after feedback_published, so a process can never be
    # archived without feedback; the check here states it in words for the official.
    if process.status == Status.CLOSED.value:
        raise InvalidTransition(
            _("En process kan inte arkiveras innan återkopplingen är publicerad.")
        )
    return process_transition(actor=actor, process=process, action=Action.ARCHIVE)


def feedback_save(
    *,
    actor: Any,
    process: Process,
    heard: str,
    decided: str,
    reasons: str,
    decision_reference: str = "",
) -> Feedback:
    require_perm(actor, "participation.publish_feedback", process)
    if process.status == Status.DRAFT.value:
        raise InvalidTransition(_("Återkoppling skrivs när processen är publicerad."))
    with transaction.atomic():
        feedback, created = Feedback.objects.update_or_create(
            process=process,
            defaults={
                "heard": heard,
                "decided": decided,
                "reasons": reasons,
                "decision_reference": decision_reference,
                "author": actor,
            },
        )
        audit_log(
            actor=actor,
            action="feedback.save",
            target=feedback,
            organisation=process.organisation,
            data={"created": created},
        )
    return feedback


def module_add(
    *,
    actor: Any,
    process: Process,
    kind: str,
    title: str,
    description: str = "",
) -> ProcessModule:
    require_perm(actor, "participation.change_process", process)
    try:
        registry.get(kind)
    except KeyError:
        raise ValidationFailed(_("Okänd deltagandeform.")) from None
    enabled = enabled_module_kinds(process.organisation)
    if enabled is not None and kind not in enabled:
        raise ValidationFailed(_("Organisationen har inte aktiverat den deltagandeformen."))
    with transaction.atomic():
        weight = process.modules.count()
        module = ProcessModule.objects.create(
            process=process, kind=kind, title=title, description=description, weight=weight
        )
        audit_log(
            actor=actor,
            action="module.add",
            target=module,
            organisation=process.organisation,
            data={"kind": kind},
        )
    return module


def phase_save(*, actor: Any, phase: Phase) -> Phase:
    require_perm(actor, "participation.change_process", phase.process)
    module = phase.module if phase.module_id is not None else None
    if module is not None:
        if module.process_id != phase.process_id:
            raise ValidationFailed(_("Deltagandeformen hör till en annan process."))
        if module.module_type.phase_type(phase.phase_type) is None:
            raise ValidationFailed(_("Den typen av fas finns inte för deltagandeformen."))
    if phase.ends_at <= phase.starts_at:
        raise ValidationFailed(_("En fas måste sluta efter att den börjar."))
    with transaction.atomic():
        creating = phase.pk is None
        phase.save()
        audit_log(
            actor=actor,
            action="phase.create" if creating else "phase.update",
            target=phase,
            organisation=phase.process.organisation,
        )
    return phase


def phase_delete(*, actor: Any, phase: Phase) -> None:
    require_perm(actor, "participation.change_process", phase.process)
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="phase.delete",
            target=phase,
            organisation=phase.process.organisation,
        )
        phase.delete()


def follow_set(*, user: Any, process: Process, follow: bool) -> bool:
    """Follow or unfollow; idempotent under double submits. Returns the new state."""
    require_perm(user, "participation.follow_process", process)
    if follow:
        Follow.objects.get_or_create(user=user, process=process)
    else:
        Follow.objects.filter(user=user, process=process).delete()
    return follow
