"""Personal data in the councils app: export, erasure and retention (gallring)."""

import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from delaktig.accounts.services import account_delete, personal_data_export
from delaktig.core import contributions
from delaktig.councils import services
from delaktig.councils.models import (
    Attendance,
    CompensationModel,
    Council,
    Membership,
    ReferralResponse,
)
from delaktig.meetings.models import Meeting
from tests.factories import OrganisationFactory, UserFactory, role

pytestmark = pytest.mark.django_db


def council_meeting(council: Council, starts_at: datetime) -> Meeting:
    return Meeting.objects.create(
        organisation=council.organisation,
        council=council,
        kind="council",
        title="Rådsmöte",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
    )


@pytest.fixture
def setup() -> Any:
    region = OrganisationFactory()
    official = role(UserFactory(), "official", region)
    council = Council.objects.create(
        organisation=region, kind="pensionarsrad", name="Pensionärsrådet", slug="pr", mandate="-"
    )
    today = timezone.localdate()
    term = {"term_start": today - timedelta(days=100), "term_end": today + timedelta(days=365)}
    chair = UserFactory()
    member = UserFactory()
    chair_seat = Membership.objects.create(
        council=council,
        user=chair,
        name="Astrid Ordförande",
        nominated_by="PRO",
        role="ordforande",
        **term,
    )
    member_seat = Membership.objects.create(
        council=council, user=member, name="Bertil Ledamot", nominated_by="SPF", **term
    )
    return region, official, council, chair, chair_seat, member, member_seat


def test_memberships_are_exported_and_the_name_no_longer_shows(client: Client, setup: Any) -> None:
    region, official, council, chair, chair_seat, member, member_seat = setup
    exported = personal_data_export(user=member)["council_memberships"]
    assert exported == [
        {
            "council": "Pensionärsrådet",
            "name": "Bertil Ledamot",
            "role": "ledamot",
            "nominated_by": "SPF",
            "term_start": member_seat.term_start.isoformat(),
            "term_end": member_seat.term_end.isoformat(),
        }
    ]
    assert "Bertil Ledamot" in client.get(council.get_absolute_url()).content.decode()

    account_delete(user=member)

    member_seat.refresh_from_db()
    assert member_seat.name == ""  # nothing to account for: the name goes
    assert member_seat.user_id == member.pk and member_seat.nominated_by == "SPF"
    html = client.get(council.get_absolute_url()).content.decode()
    assert "Bertil Ledamot" not in html and "Borttagen användare" in html
    assert "Astrid Ordförande" in html
    client.force_login(official)
    staff_html = client.get(reverse("councils:edit", args=[council.slug])).content.decode()
    assert "Borttagen användare" in staff_html and "Astrid Ordförande" in staff_html
    account_delete(user=member)  # idempotent
    assert Membership.objects.filter(pk=member_seat.pk).exists()


def test_compensation_is_exported_and_kept_with_the_name_for_accounting(
    client: Client, setup: Any
) -> None:
    region, official, council, chair, chair_seat, member, member_seat = setup
    CompensationModel.objects.create(
        organisation=region,
        fee_basis="half_day",
        fee=600,
        lost_earnings_cap_per_half_day=900,
        travel_basis="distance",
        travel_per_km=Decimal("2.50"),
    )
    held = council_meeting(council, timezone.now().replace(microsecond=0) - timedelta(days=2))
    Attendance.objects.create(
        meeting=held,
        membership=chair_seat,
        present=True,
        half_days=2,
        lost_earnings=2500,
        travel_km=40,
        approved_at=timezone.now(),
        approved_by=official,
    )
    Attendance.objects.create(meeting=held, membership=member_seat, present=False)
    exported = personal_data_export(user=chair)
    assert exported["council_compensation"] == [
        {
            "council": "Pensionärsrådet",
            "meeting": "Rådsmöte",
            "meeting_date": timezone.localtime(held.starts_at).date().isoformat(),
            "present": True,
            "half_days": 2,
            "lost_earnings_claimed": "2500.00",
            "travel_km": "40.0",
            "travel_cost_claimed": "0.00",
            "approved_at": Attendance.objects.get(membership=chair_seat).approved_at.isoformat(),
            "owed": {
                "fee": "1200.00",
                "lost_earnings": "1800.00",
                "travel": "100.00",
                "total": "3100.00",
            },
        }
    ]
    assert "Bertil" not in str(exported)
    # The official who approved it sees the approval among their own records.
    staff = personal_data_export(user=official)["councils_staff"]
    assert [row["kind"] for row in staff] == [str(Attendance._meta.verbose_name)]

    account_delete(user=chair)

    chair_seat.refresh_from_db()
    assert chair_seat.name == "Astrid Ordförande"  # bokföringslagen: the payee stays known
    assert Attendance.objects.filter(membership=chair_seat, present=True).count() == 1
    html = client.get(council.get_absolute_url()).content.decode()
    assert "Astrid Ordförande" not in html and "Borttagen användare" in html
    client.force_login(official)
    month = timezone.localtime(held.starts_at).strftime("%Y-%m")
    payroll = client.get(reverse("councils:payroll", args=[region.slug]) + f"?manad={month}")
    rows = list(csv.DictReader(io.StringIO(payroll.content.decode())))
    assert [(r["name"], r["total"]) for r in rows] == [("Astrid Ordförande", "3100.00")]


