"""What the councils pages read: a person's seats, overdue referrals, the payroll export."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from delaktig.accounts.types import Visitor
from delaktig.meetings.models import Meeting
from delaktig.organisations.models import Organisation

from .compensation import owed
from .models import Attendance, CompensationModel, Council, Membership, Referral, ReferralResponse

PAYROLL_FIELDS = [
    "name",
    "nominated_by",
    "council",
    "meeting_date",
    "fee",
    "lost_earnings",
    "travel",
    "total",
]


def member_councils(
    *, viewer: Visitor, referral: Referral, on: date | None = None
) -> list[Council]:
    """The councils of this referral in which the person sits now."""
    if not viewer.is_authenticated:
        return []
    on = on or timezone.localdate()
    ids = Membership.objects.filter(
        user=viewer, council__in=referral.councils.all(), term_start__lte=on, term_end__gte=on
    ).values_list("council_id", flat=True)
    return list(Council.objects.filter(pk__in=ids))


def overdue_referrals(
    *, organisation_ids: Iterable[Any], today: date | None = None
) -> list[tuple[Referral, list[Council]]]:
    """Referrals past their deadline with councils that have not given a joint answer."""
    today = today or timezone.localdate()
    result = []
    for referral in Referral.objects.filter(
        organisation_id__in=organisation_ids, deadline__lt=today
    ).prefetch_related("councils"):
        answered = set(
            referral.responses.filter(kind=ReferralResponse.Kind.JOINT).values_list(
                "council_id", flat=True
            )
        )
        missing = [c for c in referral.councils.all() if c.pk not in answered]
        if missing:
            result.append((referral, missing))
    return result


@dataclass(frozen=True)
class AttendanceSheet:
    """Who sat on the council when the meeting was held, what is recorded, and the rules."""

    members: list[Membership]
    records: dict[int, Attendance]
    model: CompensationModel | None


def attendance_sheet(*, meeting: Meeting) -> AttendanceSheet:
    assert meeting.council is not None  # noqa: S101 - only council meetings have attendance
    held = meeting.starts_at.date()
    return AttendanceSheet(
        members=list(meeting.council.memberships.filter(term_start__lte=held, term_end__gte=held)),
        records={a.membership_id: a for a in Attendance.objects.filter(meeting=meeting)},
        model=CompensationModel.objects.filter(organisation_id=meeting.organisation_id).first(),
    )


def payroll_rows(*, organisation: Organisation, year: int, month: int) -> list[dict[str, object]]:
    """Approved compensation for meetings in a month, one row per person and meeting."""
    model = CompensationModel.objects.filter(organisation=organisation).first()
    if model is None:
        return []
    rules = model.rules()
    rows: list[dict[str, object]] = []
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
