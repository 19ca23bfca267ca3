from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from delaktig.core.errors import NotAllowedInPhase, PermissionDenied, ValidationFailed
from delaktig.councils import selectors, services
from delaktig.councils.compensation import Claim
from delaktig.councils.models import Council, Membership
from delaktig.meetings.models import Meeting
from tests.factories import OrganisationFactory, UserFactory, role

pytestmark = pytest.mark.django_db


def council_meeting(region: Any, council: Council, start: Any, hours: int) -> Meeting:
    """A meeting of ``council`` from ``start``, ``hours`` long."""
    return Meeting.objects.create(
        organisation=region,
        council=council,
        kind="council",
        title="Rådsmöte",
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
    )


@pytest.fixture
def setup() -> Any:
    region = OrganisationFactory()
    official = role(UserFactory(), "official", region)
    council = Council.objects.create(
        organisation=region,
        kind="pensionarsrad",
        name="Pensionärsrådet",
        slug="pr",
        mandate="Samråd.",
    )
    today = timezone.localdate()
    chair = UserFactory(email="chair@example.se")
    member = UserFactory(email="member@example.se")
    term = {"term_start": today - timedelta(days=365), "term_end": today + timedelta(days=365)}
    Membership.objects.create(council=council, user=chair, name="Ordf", role="ordforande", **term)
    Membership.objects.create(council=council, user=member, name="Led", **term)
    former = UserFactory(email="former@example.se")
    Membership.objects.create(
        council=council,
        user=former,
        name="Förr",
        term_start=today - timedelta(days=900),
        term_end=today - timedelta(days=400),
    )
    return region, official, council, chair, member, former


