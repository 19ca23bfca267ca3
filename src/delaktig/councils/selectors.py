"""What the councils pages read: a person's seats, overdue referrals, the payroll export."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from delaktig.accounts.roles import official_organisations
from delaktig.accounts.types import Visitor
from delaktig.core.contributions import WorkItem
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


# --- The staff inbox (see councils/contributions.py) ---


@dataclass(frozen=True)
class ReferralWaiting:
    referral: Referral
    # Councils whose joint answer is missing past the deadline: the referral is overdue.
    missing: list[Council]


def referrals_waiting(*, viewer: Visitor, today: date | None = None) -> list[ReferralWaiting]:
    """Referrals an official must act on: past the deadline with answers missing (overdue,
    first), and those whose answers are in (all councils, or the deadline passed) but whose
    feedback on how the answers were used is not yet given."""
    today = today or timezone.localdate()
    candidates = (
        Referral.objects.filter(
            organisation__in=official_organisations(viewer), how_used_at__isnull=True
        )
        .filter(Q(deadline__lt=today) | Q(responses__kind=ReferralResponse.Kind.JOINT))
        .distinct()
        .prefetch_related("councils")
        .order_by("deadline", "pk")
    )
    joint = ReferralResponse.objects.filter(
        referral__in=candidates, kind=ReferralResponse.Kind.JOINT
    ).values_list("referral_id", "council_id")
    answered: dict[int, set[int]] = {}
    for referral_id, council_id in joint:
        answered.setdefault(referral_id, set()).add(council_id)
    overdue, to_use = [], []
    for referral in candidates:
        done = answered.get(referral.pk, set())
        missing = [c for c in referral.councils.all() if c.pk not in done]
        if missing and referral.deadline < today:
            overdue.append(ReferralWaiting(referral, missing))
        elif not missing:
            to_use.append(ReferralWaiting(referral, []))
    return overdue + to_use


def mine_councils(*, viewer: Visitor, on: date | None = None) -> list[WorkItem]:
    """The councils the person sits in now, with their role and term."""
    if not viewer.is_authenticated:
        return []
    on = on or timezone.localdate()
    memberships = (
        Membership.objects.filter(user=viewer, term_start__lte=on, term_end__gte=on)
        .select_related("council")
        .order_by("council__name", "pk")
    )
    return [
        WorkItem(
            title=m.council.name,
            url=m.council.get_absolute_url(),
            detail=_("%(role)s till och med %(end)s")
            % {"role": m.get_role_display(), "end": date_format(m.term_end)},
        )
        for m in memberships
    ]


def mine_referrals(*, viewer: Visitor, on: date | None = None) -> list[WorkItem]:
    """Open referrals to the person's councils that they have not answered yet, the nearest
    deadline first; each links to where it is answered."""
    if not viewer.is_authenticated:
        return []
    on = on or timezone.localdate()
    councils = Membership.objects.filter(user=viewer, term_start__lte=on, term_end__gte=on).values(
        "council_id"
    )
    answered = ReferralResponse.objects.filter(author=viewer).values("referral_id")
    referrals = (
        Referral.objects.filter(councils__in=councils, deadline__gte=on)
        .exclude(pk__in=answered)
        .distinct()
        .order_by("deadline", "pk")
    )
    return [
        WorkItem(
            title=referral.title,
            url=referral.get_absolute_url(),
            detail=_("Svara senast %(deadline)s") % {"deadline": date_format(referral.deadline)},
            when=referral.deadline,
        )
        for referral in referrals
    ]
