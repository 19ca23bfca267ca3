"""Writes to processes. Views, the staff workspace, commands and the demo loader call these."""

from collections.abc import Iterable
from datetime import date, datetime
from functools import partial
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from delaktig.accounts.types import User
from delaktig.core.audit import audit_log
from delaktig.core.errors import InvalidTransition, ValidationFailed, require_perm
from delaktig.organisations.models import Body, Municipality, Organisation, enabled_module_kinds

from . import registry
from .covers import COVER_LIMITS, delete_renditions, prepare_cover, store_renditions
from .models import (
    Feedback,
    Follow,
    Perspective,
    Phase,
    Process,
    ProcessCover,
    ProcessModule,
    ProcessTransition,
    SdgGoal,
    SdgTarget,
    TargetGroup,
)
from .tasks import notify_feedback_published
from .workflow import MACHINE, Action, Status


def _check_body(organisation: Organisation, responsible_body: Body | None) -> None:
    if responsible_body is not None and responsible_body.organisation_id != organisation.pk:
        raise ValidationFailed("participation.body_of_other_organisation", field="responsible_body")


def _check_decision_expected(expected: date | None, process: Process | None = None) -> None:
    """When a decision is expected, as it is set or changed: not in the past, and not before
    the process's first phase starts. A date left as it was is not checked again."""
    if expected is None or (process is not None and expected == process.decision_expected):
        return
    if expected < timezone.localdate():
        raise ValidationFailed("participation.decision_expected_past", field="decision_expected")
    first = None if process is None else process.phases.order_by("starts_at").first()
    if first is not None and expected < timezone.localdate(first.starts_at):
        raise ValidationFailed(
            "participation.decision_expected_before_start",
            field="decision_expected",
            start=timezone.localdate(first.starts_at).isoformat(),
        )


def process_create(
    *,
    actor: User,
    organisation: Organisation,
    title: str,
    summary: str,
    purpose: str,
    input_use: str,
    decision_maker: str,
    ladder_step: int,
    slug: str = "",
    responsible_body: Body | None = None,
    easy_read_summary: str = "",
    body: str = "",
    language: str = "sv",
    question: str = "",
    target_group_analysis: str = "",
    decision_expected: date | None = None,
    target_groups: Iterable[TargetGroup] = (),
    municipalities: Iterable[Municipality] = (),
    perspectives: Iterable[Perspective] = (),
    sdg_goals: Iterable[SdgGoal] = (),
    sdg_targets: Iterable[SdgTarget] = (),
) -> Process:
    """Start a process, as a draft, for ``organisation``. An empty ``slug`` is made from the
    title (``-2``, ``-3`` … when it is taken)."""
    require_perm(actor, "participation.add_process", organisation)
    _check_body(organisation, responsible_body)
    _check_decision_expected(decision_expected)
    with transaction.atomic():
        process = Process.objects.create(
            organisation=organisation,
            responsible_body=responsible_body,
            title=title,
            slug=slug or Process.objects.free_slug(slugify(title)[:70]),
            summary=summary,
            easy_read_summary=easy_read_summary,
            body=body,
            language=language,
            ladder_step=ladder_step,
            question=question,
            purpose=purpose,
            target_group_analysis=target_group_analysis,
            input_use=input_use,
            decision_maker=decision_maker,
            decision_expected=decision_expected,
            created_by=actor,
        )
        process.target_groups.set(target_groups)
        process.municipalities.set(municipalities)
        process.perspectives.set(perspectives)
        process.sdg_goals.set(sdg_goals)
        process.sdg_targets.set(sdg_targets)
        audit_log(actor=actor, action="process.create", target=process, organisation=organisation)
    return process


