"""Councils and their members, referrals (remisser): send, answer, record how the answers were
used, tell the council; attendance and compensation at council meetings."""

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from delaktig.accounts.predicates import require_perm_in_phase
from delaktig.accounts.types import User
from delaktig.core.audit import audit_log
from delaktig.core.errors import Conflict, PermissionDenied, ValidationFailed, require_perm
from delaktig.meetings.models import Meeting
from delaktig.notifications.outbox import email_queue
from delaktig.organisations.models import Organisation
from delaktig.participation.models import ProcessModule

from .compensation import Claim
from .models import Attendance, CompensationModel, Council, Membership, Referral, ReferralResponse
from .modules import REFERRALS
from .rules import speaks_for_council
from .selectors import member_councils

# --- Councils and their members ---


def council_save(
    *,
    actor: User,
    council: Council | None,
    organisation: Organisation,
    kind: str,
    minority: str,
    name: str,
    slug: str,
    mandate: str,
    secretary: User | None,
) -> Council:
    """Create a council (``council`` None) or change one, for one of the actor's organisations."""
    require_perm(actor, "councils.change_council", organisation)
    with transaction.atomic():
        if council is None:
            saved = Council(organisation=organisation)
        else:
            saved = Council.objects.select_for_update().get(pk=council.pk)
            require_perm(actor, "councils.change_council", saved)
        saved.organisation = organisation
        saved.kind = kind
        saved.minority = minority
        saved.name = name
        saved.slug = slug
        saved.mandate = mandate
        saved.secretary = secretary
        saved.save()
        audit_log(actor=actor, action="council.save", target=saved, organisation=organisation)
    return saved


def membership_add(
    *,
    actor: User,
    council: Council,
    name: str,
    nominated_by: str,
    role: str,
    term_start: date,
    term_end: date,
    user: User | None,
) -> Membership:
    require_perm(actor, "councils.change_council", council)
    if term_end < term_start:
        raise ValidationFailed("councils.term_ends_before_start", field="term_end")
    with transaction.atomic():
        membership = Membership.objects.create(
            council=council,
            user=user,
            name=name,
            nominated_by=nominated_by,
            role=role,
            term_start=term_start,
            term_end=term_end,
        )
        audit_log(
            actor=actor,
            action="council.member_add",
            target=council,
            organisation=council.organisation,
            data={"name": membership.name},
        )
    return membership


def membership_end(*, actor: User, council: Council, membership_id: int | None) -> bool:
    """End a member's term today; False if the council has no such member."""
    require_perm(actor, "councils.change_council", council)
    with transaction.atomic():
        ended = Membership.objects.filter(council=council, pk=membership_id or 0).update(
            term_end=timezone.localdate()
        )
        if ended:
            audit_log(
                actor=actor,
                action="council.member_end",
                target=council,
                organisation=council.organisation,
            )
    return bool(ended)


# --- Referrals ---


