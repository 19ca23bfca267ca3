"""Referrals (remisser): send, answer, record how the answers were used, tell the council."""

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delaktig.core.audit import audit_log
from delaktig.core.errors import PermissionDenied, ValidationFailed
from delaktig.notifications.outbox import email_queue

from .models import Council, Membership, Referral, ReferralResponse


def member_councils(user: Any, referral: Referral, on: date | None = None) -> list[Council]:
    """The councils of this referral in which the person sits now."""
    if not getattr(user, "is_authenticated", False):
        return []
    on = on or timezone.localdate()
    ids = Membership.objects.filter(
        user=user, council__in=referral.councils.all(), term_start__lte=on, term_end__gte=on
    ).values_list("council_id", flat=True)
    return list(Council.objects.filter(pk__in=ids))


def _notify_members(councils: Any, *, template: str, context: dict[str, object]) -> None:
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
        email_queue(recipient=email, template=template, context=context)


def referral_create(
    *,
    actor: Any,
    organisation: Any,
    title: str,
    question: str,
    body: str,
    deadline: date,
    councils: list[Council],
    module: Any = None,
) -> Referral:
    if not actor.has_perm("participation.change_process", organisation):
        raise PermissionDenied()
    if not councils or any(c.organisation_id != organisation.pk for c in councils):
        raise ValidationFailed(_("Välj ett eller flera av organisationens råd."))
    if module is not None and (
        module.kind != "referral" or module.process.organisation_id != organisation.pk
    ):
        raise ValidationFailed(_("Välj en remissdel i en av organisationens processer."))
    if deadline <= timezone.localdate():
        raise ValidationFailed(_("Sista svarsdag måste ligga i framtiden."))
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
            context={
                "title": referral.title,
                "deadline": deadline.isoformat(),
                "path": referral.get_absolute_url(),
            },
        )
    return referral


def referral_respond(
    *, author: Any, referral: Referral, council: Council, kind: str, text: str
) -> ReferralResponse:
    if council not in member_councils(author, referral):
        raise PermissionDenied()
    if kind not in ReferralResponse.Kind.values or not text.strip():
        raise ValidationFailed(_("Skriv svaret."))
    if kind == ReferralResponse.Kind.JOINT:
        chair_or_secretary = (
            council.secretary_id == author.pk
            or Membership.objects.filter(
                council=council, user=author, role=Membership.Role.CHAIR
            ).exists()
        )
        if not chair_or_secretary:
            raise PermissionDenied(
                _("Rådets gemensamma svar lämnas av ordföranden eller sekreteraren.")
            )
    try:
        with transaction.atomic():
            return ReferralResponse.objects.create(
                referral=referral, council=council, author=author, kind=kind, text=text.strip()
            )
    except IntegrityError:
        raise ValidationFailed(_("Rådet har redan lämnat sitt gemensamma svar.")) from None


def referral_record_use(*, actor: Any, referral: Referral, how_used: str) -> Referral:
    """The referring official writes how the answers were used; the councils are told."""
    if not actor.has_perm("participation.change_process", referral.organisation):
        raise PermissionDenied()
    if not how_used.strip():
        raise ValidationFailed(_("Beskriv hur svaren användes."))
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
            context={"title": locked.title, "path": locked.get_absolute_url()},
        )
    return locked


def overdue_referrals(organisation_ids: Any, today: date | None = None) -> list[tuple[Any, Any]]:
    """Referrals past their deadline with councils that have not given a joint answer."""
    today = today or timezone.localdate()
    result = []
    for referral in Referral.objects.filter(
        organisation_id__in=organisation_ids, deadline__lt=today
    ).prefetch_related("councils"):
        answered = set(referral.responses.filter(kind="joint").values_list("council_id", flat=True))
        missing = [c for c in referral.councils.all() if c.pk not in answered]
        if missing:
            result.append((referral, missing))
    return result


# --- Compensation (ersättningsmodell) ---


def attendance_record(*, actor: Any, meeting: Any, rows: list[dict[str, Any]]) -> int:
    """Record attendance for a council meeting; approved rows are not changed."""
    from .models import Attendance

    if meeting.council_id is None or not actor.has_perm(
        "participation.change_process", meeting.organisation
    ):
        raise PermissionDenied()
    saved = 0
    with transaction.atomic():
        for row in rows:
            membership = row["membership"]
            if membership.council_id != meeting.council_id:
                raise PermissionDenied()
            attendance, _created = Attendance.objects.select_for_update().get_or_create(
                meeting=meeting, membership=membership
            )
            if attendance.approved_at is not None:
                continue
            for field in ("present", "half_days", "lost_earnings", "travel_km", "travel_cost"):
                setattr(attendance, field, row[field])
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


def attendance_approve(*, actor: Any, meeting: Any) -> int:
    from .models import Attendance

    if not actor.has_perm("participation.change_process", meeting.organisation):
        raise PermissionDenied()
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


def payroll_rows(*, organisation: Any, year: int, month: int) -> list[dict[str, Any]]:
    """Approved compensation for meetings in a month, one row per person and meeting."""
    from .compensation import owed
    from .models import Attendance, CompensationModel

    model = CompensationModel.objects.filter(organisation=organisation).first()
    if model is None:
        return []
    rules = model.rules()
    rows = []
    attendance = (
        Attendance.objects.filter(
            meeting__organisation=organisation,
            approved_at__isnull=False,
            meeting__starts_at__year=year,
            meeting__starts_at__month=month,
        )
        .select_related("meeting", "membership__council")
        .order_by("meeting__starts_at", "pk")
    )
    for item in attendance:
        amount = owed(rules, item.claim())
        if amount.total == 0:
            continue
        rows.append(
            {
                "name": item.membership.staff_name,
                "nominated_by": item.membership.nominated_by,
                "council": item.membership.council.name,
                "meeting_date": timezone.localtime(item.meeting.starts_at).date().isoformat(),
                "fee": amount.fee,
                "lost_earnings": amount.lost_earnings,
                "travel": amount.travel,
                "total": amount.total,
            }
        )
    return rows