def process_update(
    *,
    actor: User,
    process: Process,
    organisation: Organisation,
    responsible_body: Body | None,
    title: str,
    slug: str,
    summary: str,
    easy_read_summary: str,
    body: str,
    language: str,
    ladder_step: int,
    question: str,
    purpose: str,
    target_group_analysis: str,
    input_use: str,
    decision_maker: str,
    decision_expected: date | None,
    target_groups: Iterable[TargetGroup],
    municipalities: Iterable[Municipality],
    perspectives: Iterable[Perspective],
    sdg_goals: Iterable[SdgGoal],
    sdg_targets: Iterable[SdgTarget],
) -> Process:
    """Change what a process says (every field the staff form holds). Its status is changed
    only by :func:`process_transition`. Moving it to another organisation needs the right to
    start processes there."""
    _check_body(organisation, responsible_body)
    with transaction.atomic():
        # The row as stored: a bound form may already have changed ``process`` in memory.
        locked = Process.objects.select_for_update().get(pk=process.pk)
        require_perm(actor, "participation.change_process", locked)
        if organisation.pk != locked.organisation_id:
            require_perm(actor, "participation.add_process", organisation)
        _check_decision_expected(decision_expected, locked)
        locked.organisation = organisation
        locked.responsible_body = responsible_body
        locked.title = title
        locked.slug = slug or Process.objects.free_slug(slugify(title)[:70], exclude_pk=locked.pk)
        locked.summary = summary
        locked.easy_read_summary = easy_read_summary
        locked.body = body
        locked.language = language
        locked.ladder_step = ladder_step
        locked.question = question
        locked.purpose = purpose
        locked.target_group_analysis = target_group_analysis
        locked.input_use = input_use
        locked.decision_maker = decision_maker
        locked.decision_expected = decision_expected
        locked.save()
        locked.target_groups.set(target_groups)
        locked.municipalities.set(municipalities)
        locked.perspectives.set(perspectives)
        locked.sdg_goals.set(sdg_goals)
        locked.sdg_targets.set(sdg_targets)
        audit_log(actor=actor, action="process.update", target=locked, organisation=organisation)
    return locked


def _publish_feedback(process: Process) -> None:
    feedback = Feedback.objects.filter(process=process).first()
    if feedback is None or not (feedback.heard and feedback.decided and feedback.reasons):
        raise ValidationFailed("participation.feedback_missing")
    feedback.published_at = timezone.now()
    feedback.save(update_fields=["published_at", "updated"])


def process_transition(*, actor: User, process: Process, action: Action) -> Process:
    """Apply one transition of the life cycle, locking the row so two clicks make one change."""
    require_perm(actor, "participation.change_process", process)
    if action is Action.PUBLISH_FEEDBACK:
        require_perm(actor, "participation.publish_feedback", process)
    with transaction.atomic():
        locked = Process.objects.select_for_update().get(pk=process.pk)
        target = MACHINE.require(locked.status, action)
        if action is Action.PUBLISH_FEEDBACK:
            _publish_feedback(locked)
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


def process_publish(*, actor: User, process: Process) -> Process:
    return process_transition(actor=actor, process=process, action=Action.PUBLISH)


def process_open(*, actor: User, process: Process) -> Process:
    return process_transition(actor=actor, process=process, action=Action.OPEN)


def process_close(*, actor: User, process: Process) -> Process:
    return process_transition(actor=actor, process=process, action=Action.CLOSE)


def process_publish_feedback(*, actor: User, process: Process) -> Process:
    return process_transition(actor=actor, process=process, action=Action.PUBLISH_FEEDBACK)


def process_archive(*, actor: User, process: Process) -> Process:
    # The table only allows archive after feedback_published, so a process can never be
    # archived without feedback; the check here states it in words for the official.
    if process.status == Status.CLOSED:
        raise InvalidTransition("participation.archive_before_feedback")
    return process_transition(actor=actor, process=process, action=Action.ARCHIVE)


def feedback_save(
    *,
    actor: User,
    process: Process,
    heard: str,
    decided: str,
    reasons: str,
    decision_reference: str = "",
) -> Feedback:
    require_perm(actor, "participation.publish_feedback", process)
    if process.status == Status.DRAFT:
        raise InvalidTransition("participation.feedback_before_publishing")
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
    actor: User,
    process: Process,
    kind: str,
    title: str,
    description: str = "",
) -> ProcessModule:
    require_perm(actor, "participation.change_process", process)
    try:
        registry.get(kind)
    except KeyError:
        raise ValidationFailed("participation.unknown_module_kind", field="kind") from None
    enabled = enabled_module_kinds(process.organisation)
    if enabled is not None and kind not in enabled:
        raise ValidationFailed("participation.module_kind_not_enabled", field="kind")
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


def _check_phase(
    process: Process,
    module: ProcessModule | None,
    phase_type: str,
    starts_at: datetime,
    ends_at: datetime,
) -> None:
    if module is not None:
        if module.process_id != process.pk:
            raise ValidationFailed("participation.module_of_other_process", field="module")
        if module.module_type.phase_type(phase_type) is None:
            raise ValidationFailed("participation.unknown_phase_type", field="phase_type")
    if ends_at <= starts_at:
        raise ValidationFailed("participation.phase_ends_before_start", field="ends_at")