def test_referral_answers_stay_without_the_authors_name(client: Client, setup: Any) -> None:
    region, official, council, chair, chair_seat, member, member_seat = setup
    referral = services.referral_create(
        actor=official,
        organisation=region,
        title="Färdtjänst",
        question="Vad tycker ni?",
        body="",
        deadline=timezone.localdate() + timedelta(days=14),
        councils=[council],
    )
    services.referral_answer(
        actor=member, referral=referral, council=council, kind="individual", text="Min syn."
    )
    services.referral_answer(
        actor=chair, referral=referral, council=council, kind="joint", text="Rådets svar."
    )
    exported = personal_data_export(user=member)["council_referral_answers"]
    assert [(r["referral"], r["council"], r["kind"], r["text"]) for r in exported] == [
        ("Färdtjänst", "Pensionärsrådet", "individual", "Min syn.")
    ]
    staff = personal_data_export(user=official)["councils_staff"]
    assert [row["what"] for row in staff] == ["Färdtjänst"]
    assert member.display_name in client.get(referral.get_absolute_url()).content.decode()

    account_delete(user=member)

    answer = ReferralResponse.objects.get(author=member)
    assert answer.text == "Min syn."  # a public record
    html = client.get(referral.get_absolute_url()).content.decode()
    assert "Min syn." in html and "Borttagen användare" in html
    assert member.display_name not in html and chair.display_name in html


def test_secretary_is_exported_and_released(setup: Any) -> None:
    region, official, council, *_rest = setup
    council.secretary = official
    council.save()
    assert personal_data_export(user=official)["council_secretary"] == [
        {"council": "Pensionärsrådet"}
    ]
    account_delete(user=official)
    council.refresh_from_db()
    assert council.secretary is None


def test_compensation_is_kept_seven_years_after_the_year_in_that_organisation_only(
    setup: Any,
) -> None:
    region, official, council, chair, chair_seat, member, member_seat = setup
    rule = contributions.retention("council_compensation")
    assert rule.min_days == rule.default_days >= 7 * 365
    now = timezone.now()
    days = rule.default_days
    first_kept_year = timezone.localtime(now - timedelta(days=days)).year

    def at(year: int, month: int, day: int, hour: int) -> datetime:
        return timezone.make_aware(datetime(year, month, day, hour))

    due = Attendance.objects.create(
        meeting=council_meeting(council, at(first_kept_year - 1, 12, 31, 18)),
        membership=chair_seat,
        present=True,
    )
    kept = Attendance.objects.create(
        meeting=council_meeting(council, at(first_kept_year, 1, 1, 1)),
        membership=member_seat,
        present=True,
    )
    other = Council.objects.create(
        organisation=OrganisationFactory(), kind="annat", name="Annat", slug="x", mandate="-"
    )
    other_seat = Membership.objects.create(
        council=other,
        user=chair,
        name="Astrid Ordförande",
        term_start=chair_seat.term_start,
        term_end=chair_seat.term_end,
    )
    elsewhere = Attendance.objects.create(
        meeting=council_meeting(other, at(first_kept_year - 3, 6, 1, 10)),
        membership=other_seat,
        present=True,
    )
    # The chair deleted the account: the name stayed only for the accounting record.
    account_delete(user=chair)
    chair_seat.refresh_from_db()
    assert chair_seat.name == "Astrid Ordförande"

    assert rule.apply(region, days, now) == 2  # one attendance, one name
    assert not Attendance.objects.filter(pk=due.pk).exists()
    assert Attendance.objects.filter(pk__in=[kept.pk, elsewhere.pk]).count() == 2
    chair_seat.refresh_from_db()
    member_seat.refresh_from_db()
    other_seat.refresh_from_db()
    assert chair_seat.name == ""
    assert member_seat.name == "Bertil Ledamot"  # an account that still exists
    assert other_seat.name == "Astrid Ordförande"  # another organisation's record
    assert rule.apply(region, days, now) == 0  # idempotent