def _notify_members(
    councils: Iterable[Council] | QuerySet[Council],
    *,
    template: str,
    context: dict[str, object],
    kind: str,
    organisation: Organisation | None = None,
) -> None:
    today = timezone.localdate()
    emails = set(
        Membership.objects.filter(
            council__in=councils,
            term_start__lte=today,
            term_end__gte=today,
            user__isnull=False,
            user__is_active=True,
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    for email in sorted(emails):
        email_queue(
            recipient=email,
            template=template,
            context=context,
            kind=kind,
            organisation=organisation,
        )


def referral_create(
    *,
    actor: User,
    organisation: Organisation,
    title: str,
    question: str,
    body: str,
    deadline: date,
    councils: Sequence[Council],
    module: ProcessModule | None = None,
) -> Referral:
    require_perm(actor, "councils.send_referral", organisation)
    if not councils or any(c.organisation_id != organisation.pk for c in councils):
        raise ValidationFailed("councils.choose_own_councils", field="councils")
    if module is not None and (
        module.kind != REFERRALS.key or module.process.organisation_id != organisation.pk
    ):
        raise ValidationFailed("councils.choose_referral_module", field="module")
    if deadline <= timezone.localdate():
        raise ValidationFailed("councils.deadline_in_past", field="deadline")
    with transaction.atomic():
        referral = Referral.objects.create(
            organisation=organisation,
            title=title.strip(),
            question=question.strip(),
            body=body.strip(),
            deadline=deadline,
            created_by=actor,
            module=module,
        )
        referral.councils.set(councils)
        audit_log(actor=actor, action="referral.create", target=referral, organisation=organisation)
        _notify_members(
            councils,
            template="referral_sent",
            kind="councils.referral",
            organisation=organisation,
            context={
                "title": referral.title,
                "deadline": deadline.isoformat(),
                "path": referral.get_absolute_url(),
            },
        )
    return referral


def referral_answer(
    *, actor: User, referral: Referral, council: Council, kind: str, text: str
) -> ReferralResponse:
    """A member answers for one of their councils; the joint answer is the chair's or the
    secretary's, once per council. In a process, only while its referral phase runs."""
    require_perm_in_phase(actor, "councils.answer_referral", referral, action="answer")
    if council not in member_councils(viewer=actor, referral=referral):
        raise PermissionDenied()
    if kind not in ReferralResponse.Kind.values or not text.strip():
        raise ValidationFailed("councils.answer_missing", field="text")
    if kind == ReferralResponse.Kind.JOINT and not speaks_for_council.test(actor, council):
        raise PermissionDenied("councils.joint_answer_by_chair_or_secretary", field="kind")
    try:
        with transaction.atomic():
            return ReferralResponse.objects.create(
                referral=referral, council=council, author=actor, kind=kind, text=text.strip()
            )
    except IntegrityError:
        raise ValidationFailed("councils.joint_answer_given", field="kind") from None


def referral_record_use(*, actor: User, referral: Referral, how_used: str) -> Referral:
    """The referring official writes how the answers were used; the councils are told."""
    require_perm(actor, "councils.change_referral", referral)
    if not how_used.strip():
        raise ValidationFailed("councils.how_used_missing", field="how_used")
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        locked.how_used = how_used.strip()
        locked.how_used_at = timezone.now()
        locked.save(update_fields=["how_used", "how_used_at"])
        audit_log(
            actor=actor, action="referral.how_used", target=locked, organisation=locked.organisation
        )
        _notify_members(
            locked.councils.all(),
            template="referral_used",
            kind="councils.referral_used",
            organisation=locked.organisation,
            context={"title": locked.title, "path": locked.get_absolute_url()},
        )
    return locked


# --- Compensation (ersättningsmodell) ---


def compensation_model_save(
    *,
    actor: User,
    organisation: Organisation,
    fee_basis: str,
    fee: Decimal,
    lost_earnings_cap_per_half_day: Decimal,
    travel_basis: str,
    travel_per_km: Decimal,
) -> CompensationModel:
    require_perm(actor, "councils.change_compensationmodel", organisation)
    model, _created = CompensationModel.objects.update_or_create(
        organisation=organisation,
        defaults={
            "fee_basis": fee_basis,
            "fee": fee,
            "lost_earnings_cap_per_half_day": lost_earnings_cap_per_half_day,
            "travel_basis": travel_basis,
            "travel_per_km": travel_per_km,
        },
    )
    return model


def attendance_record(
    *, actor: User, meeting: Meeting, rows: Sequence[tuple[Membership, Claim]]
) -> int:
    """Record attendance for a council meeting; approved rows are not changed."""
    require_perm(actor, "councils.record_attendance", meeting)
    _require_held(meeting)
    saved = 0
    with transaction.atomic():
        for membership, claim in rows:
            if membership.council_id != meeting.council_id:
                raise PermissionDenied()
            attendance, _created = Attendance.objects.select_for_update().get_or_create(
                meeting=meeting, membership=membership
            )
            if attendance.approved_at is not None:
                continue
            attendance.present = claim.present
            attendance.half_days = claim.half_days
            attendance.lost_earnings = claim.lost_earnings
            attendance.travel_km = claim.travel_km
            attendance.travel_cost = claim.travel_cost
            attendance.save()
            saved += 1
        audit_log(
            actor=actor,
            action="attendance.record",
            target=meeting,
            organisation=meeting.organisation,
            data={"rows": saved},
        )
    return saved


def _require_held(meeting: Meeting) -> None:
    """Attendance, and the pay it gives, only for a meeting that has begun."""
    if meeting.starts_at > timezone.now():
        raise Conflict("councils.meeting_not_held")


def attendance_approve(*, actor: User, meeting: Meeting) -> int:
    require_perm(actor, "councils.approve_attendance", meeting)
    _require_held(meeting)
    with transaction.atomic():
        count = Attendance.objects.filter(meeting=meeting, approved_at__isnull=True).update(
            approved_at=timezone.now(), approved_by=actor
        )
        audit_log(
            actor=actor,
            action="attendance.approve",
            target=meeting,
            organisation=meeting.organisation,
            data={"rows": count},
        )
    return count