def phase_create(
    *,
    actor: User,
    process: Process,
    name: str,
    starts_at: datetime,
    ends_at: datetime,
    description: str = "",
    module: ProcessModule | None = None,
    phase_type: str = "",
) -> Phase:
    """Add a phase to ``process``: of one of its modules (``phase_type`` says what the phase
    allows there), or with no module, to inform."""
    require_perm(actor, "participation.change_process", process)
    _check_phase(process, module, phase_type, starts_at, ends_at)
    with transaction.atomic():
        phase = Phase.objects.create(
            process=process,
            module=module,
            phase_type=phase_type,
            name=name,
            description=description,
            starts_at=starts_at,
            ends_at=ends_at,
        )
        audit_log(
            actor=actor, action="phase.create", target=phase, organisation=process.organisation
        )
    return phase


def phase_update(
    *,
    actor: User,
    phase: Phase,
    name: str,
    description: str,
    module: ProcessModule | None,
    phase_type: str,
    starts_at: datetime,
    ends_at: datetime,
) -> Phase:
    process = phase.process
    require_perm(actor, "participation.change_process", process)
    _check_phase(process, module, phase_type, starts_at, ends_at)
    with transaction.atomic():
        phase.name = name
        phase.description = description
        phase.module = module
        phase.phase_type = phase_type
        phase.starts_at = starts_at
        phase.ends_at = ends_at
        phase.save()
        audit_log(
            actor=actor, action="phase.update", target=phase, organisation=process.organisation
        )
    return phase


def phase_delete(*, actor: User, phase: Phase) -> None:
    require_perm(actor, "participation.change_process", phase.process)
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="phase.delete",
            target=phase,
            organisation=phase.process.organisation,
        )
        phase.delete()


def follow_set(*, actor: User, process: Process, follow: bool) -> bool:
    """Follow or unfollow; idempotent under double submits. Returns the new state."""
    require_perm(actor, "participation.follow_process", process)
    if follow:
        Follow.objects.get_or_create(user=actor, process=process)
    else:
        Follow.objects.filter(user=actor, process=process).delete()
    return follow


def process_cover_save(
    *,
    actor: User,
    process: Process,
    alt_text: str,
    decorative: bool,
    image: File[Any] | None = None,
) -> ProcessCover:
    """Set the process's cover image, or change the alternative text of the one it has. The
    image is stored only as renditions without metadata (``covers.py``); it needs an
    alternative text unless it is marked as decorative."""
    require_perm(actor, "participation.change_process", process)
    alt_text = alt_text.strip()
    if not decorative and not alt_text:
        raise ValidationFailed("participation.cover_alt_missing", field="alt_text")
    made = prepare_cover(image.read(COVER_LIMITS.max_bytes + 1)) if image is not None else None
    # The files are written first, under new names, and removed again if the row is not saved.
    stored = store_renditions(process, made) if made is not None else None
    try:
        with transaction.atomic():
            cover = ProcessCover.objects.select_for_update().filter(process=process).first()
            if cover is None and stored is None:
                raise ValidationFailed("participation.cover_image_missing", field="image")
            cover = cover or ProcessCover(process=process, width=0, height=0, version=0)
            cover.alt_text, cover.decorative = ("" if decorative else alt_text), decorative
            if made is not None and stored is not None:
                transaction.on_commit(partial(delete_renditions, list(cover.renditions)))
                cover.version += 1
                cover.renditions = stored
                cover.width, cover.height = made[-1].width, made[-1].height
            cover.updated_by = actor
            cover.save()
            audit_log(
                actor=actor,
                action="process.cover_update",
                target=process,
                organisation=process.organisation,
                data={"new_image": made is not None, "decorative": decorative},
            )
    except BaseException:
        if stored is not None:
            delete_renditions(stored)
        raise
    return cover


def process_cover_remove(*, actor: User, process: Process) -> None:
    """Remove the process's cover image and its files."""
    require_perm(actor, "participation.change_process", process)
    with transaction.atomic():
        cover = ProcessCover.objects.select_for_update().filter(process=process).first()
        if cover is None:
            return
        old = list(cover.renditions)
        cover.delete()
        transaction.on_commit(partial(delete_renditions, old))
        audit_log(
            actor=actor,
            action="process.cover_remove",
            target=process,
            organisation=process.organisation,
        )