def test_referral_answers_and_feedback_reach_the_council(
    setup: Any, django_capture_on_commit_callbacks: Any
) -> None:
    region, official, council, chair, member, former = setup
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.referral_create(
            actor=official,
            organisation=region,
            title="Färdtjänst",
            question="Vad tycker ni?",
            body="",
            deadline=timezone.localdate() + timedelta(days=14),
            councils=[council],
        )
    told = sorted(address for m in mail.outbox for address in m.to)
    assert told == ["chair@example.se", "member@example.se"]  # not the former member
    with pytest.raises(PermissionDenied):
        services.referral_answer(
            actor=member, referral=referral, council=council, kind="joint", text="Vi tycker"
        )
    with pytest.raises(PermissionDenied):
        services.referral_answer(
            actor=former, referral=referral, council=council, kind="individual", text="Jag"
        )
    services.referral_answer(
        actor=member, referral=referral, council=council, kind="individual", text="Min synpunkt"
    )
    services.referral_answer(
        actor=chair, referral=referral, council=council, kind="joint", text="Rådets svar"
    )
    with pytest.raises(ValidationFailed):
        services.referral_answer(
            actor=chair, referral=referral, council=council, kind="joint", text="Ett till"
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_record_use(
            actor=official, referral=referral, how_used="Förslaget ändrades."
        )
    assert sorted(a for m in mail.outbox for a in m.to) == ["chair@example.se", "member@example.se"]


def test_overdue_until_every_council_has_answered(setup: Any, time_machine: Any) -> None:
    region, official, council, chair, _member, _former = setup
    other = Council.objects.create(
        organisation=region, kind="ungdomsrad", name="Ungdomsrådet", slug="ur", mandate="Unga."
    )
    deadline = timezone.localdate() + timedelta(days=7)
    referral = services.referral_create(
        actor=official,
        organisation=region,
        title="Remiss",
        question="?",
        body="",
        deadline=deadline,
        councils=[council, other],
    )
    time_machine.move_to(
        timezone.make_aware(
            timezone.datetime.combine(deadline, timezone.datetime.min.time()) + timedelta(hours=12)
        )
    )
    # The deadline day itself is on time.
    assert selectors.overdue_referrals(organisation_ids=[region.pk]) == []
    next_day = deadline + timedelta(days=1)
    overdue = selectors.overdue_referrals(organisation_ids=[region.pk], today=next_day)
    assert overdue == [(referral, [council, other])]
    services.referral_answer(
        actor=chair, referral=referral, council=council, kind="joint", text="Svar"
    )
    assert selectors.overdue_referrals(organisation_ids=[region.pk], today=next_day) == [
        (referral, [other])
    ]


def test_referral_needs_future_deadline_and_own_councils(setup: Any) -> None:
    region, official, council, *_ = setup
    foreign = Council.objects.create(
        organisation=OrganisationFactory(), kind="annat", name="Annat", slug="annat", mandate="-"
    )
    with pytest.raises(ValidationFailed):
        services.referral_create(
            actor=official,
            organisation=region,
            title="T",
            question="Q",
            body="",
            deadline=timezone.localdate(),
            councils=[council],
        )
    with pytest.raises(ValidationFailed):
        services.referral_create(
            actor=official,
            organisation=region,
            title="T",
            question="Q",
            body="",
            deadline=date(2099, 1, 1),
            councils=[foreign],
        )


def test_public_pages_member_form_and_council_calendar(client: Client, setup: Any) -> None:
    region, official, council, chair, _member, _former = setup
    start = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    council_meeting(region, council, start, hours=2)
    referral = services.referral_create(
        actor=official,
        organisation=region,
        title="Remissen",
        question="Vad?",
        body="",
        deadline=timezone.localdate() + timedelta(days=5),
        councils=[council],
    )
    html = client.get(council.get_absolute_url()).content.decode()
    assert "Ordf" in html and "Förr" not in html and "Rådsmöte" in html and "Remissen" in html
    events = Calendar.from_ical(
        client.get(reverse("councils:ics", args=[council.slug])).content
    ).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Rådsmöte"]
    assert "Lämna svar" not in client.get(referral.get_absolute_url()).content.decode()
    client.force_login(chair)
    response = client.post(
        referral.get_absolute_url(), {"council": council.pk, "kind": "joint", "text": ""}
    )
    assert response.status_code == 400
    client.post(
        referral.get_absolute_url(), {"council": council.pk, "kind": "joint", "text": "Vårt svar"}
    )
    assert "Vårt svar" in Client().get(referral.get_absolute_url()).content.decode()
    client.force_login(official)
    assert client.get(reverse("councils:referrals")).status_code == 200


def test_official_records_attendance_approves_and_exports_payroll(
    client: Client, setup: Any
) -> None:
    import csv
    import io

    from delaktig.councils.models import Attendance, CompensationModel

    region, official, council, chair, member, _former = setup
    CompensationModel.objects.create(
        organisation=region,
        fee_basis="half_day",
        fee=600,
        lost_earnings_cap_per_half_day=900,
        travel_basis="distance",
        travel_per_km=2.5,
    )
    start = timezone.now().replace(microsecond=0) - timedelta(days=1)
    meeting = council_meeting(region, council, start, hours=5)
    memberships = {m.user: m for m in council.memberships.all()}
    client.force_login(official)
    url = reverse("councils:attendance", args=[meeting.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Förr" not in page.content.decode()
    chair_prefix, member_prefix = f"m{memberships[chair].pk}", f"m{memberships[member].pk}"
    bad = {
        f"{chair_prefix}-present": "on",
        f"{chair_prefix}-half_days": "2",
        f"{chair_prefix}-lost_earnings": "-5",
        f"{chair_prefix}-travel_km": "40",
        f"{chair_prefix}-travel_cost": "0",
        f"{member_prefix}-half_days": "1",
        f"{member_prefix}-lost_earnings": "0",
        f"{member_prefix}-travel_km": "0",
        f"{member_prefix}-travel_cost": "0",
    }
    refused = client.post(url, bad)
    assert refused.status_code == 400
    summary = refused.content.decode().split('id="error-summary"')[1].split("</div>")[0]
    assert "Något behöver rättas" in summary and f'href="#id_{chair_prefix}-lost_earnings"' in (
        summary
    )
    assert not Attendance.objects.exists()
    good = {**bad, f"{chair_prefix}-lost_earnings": "2500"}
    assert client.post(url, good).status_code == 302
    assert Attendance.objects.count() == 2
    client.post(url, {"action": "approve"})
    assert not Attendance.objects.filter(approved_at__isnull=True).exists()
    # Approved rows are not changed by a later save.
    client.post(url, {**good, f"{chair_prefix}-travel_km": "400"})
    assert Attendance.objects.get(membership=memberships[chair]).travel_km == 40
    month = timezone.localtime(start).strftime("%Y-%m")
    response = client.get(reverse("councils:payroll", args=[region.slug]) + f"?manad={month}")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows == [
        {
            "name": "Ordf",
            "nominated_by": "",
            "council": "Pensionärsrådet",
            "meeting_date": timezone.localtime(start).date().isoformat(),
            "fee": "1200.00",
            "lost_earnings": "1800.00",
            "travel": "100.00",
            "total": "3100.00",
        }
    ]  # the absent member is owed nothing
    html = client.get(council.get_absolute_url()).content.decode()
    assert "600" in html and "kronor per halvdag" in html
    client.force_login(member)
    assert client.get(url).status_code == 403


def test_meetings_and_referrals_plug_into_a_process(client: Client, setup: Any) -> None:
    from delaktig.insights.selectors import process_figures
    from delaktig.meetings import services as meeting_services
    from delaktig.organisations.models import OrganisationSettings
    from delaktig.participation import services as participation_services
    from delaktig.participation.tasks import feedback_recipients
    from tests.factories import PhaseFactory, ProcessFactory

    region, official, council, chair, _member, _former = setup
    OrganisationSettings.objects.create(
        organisation=region, enabled_modules=["meeting", "referral"]
    )
    process = ProcessFactory(organisation=region)
    meetings = participation_services.module_add(
        actor=official, process=process, kind="meeting", title="Möten"
    )
    referrals = participation_services.module_add(
        actor=official, process=process, kind="referral", title="Remiss"
    )
    PhaseFactory(module=referrals, process=process, phase_type="referral", name="Remisstid")
    PhaseFactory(module=meetings, process=process, phase_type="events", name="Möten")
    start = (timezone.now() + timedelta(days=5)).replace(microsecond=0)
    meeting = Meeting.objects.create(
        organisation=region,
        kind="event",
        title="Dialogmöte",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        module=meetings,
        registration_open=True,
    )
    visitor = UserFactory(email="besok@example.se")
    meeting_services.registration_create(actor=visitor, meeting=meeting)
    referral = services.referral_create(
        actor=official,
        organisation=region,
        title="Remissen",
        question="?",
        body="",
        module=referrals,
        deadline=timezone.localdate() + timedelta(days=5),
        councils=[council],
    )
    services.referral_answer(
        actor=chair, referral=referral, council=council, kind="joint", text="Svar"
    )
    html = client.get(process.get_absolute_url()).content.decode()
    assert "Dialogmöte" in html and "Remissen" in html
    assert set(feedback_recipients(process)) == {"besok@example.se", "chair@example.se"}
    figures = process_figures(process=process).module_figures
    assert figures["Anmälda"] == 1 and figures["Svar från råd"] == 1
    with pytest.raises(ValidationFailed):
        services.referral_create(
            actor=official,
            organisation=region,
            title="Fel",
            question="?",
            body="",
            module=meetings,
            councils=[council],
            deadline=timezone.localdate() + timedelta(days=5),
        )


def test_officials_create_councils_and_manage_members(client: Client) -> None:
    region = OrganisationFactory()
    official = role(UserFactory(), "official", region)
    account = UserFactory(email="ledamot@example.se")
    client.force_login(official)
    response = client.post(
        reverse("councils:create"),
        {
            "action": "council",
            "organisation": region.pk,
            "kind": "minoritetssamrad",
            "minority": "",
            "name": "Sverigefinskt samråd",
            "slug": "sverigefinskt",
            "mandate": "Samråd.",
        },
    )
    assert response.status_code == 400 and "Sverigefinskt samråd" in response.content.decode()
    client.post(
        reverse("councils:create"),
        {
            "action": "council",
            "organisation": region.pk,
            "kind": "minoritetssamrad",
            "minority": "sverigefinnar",
            "name": "Sverigefinskt samråd",
            "slug": "sverigefinskt",
            "mandate": "Samråd.",
        },
    )
    council = Council.objects.get(slug="sverigefinskt")
    url = reverse("councils:edit", args=[council.slug])
    bad = {
        "action": "member",
        "member-name": "Aino",
        "member-role": "ledamot",
        "member-term_start": "2026-01-01",
        "member-term_end": "2025-01-01",
        "member-email": "finns-inte@example.se",
    }
    response = client.post(url, bad)
    assert response.status_code == 400 and "Aino" in response.content.decode()
    client.post(url, {**bad, "member-term_end": "2027-12-31", "member-email": "ledamot@example.se"})
    membership = council.memberships.get()
    assert membership.user == account
    page = client.post(url, {"action": "end_term", "pk": membership.pk})
    assert "Vill du verkligen avsluta uppdraget" in page.content.decode()  # core.confirm
    membership.refresh_from_db()
    assert membership.term_end != timezone.localdate()
    client.post(url, {"action": "end_term", "pk": membership.pk, "confirmed": "1"})
    membership.refresh_from_db()
    assert membership.term_end == timezone.localdate()
    client.force_login(role(UserFactory(), "official", OrganisationFactory()))
    assert client.get(url).status_code == 403


def _process_referral(official: Any, council: Council, **process: Any) -> Any:
    from tests.factories import ModuleFactory, ProcessFactory

    module = ModuleFactory(
        process=ProcessFactory(organisation=council.organisation, **process),
        kind="referral",
        title="Remiss",
    )
    referral = services.referral_create(
        actor=official,
        organisation=council.organisation,
        title="Remissen",
        question="?",
        body="",
        module=module,
        deadline=timezone.localdate() + timedelta(days=5),
        councils=[council],
    )
    return module, referral


def test_a_referral_in_a_process_is_answered_only_while_its_referral_phase_runs(
    client: Client, setup: Any
) -> None:
    from delaktig.participation.models import Phase
    from tests.factories import PhaseFactory

    region, official, council, chair, member, _former = setup
    module, referral = _process_referral(official, council)
    answer = {"actor": member, "referral": referral, "council": council, "kind": "individual"}
    # No phase yet, and a phase of another kind of module, allow nothing.
    PhaseFactory(module=module, process=module.process, phase_type="discussion")
    assert not member.has_perm("councils.answer_referral", referral)
    with pytest.raises(NotAllowedInPhase):  # "not now", not "not you"
        services.referral_answer(**answer, text="För tidigt")
    client.force_login(member)
    assert "Lämna svar" not in client.get(referral.get_absolute_url()).content.decode()
    response = client.post(
        referral.get_absolute_url(), {"council": council.pk, "kind": "individual", "text": "x"}
    )
    assert response.status_code == 409 and not referral.responses.exists()

    phase = PhaseFactory(module=module, process=module.process, phase_type="referral")
    assert member.has_perm("councils.answer_referral", referral)
    assert "Lämna svar" in client.get(referral.get_absolute_url()).content.decode()
    services.referral_answer(**answer, text="Under remisstiden")
    # Not after the phase, nor once the process is closed.
    phases = Phase.objects.filter(pk=phase.pk)
    phases.update(ends_at=timezone.now() - timedelta(minutes=1))
    assert not member.has_perm("councils.answer_referral", referral)
    phases.update(ends_at=timezone.now() + timedelta(days=1))
    module.process.status = "closed"
    module.process.save()
    referral = type(referral).objects.get(pk=referral.pk)
    with pytest.raises(NotAllowedInPhase):
        services.referral_answer(**{**answer, "referral": referral}, text="För sent")
    assert list(referral.responses.values_list("text", flat=True)) == ["Under remisstiden"]
    assert not official.has_perm("councils.answer_referral", referral)  # not on the council


def test_a_referral_outside_a_process_is_answered_after_its_deadline_too(
    setup: Any, time_machine: Any
) -> None:
    region, official, council, chair, _member, _former = setup
    deadline = timezone.localdate() + timedelta(days=3)
    referral = services.referral_create(
        actor=official,
        organisation=region,
        title="Remiss",
        question="?",
        body="",
        deadline=deadline,
        councils=[council],
    )
    time_machine.move_to(timezone.now() + timedelta(days=10))
    assert chair.has_perm("councils.answer_referral", referral)
    services.referral_answer(
        actor=chair, referral=referral, council=council, kind="joint", text="Sent svar"
    )
    assert referral.responses.get().text == "Sent svar"


def test_the_joint_answer_is_the_chairs_or_the_secretarys(client: Client, setup: Any) -> None:
    region, official, council, chair, member, _former = setup
    referral = services.referral_create(
        actor=official,
        organisation=region,
        title="Remiss",
        question="?",
        body="",
        deadline=timezone.localdate() + timedelta(days=5),
        councils=[council],
    )
    with pytest.raises(PermissionDenied) as refused:
        services.referral_answer(
            actor=member, referral=referral, council=council, kind="joint", text="Vi"
        )
    assert refused.value.code == "councils.joint_answer_by_chair_or_secretary"
    client.force_login(member)
    response = client.post(
        referral.get_absolute_url(), {"council": council.pk, "kind": "joint", "text": "Vi"}
    )
    assert response.status_code == 403
    assert "gemensamma svar lämnas av ordföranden" in response.content.decode()
    assert response.context["form"]["text"].value() == "Vi"
    council.secretary = member
    council.save()
    services.referral_answer(
        actor=member, referral=referral, council=council, kind="joint", text="Sekreterarens"
    )
    with pytest.raises(ValidationFailed) as twice:
        services.referral_answer(
            actor=chair, referral=referral, council=council, kind="joint", text="Igen"
        )
    assert twice.value.code == "councils.joint_answer_given"


@pytest.mark.parametrize(
    "perm",
    [
        "councils.change_council",
        "councils.change_compensationmodel",
        "councils.send_referral",
        "councils.change_referral",
        "councils.record_attendance",
        "councils.approve_attendance",
        "councils.export_payroll",
    ],
)
def test_officials_of_the_organisation_and_administrators_run_the_councils(
    setup: Any, perm: str
) -> None:
    region, official, council, chair, _member, _former = setup
    start = timezone.now()
    meeting_of_council = council_meeting(region, council, start, hours=2)
    referral = services.referral_create(
        actor=official,
        organisation=region,
        title="Remiss",
        question="?",
        body="",
        deadline=timezone.localdate() + timedelta(days=5),
        councils=[council],
    )
    target = {
        "councils.change_council": council,
        "councils.change_referral": referral,
        "councils.record_attendance": meeting_of_council,
        "councils.approve_attendance": meeting_of_council,
    }.get(perm, region)
    administrator = role(UserFactory(), "administrator")
    moderator = role(UserFactory(), "moderator", region)
    elsewhere = role(UserFactory(), "official", OrganisationFactory())
    assert official.has_perm(perm, target) and administrator.has_perm(perm, target)
    assert not any(u.has_perm(perm, target) for u in (moderator, elsewhere, chair))
    if perm.endswith("_attendance"):
        event = Meeting.objects.create(
            organisation=region,
            kind="event",
            title="Dialogmöte",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
        )
        assert not official.has_perm(perm, event)  # only a council's meeting


def test_attendance_and_pay_wait_until_the_meeting_is_held(client: Client, setup: Any) -> None:
    from delaktig.core.errors import Conflict
    from delaktig.councils.models import Attendance

    region, official, council, chair, _member, _former = setup
    start = timezone.now().replace(microsecond=0) + timedelta(days=14)
    meeting = council_meeting(region, council, start, hours=3)
    client.force_login(official)
    page = client.get(reverse("councils:attendance", args=[meeting.pk])).content.decode()
    assert "Mötet har inte hållits än" in page and "Spara närvaron" not in page
    seat = council.memberships.get(user=chair)
    with pytest.raises(Conflict):
        claim = Claim(True, 1, Decimal("0"), Decimal("10"), Decimal("0"))
        services.attendance_record(actor=official, meeting=meeting, rows=[(seat, claim)])
    with pytest.raises(Conflict):
        services.attendance_approve(actor=official, meeting=meeting)
    assert not Attendance.objects.exists()


def test_other_officials_cannot_record_attendance_or_export_payroll(
    client: Client, setup: Any
) -> None:
    region, official, council, chair, _member, _former = setup
    start = timezone.now() - timedelta(days=1)
    meeting = council_meeting(region, council, start, hours=2)
    seat = council.memberships.get(user=chair)
    claim = Claim(True, 1, Decimal("0"), Decimal("10"), Decimal("0"))
    elsewhere = role(UserFactory(), "official", OrganisationFactory())
    with pytest.raises(PermissionDenied):
        services.attendance_record(actor=elsewhere, meeting=meeting, rows=[(seat, claim)])
    with pytest.raises(PermissionDenied):
        services.attendance_approve(actor=elsewhere, meeting=meeting)
    client.force_login(elsewhere)
    assert client.get(reverse("councils:attendance", args=[meeting.pk])).status_code == 403
    assert client.post(reverse("councils:attendance", args=[meeting.pk]), {}).status_code == 403
    assert client.get(reverse("councils:payroll", args=[region.slug])).status_code == 403
    assert client.get(reverse("councils:compensation", args=[region.slug])).status_code == 403
    assert services.attendance_record(actor=official, meeting=meeting, rows=[(seat, claim)]) == 1
    assert services.attendance_approve(actor=official, meeting=meeting) == 1
