"""Reporting, handling, sharing and the personal data of the incident log."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from tests.factories import OrganisationFactory, ProcessFactory, UserFactory, role

from delaktig.accounts import services as account_services
from delaktig.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from delaktig.core.models import AuditEntry
from delaktig.incidents import contributions, services
from delaktig.incidents.models import Incident, IncidentShare
from delaktig.incidents.workflow import Action, Status
from delaktig.meetings.models import Meeting
from delaktig.notifications.models import OutgoingEmail

from .helpers import report, reporter_for, security_for

pytestmark = pytest.mark.django_db


def test_a_report_is_saved_audited_and_the_security_function_is_told_nothing_sensitive() -> None:
    organisation = OrganisationFactory()
    security = security_for(organisation)
    incident = report(organisation, description="Hotade att komma hem till mig.")
    assert incident.status == Status.REPORTED
    entry = AuditEntry.objects.get(action="incident.report")
    # The organisation's officials read its audit log: no organisation, no words, no category.
    assert entry.organisation is None
    assert "hot" not in entry.target_repr.lower()
    assert entry.data == {"about_self": True}
    email = OutgoingEmail.objects.get(recipient=security.email)
    assert "Hotade" not in email.body and "Eva" not in email.body
    assert f"/personal/incidenter/{incident.pk}/" in email.body


def test_only_people_with_a_role_in_the_organisation_report() -> None:
    organisation = OrganisationFactory()
    for stranger in (UserFactory(), role(UserFactory(), "administrator")):
        with pytest.raises(PermissionDenied):
            report(organisation, reporter=stranger)
    other = reporter_for(OrganisationFactory(), "official")
    with pytest.raises(PermissionDenied):
        report(organisation, reporter=other)
    for kind in ("official", "elected", "moderator", "security"):
        assert report(organisation, reporter=reporter_for(organisation, kind)).pk


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"description": "  "}, "description"),
        ({"concerned_name": ""}, "concerned_name"),
        ({"occurred_on": timezone.localdate() + timedelta(days=1)}, "occurred_on"),
        ({"police_reported": True, "police_case_number": "12345"}, "police_case_number"),
        ({"police_reported": False, "police_case_number": "K1234-25"}, "police_case_number"),
    ],
)
def test_bad_details_are_refused_at_their_field(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        report(OrganisationFactory(), **overrides)
    assert refused.value.field == field
    assert Incident.objects.count() == 0


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("K123456-25", "K123456-25"), ("k 123456-25", "K123456-25"), ("5000-K12-26", "5000-K12-26")],
)
def test_police_case_numbers_are_read_leniently(typed: str, stored: str) -> None:
    incident = report(OrganisationFactory(), police_reported=True, police_case_number=typed)
    assert incident.police_case_number == stored


def test_a_process_or_meeting_of_another_organisation_is_refused() -> None:
    organisation = OrganisationFactory()
    with pytest.raises(ValidationFailed) as refused:
        report(organisation, process=ProcessFactory())
    assert refused.value.field == "process"


def _meeting(organisation: Any) -> Meeting:
    now = timezone.now()
    return Meeting.objects.create(
        organisation=organisation,
        kind=Meeting.Kind.ASSEMBLY,
        title="Fullmäktige",
        starts_at=now - timedelta(days=2),
        ends_at=now - timedelta(days=2) + timedelta(hours=3),
    )


def test_a_linked_process_or_meeting_asks_riskguide_for_a_reassessment(monkeypatch: Any) -> None:
    calls: list[dict[str, Any]] = []

    def record(**kwargs: Any) -> int:
        calls.append(kwargs)
        return 0

    monkeypatch.setattr("delaktig.riskguide.services.analyses_mark_for_reassessment", record)
    organisation = OrganisationFactory()
    report(organisation)
    assert calls == []
    process = ProcessFactory(organisation=organisation)
    meeting = _meeting(organisation)
    incident = report(organisation, process=process, meeting=meeting)
    assert calls[0]["process_id"] == process.pk and calls[0]["meeting_id"] == meeting.pk
    assert str(incident.pk) in calls[0]["cause"]
    # A change of the link asks again; a save that keeps it does not.
    security = security_for(organisation)
    handling = {
        "police_reported": False,
        "police_case_number": "",
        "support": [],
        "support_text": "",
        "follow_up": "",
    }
    services.incident_update(actor=security, incident=incident, **handling)
    assert len(calls) == 1
    services.incident_update(actor=security, incident=incident, meeting=None, **handling)
    assert calls[1] == {"process_id": process.pk, "meeting_id": None, "cause": calls[1]["cause"]}


def test_the_reassessment_reaches_a_signed_off_risk_analysis() -> None:
    """Against riskguide itself: the function exists with the agreed signature."""
    import inspect

    from delaktig.riskguide.services import analyses_mark_for_reassessment

    parameters = inspect.signature(analyses_mark_for_reassessment).parameters
    assert {"process_id", "meeting_id", "cause"} <= set(parameters)
    organisation = OrganisationFactory()
    assert report(organisation, process=ProcessFactory(organisation=organisation)).pk


def test_the_security_function_handles_and_moves_the_incident_on() -> None:
    organisation = OrganisationFactory()
    incident = report(organisation)
    security = security_for(organisation)
    with pytest.raises(PermissionDenied):
        services.incident_transition(
            actor=incident.reported_by, incident=incident, action=Action.START
        )
    incident = services.incident_update(
        actor=security,
        incident=incident,
        police_reported=True,
        police_case_number="K55-25",
        support=["legal_advice", "manager", "manager"],
        support_text="Samtal bokat.",
        follow_up="Ny kontakt om en vecka.",
        category="trakasserier",
    )
    assert incident.support == ["manager", "legal_advice"]
    assert incident.category == "trakasserier"
    with pytest.raises(ValidationFailed):
        services.incident_update(
            actor=security,
            incident=incident,
            police_reported=True,
            police_case_number="",
            support=["cake"],
            support_text="",
            follow_up="",
        )
    incident = services.incident_transition(actor=security, incident=incident, action="start")
    incident = services.incident_transition(actor=security, incident=incident, action="close")
    assert incident.status == Status.CLOSED and incident.closed_at is not None
    with pytest.raises(InvalidTransition):
        services.incident_transition(actor=security, incident=incident, action="start")
    incident = services.incident_transition(actor=security, incident=incident, action="reopen")
    assert incident.status == Status.HANDLING and incident.closed_at is None
    actions = list(
        AuditEntry.objects.filter(target_id=str(incident.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "incident.report",
        "incident.update",
        "incident.start",
        "incident.close",
        "incident.reopen",
    ]


def _county_pair() -> tuple[Any, Any]:
    region = OrganisationFactory(scb_code="23")
    municipality = OrganisationFactory(kind="municipality", scb_code="2380")
    return region, municipality


def test_sharing_within_the_county_with_a_reason_and_revoking_it() -> None:
    region, municipality = _county_pair()
    security = security_for(region)
    their_security = security_for(municipality)
    incident = report(region)
    assert not their_security.has_perm("incidents.view_incident", incident)
    with pytest.raises(ValidationFailed) as refused:
        services.incident_share(
            actor=security, incident=incident, organisation=municipality, reason=" "
        )
    assert refused.value.field == "reason"
    share = services.incident_share(
        actor=security, incident=incident, organisation=municipality, reason="Samma avsändare."
    )
    assert their_security.has_perm("incidents.view_incident", incident)
    assert not their_security.has_perm("incidents.change_incident", incident)
    assert OutgoingEmail.objects.filter(recipient=their_security.email).count() == 1
    with pytest.raises(Conflict):
        services.incident_share(
            actor=security, incident=incident, organisation=municipality, reason="Igen."
        )
    with pytest.raises(PermissionDenied):
        services.incident_share_revoke(actor=their_security, share=share)
    services.incident_share_revoke(actor=security, share=share)
    assert not their_security.has_perm("incidents.view_incident", incident)
    with pytest.raises(Conflict):
        services.incident_share_revoke(actor=security, share=share)
    # Shared again after revoking: a new share, the old one stays on record.
    services.incident_share(
        actor=security, incident=incident, organisation=municipality, reason="Nytt hot."
    )
    assert IncidentShare.objects.filter(incident=incident).count() == 2
    assert list(
        AuditEntry.objects.filter(action__startswith="incident.share")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["incident.share", "incident.share_revoke", "incident.share"]


def test_sharing_outside_the_county_or_without_a_security_function_is_refused() -> None:
    region, municipality = _county_pair()
    security = security_for(region)
    incident = report(region)
    with pytest.raises(ValidationFailed) as refused:
        services.incident_share(
            actor=security, incident=incident, organisation=municipality, reason="Skäl."
        )
    assert refused.value.code == "incidents.share_without_security"
    elsewhere = OrganisationFactory(kind="municipality", scb_code="0180")
    security_for(elsewhere)
    with pytest.raises(ValidationFailed) as refused:
        services.incident_share(
            actor=security, incident=incident, organisation=elsewhere, reason="Skäl."
        )
    assert refused.value.code == "incidents.share_not_related"


def test_deleting_the_account_of_the_person_concerned_keeps_the_employers_record() -> None:
    organisation = OrganisationFactory()
    incident = report(organisation)
    person = incident.reported_by
    exported = contributions._export(person)
    assert [row["id"] for row in exported] == [incident.pk]
    assert exported[0]["about_you"] and exported[0]["you_reported_it"]
    account_services.account_delete(user=person)
    incident.refresh_from_db()
    assert incident.reported_by is None and incident.concerned_user is None
    assert incident.description  # the record itself is kept


def test_retention_removes_only_incidents_closed_long_enough_ago() -> None:
    organisation = OrganisationFactory()
    security = security_for(organisation)
    old, recent, still_open = report(organisation), report(organisation), report(organisation)
    for incident in (old, recent):
        services.incident_transition(actor=security, incident=incident, action="close")
    Incident.objects.filter(pk=old.pk).update(closed_at=timezone.now() - timedelta(days=400))
    removed = contributions._apply(organisation, 365, timezone.now())
    assert removed == 1
    assert set(Incident.objects.values_list("pk", flat=True)) == {recent.pk, still_open.pk}
