"""Joining a strategy and networks of actors: the services and the permission matrix.

The views are tested in ``test_followup_actors_views.py``; the helpers here are shared with it.
"""

import io
import zipfile
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from delaktig.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from delaktig.core.models import AuditEntry
from delaktig.followup import selectors
from delaktig.followup.actors import services
from delaktig.followup.models import (
    Actor,
    ActorActivity,
    Commitment,
    Goal,
    Network,
    NetworkDocument,
    NetworkMember,
    Strategy,
)
from tests.factories import OrganisationFactory, UserFactory, role

pytestmark = pytest.mark.django_db

# --- Helpers shared with the view tests ---


def make_strategy(organisation: Any = None, **kwargs: Any) -> Strategy:
    organisation = organisation or OrganisationFactory()
    values: dict[str, Any] = {
        "title": "Jämställdhetsstrategi för Örebro län",
        "slug": f"jamstalldhet-{Strategy.objects.count() + 1}",
        "summary": "Länets strategi för jämställdhet.",
        "start_year": 2024,
        "end_year": 2027,
        "published": True,
        "joinable": True,
    }
    values.update(kwargs)
    strategy = Strategy.objects.create(organisation=organisation, **values)
    Goal.objects.create(strategy=strategy, number="1", position=1, title="Makt och inflytande")
    Goal.objects.create(strategy=strategy, number="2", position=2, title="Ekonomisk jämställdhet")
    return strategy


def official_of(organisation: Any) -> Any:
    return role(UserFactory(), "official", organisation)


def request_join(strategy: Strategy, user: Any = None, **overrides: Any) -> Commitment:
    values: dict[str, Any] = {
        "actor": user or UserFactory(),
        "strategy": strategy,
        "actor_name": "Lekebergs kommun",
        "actor_kind": Actor.Kind.MUNICIPALITY,
        "commitment": "Vi tar fram en jämställdhetsplan för förvaltningen.",
        "contact_name": "Kim Kontakt",
        "contact_email": "kim.kontakt@lekeberg.example",
        "goals": list(strategy.goals.all()[:1]),
    }
    values.update(overrides)
    return services.commitment_request(**values)


def confirmed(commitment: Commitment) -> Commitment:
    """The contact has used the link in the confirmation e-mail."""
    token = services.contact_confirmation_token(commitment)
    return services.commitment_confirm_contact(commitment=commitment, token=token)


def active_commitment(
    strategy: Strategy, contact: Any = None, name: str = "Lekebergs kommun"
) -> Commitment:
    contact = contact or UserFactory()
    commitment = request_join(strategy, user=contact, actor_name=name, contact_email=contact.email)
    return services.commitment_approve(
        actor=official_of(strategy.organisation), commitment=commitment
    )


def make_network(organisation: Any = None, **kwargs: Any) -> Network:
    organisation = organisation or OrganisationFactory()
    values: dict[str, Any] = {
        "name": "Demokratinätverket i Örebro län",
        "slug": f"demokrati-{Network.objects.count() + 1}",
        "description": "Utbyte mellan länets kommuner.",
    }
    values.update(kwargs)
    return Network.objects.create(organisation=organisation, **values)


def member_of(network: Network, name: str = "Föreningen Demokrativerkstan") -> Any:
    user = UserFactory()
    actor = Actor.objects.create(
        organisation=network.organisation, name=name, kind=Actor.Kind.ASSOCIATION
    )
    NetworkMember.objects.create(
        network=network, actor=actor, contact_name="Mo Medlem", contact_email=user.email, user=user
    )
    return user


PDF_BYTES = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX_BYTES = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})
XLSX_BYTES = zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<wb/>"})
ODT_BYTES = zip_bytes(
    {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<o/>"}
)


def upload(data: bytes, name: str = "protokoll.pdf", content_type: str = "application/pdf") -> Any:
    return SimpleUploadedFile(name, data, content_type=content_type)


# --- Joining: requests ---


def test_a_request_creates_the_actor_and_a_pending_commitment_and_tells_the_officials(
    django_capture_on_commit_callbacks: Any,
) -> None:
    strategy = make_strategy()
    official = official_of(strategy.organisation)
    official_of(OrganisationFactory())  # another organisation's official hears nothing
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        commitment = request_join(strategy, user=person, organisation_number=" 212000-1843 ")
    assert commitment.status == Commitment.Status.PENDING
    assert commitment.joined_on is None
    # The typed contact address is not the requester's: the requester may not report for
    # the actor (anyone could otherwise name a real official and speak for a municipality).
    assert commitment.contact_user is None
    assert list(commitment.goals.values_list("number", flat=True)) == ["1"]
    actor = commitment.actor
    assert (actor.organisation, actor.name, actor.kind, actor.organisation_number) == (
        strategy.organisation,
        "Lekebergs kommun",
        "municipality",
        "212000-1843",
    )
    by_recipient = {message.to[0]: message for message in mail.outbox}
    # The officials hear about it; the typed contact address is asked to confirm itself.
    assert sorted(by_recipient) == sorted([official.email, "kim.kontakt@lekeberg.example"])
    assert len(mail.outbox) == 2
    assert "Lekebergs kommun" in by_recipient[official.email].body
    assert f"/personal/uppfoljning/anslutning/{commitment.pk}/" in by_recipient[official.email].body


def test_a_request_reuses_the_actor_with_the_same_name_in_the_organisation() -> None:
    strategy = make_strategy()
    existing = Actor.objects.create(
        organisation=strategy.organisation, name="Lekebergs kommun", kind="municipality"
    )
    elsewhere = Actor.objects.create(
        organisation=OrganisationFactory(), name="Örebro kommun", kind="municipality"
    )
    commitment = request_join(strategy, actor_name="  LEKEBERGS KOMMUN ")
    assert commitment.actor == existing
    other = request_join(strategy, actor_name="Örebro kommun")
    assert other.actor != elsewhere
    assert other.actor.organisation == strategy.organisation


def test_a_commitment_moves_only_as_its_state_machine_allows() -> None:
    from delaktig.followup.status import COMMITMENT_MACHINE, CommitmentAction, CommitmentStatus

    allowed = {
        (status, action)
        for status in CommitmentStatus
        for action in CommitmentAction
        if COMMITMENT_MACHINE.allows(status, action)
    }
    assert allowed == {
        (CommitmentStatus.PENDING, CommitmentAction.APPROVE),
        (CommitmentStatus.PENDING, CommitmentAction.DECLINE),
        (CommitmentStatus.ACTIVE, CommitmentAction.END),
    }


def test_the_same_actor_cannot_join_twice_whatever_the_letter_case() -> None:
    strategy = make_strategy()
    request_join(strategy)
    with pytest.raises(Conflict, match="followup.already_joined"):
        request_join(strategy, actor_name="lekebergs kommun")
    assert Commitment.objects.count() == 1
    # The same actor may join another strategy of the organisation.
    second = make_strategy(strategy.organisation)
    assert request_join(second).actor == Commitment.objects.first().actor


def test_a_declined_actor_cannot_ask_again() -> None:
    strategy = make_strategy()
    commitment = request_join(strategy)
    services.commitment_decline(
        actor=official_of(strategy.organisation), commitment=commitment, reason="Fel län."
    )
    with pytest.raises(Conflict, match="followup.already_joined"):
        request_join(strategy)


def test_the_database_refuses_a_second_commitment_even_past_the_check() -> None:
    strategy = make_strategy()
    first = request_join(strategy)
    # As if two requests passed the existence check at the same moment.
    from unittest import mock

    with mock.patch.object(Commitment.objects, "filter") as filtered:
        filtered.return_value.exists.return_value = False
        with pytest.raises(Conflict, match="followup.already_joined"):
            request_join(strategy)
    assert list(Commitment.objects.values_list("pk", flat=True)) == [first.pk]


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"joinable": False}, "followup.not_joinable"),
        ({"published": False}, "followup.not_joinable"),
    ],
)
def test_only_a_published_joinable_strategy_takes_requests(change: Any, error: str) -> None:
    strategy = make_strategy(**change)
    with pytest.raises(Conflict, match=error):
        request_join(strategy)
    assert not Actor.objects.exists()


def test_an_anonymous_person_cannot_ask_to_join() -> None:
    strategy = make_strategy()
    with pytest.raises(PermissionDenied):
        request_join(strategy, user=AnonymousUser())


@pytest.mark.parametrize(
    "overrides",
    [
        {"commitment": "   "},
        {"contact_email": ""},
        {"contact_name": " "},
        {"actor_name": ""},
        {"actor_kind": "kyrka"},
    ],
)
def test_a_request_needs_text_contact_name_and_kind(overrides: dict[str, Any]) -> None:
    strategy = make_strategy()
    with pytest.raises(ValidationFailed):
        request_join(strategy, **overrides)
    assert not Commitment.objects.exists()


def test_goals_must_belong_to_the_strategy() -> None:
    strategy = make_strategy()
    foreign = make_strategy(strategy.organisation).goals.first()
    with pytest.raises(ValidationFailed):
        request_join(strategy, goals=[foreign])
    assert not Commitment.objects.exists()


# --- Joining: review ---


def test_approving_makes_the_commitment_active_today_and_tells_the_contact(
    django_capture_on_commit_callbacks: Any,
) -> None:
    strategy = make_strategy()
    commitment = confirmed(request_join(strategy))
    official = official_of(strategy.organisation)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approved = services.commitment_approve(actor=official, commitment=commitment)
    assert approved.status == Commitment.Status.ACTIVE
    assert approved.joined_on == timezone.localdate()
    assert [message.to for message in mail.outbox] == [["kim.kontakt@lekeberg.example"]]
    assert "ansluten" in mail.outbox[0].subject
    assert f"/uppfoljning/{strategy.slug}/anslutna/" in mail.outbox[0].body
    entry = AuditEntry.objects.get(action="followup.commitment_approve")
    assert (entry.actor, entry.organisation, entry.target_id) == (
        official,
        strategy.organisation,
        str(commitment.pk),
    )


def test_approving_keeps_a_given_joining_date() -> None:
    strategy = make_strategy()
    commitment = request_join(strategy)
    approved = services.commitment_approve(
        actor=official_of(strategy.organisation), commitment=commitment, joined_on=date(2024, 3, 8)
    )
    approved.refresh_from_db()
    assert approved.joined_on == date(2024, 3, 8)


def test_approving_twice_is_refused_even_from_a_stale_copy() -> None:
    strategy = make_strategy()
    commitment = request_join(strategy)
    stale = Commitment.objects.get(pk=commitment.pk)
    official = official_of(strategy.organisation)
    services.commitment_approve(actor=official, commitment=commitment, joined_on=date(2024, 5, 1))
    with pytest.raises(InvalidTransition):
        services.commitment_approve(actor=official, commitment=stale)
    stale.refresh_from_db()
    assert stale.joined_on == date(2024, 5, 1)
    assert AuditEntry.objects.filter(action="followup.commitment_approve").count() == 1


def test_declining_needs_a_reason_and_tells_the_contact_why(
    django_capture_on_commit_callbacks: Any,
) -> None:
    strategy = make_strategy()
    commitment = confirmed(request_join(strategy))
    official = official_of(strategy.organisation)
    with pytest.raises(ValidationFailed):
        services.commitment_decline(actor=official, commitment=commitment, reason="  ")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        declined = services.commitment_decline(
            actor=official, commitment=commitment, reason="Organisationen finns inte i länet."
        )
    assert (declined.status, declined.status_reason) == (
        "declined",
        "Organisationen finns inte i länet.",
    )
    assert mail.outbox[0].to == ["kim.kontakt@lekeberg.example"]
    assert "Organisationen finns inte i länet." in mail.outbox[0].body
    with pytest.raises(InvalidTransition):
        services.commitment_approve(actor=official, commitment=declined)
    with pytest.raises(InvalidTransition):
        services.commitment_end(actor=official, commitment=declined)


def test_ending_takes_an_active_actor_off_the_public_list() -> None:
    strategy = make_strategy()
    official = official_of(strategy.organisation)
    commitment = active_commitment(strategy)
    pending = request_join(strategy, actor_name="Föreningen Jämlikt")
    assert list(selectors.joined_commitments(strategy)) == [commitment]
    with pytest.raises(InvalidTransition):
        services.commitment_end(actor=official, commitment=pending)
    ended = services.commitment_end(actor=official, commitment=commitment, reason="Bad om det.")
    assert (ended.status, ended.status_reason) == ("ended", "Bad om det.")
    assert list(selectors.joined_commitments(strategy)) == []
    assert AuditEntry.objects.filter(action="followup.commitment_end").count() == 1
    with pytest.raises(InvalidTransition):
        services.commitment_end(actor=official, commitment=ended)


@pytest.mark.parametrize("who", ["other_official", "moderator", "resident", "contact"])
def test_only_the_strategy_s_officials_review(who: str) -> None:
    strategy = make_strategy()
    contact = UserFactory()
    commitment = request_join(strategy, user=contact)
    person = {
        "other_official": lambda: official_of(OrganisationFactory()),
        "moderator": lambda: role(UserFactory(), "moderator", strategy.organisation),
        "resident": UserFactory,
        "contact": lambda: contact,
    }[who]()
    for attempt in (
        lambda: services.commitment_approve(actor=person, commitment=commitment),
        lambda: services.commitment_decline(actor=person, commitment=commitment, reason="Nej."),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    commitment.refresh_from_db()
    assert commitment.status == "pending"
    assert not AuditEntry.objects.exists()


def test_the_review_list_puts_pending_first() -> None:
    strategy = make_strategy()
    official = official_of(strategy.organisation)
    active = active_commitment(strategy, name="A-kommun")
    declined = request_join(strategy, actor_name="B-bolaget")
    services.commitment_decline(actor=official, commitment=declined, reason="Nej.")
    pending = request_join(strategy, actor_name="C-föreningen")
    assert list(selectors.commitments_for_review(strategy)) == [pending, active, declined]


# --- Registering directly ---


def test_an_official_registers_an_active_commitment_and_links_the_contact_s_account() -> None:
    strategy = make_strategy()
    official = official_of(strategy.organisation)
    contact = UserFactory(email="ansvarig@lansstyrelsen.example")
    commitment = services.commitment_register(
        actor=official,
        strategy=strategy,
        actor_name="Länsstyrelsen i Örebro län",
        actor_kind=Actor.Kind.AGENCY,
        commitment="Vi bidrar med statistik.",
        contact_name="Ansvarig",
        contact_email="Ansvarig@Lansstyrelsen.example",
        goals=list(strategy.goals.all()),
        joined_on=date(2024, 1, 15),
    )
    assert (commitment.status, commitment.joined_on, commitment.contact_user) == (
        "active",
        date(2024, 1, 15),
        contact,
    )
    assert commitment.goals.count() == 2
    assert AuditEntry.objects.filter(action="followup.commitment_register").count() == 1
    assert contact.has_perm("followup.report_actor_activity", commitment)


def test_registering_links_only_a_verified_address() -> None:
    strategy = make_strategy()
    UserFactory(email="overifierad@example.se", verified=False)
    commitment = services.commitment_register(
        actor=official_of(strategy.organisation),
        strategy=strategy,
        actor_name="Företaget AB",
        actor_kind=Actor.Kind.COMPANY,
        commitment="Vi jämställdhetssäkrar rekryteringen.",
        contact_name="Någon",
        contact_email="overifierad@example.se",
    )
    assert commitment.contact_user is None


def test_registering_refuses_a_duplicate_and_a_foreign_actor_and_outsiders() -> None:
    strategy = make_strategy()
    official = official_of(strategy.organisation)
    existing = active_commitment(strategy).actor
    values: dict[str, Any] = {
        "strategy": strategy,
        "commitment": "Text.",
        "contact_name": "Namn",
        "contact_email": "namn@example.se",
    }
    with pytest.raises(Conflict, match="followup.already_joined"):
        services.commitment_register(actor=official, existing_actor=existing, **values)
    foreign = Actor.objects.create(organisation=OrganisationFactory(), name="X", kind="other")
    with pytest.raises(ValidationFailed):
        services.commitment_register(actor=official, existing_actor=foreign, **values)
    with pytest.raises(PermissionDenied):
        services.commitment_register(
            actor=official_of(OrganisationFactory()),
            actor_name="Ny",
            actor_kind="other",
            **values,
        )
    assert Commitment.objects.count() == 1


# --- Reporting activities ---


def report(user: Any, commitment: Commitment, **overrides: Any) -> ActorActivity:
    values: dict[str, Any] = {
        "title": "Utbildning i jämställdhetsintegrering",
        "description": "Alla chefer går utbildningen.",
        "year": 2025,
        "status": "ongoing",
        "goals": list(commitment.strategy.goals.all()),
    }
    values.update(overrides)
    return services.actor_activity_report(actor=user, commitment=commitment, **values)


def test_the_contact_reports_and_edits_the_actor_s_activities() -> None:
    strategy = make_strategy()
    contact = UserFactory()
    commitment = active_commitment(strategy, contact=contact)
    activity = report(contact, commitment)
    assert (activity.commitment, activity.reported_by, activity.year) == (commitment, contact, 2025)
    assert activity.goals.count() == 2
    edited = report(
        contact, commitment, activity=activity, status="done", year=2026, goals=[], title="Klar"
    )
    assert edited.pk == activity.pk
    edited.refresh_from_db()
    assert (edited.title, edited.status, edited.year, edited.goals.count()) == (
        "Klar",
        "done",
        2026,
        0,
    )
    # The contact acts for the actor: nothing in the staff audit log.
    assert not AuditEntry.objects.filter(action="followup.actor_activity_report").exists()


def test_an_official_may_report_for_an_actor_and_it_is_logged() -> None:
    strategy = make_strategy()
    commitment = active_commitment(strategy)
    report(official_of(strategy.organisation), commitment)
    assert AuditEntry.objects.filter(action="followup.actor_activity_report").count() == 1


@pytest.mark.parametrize("who", ["pending_contact", "resident", "other_official", "anonymous"])
def test_others_cannot_report(who: str) -> None:
    strategy = make_strategy()
    contact = UserFactory()
    commitment = request_join(strategy, user=contact, contact_email=contact.email)
    if who != "pending_contact":
        services.commitment_approve(actor=official_of(strategy.organisation), commitment=commitment)
    person = {
        "pending_contact": contact,
        "resident": UserFactory(),
        "other_official": official_of(OrganisationFactory()),
        "anonymous": AnonymousUser(),
    }[who]
    with pytest.raises(PermissionDenied):
        report(person, commitment)
    assert not ActorActivity.objects.exists()


def test_an_ended_commitment_takes_no_more_reports_even_from_officials() -> None:
    strategy = make_strategy()
    official = official_of(strategy.organisation)
    contact = UserFactory()
    commitment = active_commitment(strategy, contact=contact)
    services.commitment_end(actor=official, commitment=commitment)
    commitment.refresh_from_db()
    with pytest.raises(PermissionDenied):
        report(contact, commitment)
    with pytest.raises(InvalidTransition):
        report(official, commitment)


@pytest.mark.parametrize("year", [2023, 2028])
def test_a_report_s_year_lies_in_the_strategy_s_period(year: int) -> None:
    strategy = make_strategy()
    contact = UserFactory()
    commitment = active_commitment(strategy, contact=contact)
    with pytest.raises(ValidationFailed):
        report(contact, commitment, year=year)


def test_a_report_refuses_foreign_goals_and_another_actor_s_activity() -> None:
    strategy = make_strategy()
    contact = UserFactory()
    commitment = active_commitment(strategy, contact=contact)
    other = active_commitment(strategy, name="Annan aktör")
    theirs = report(official_of(strategy.organisation), other)
    foreign_goal = make_strategy(strategy.organisation).goals.first()
    with pytest.raises(ValidationFailed):
        report(contact, commitment, goals=[foreign_goal])
    with pytest.raises(PermissionDenied):
        report(contact, commitment, activity=theirs, title="Kapat")
    theirs.refresh_from_db()
    assert theirs.title == "Utbildning i jämställdhetsintegrering"


# --- Networks ---


def test_an_official_creates_and_edits_a_network() -> None:
    region = OrganisationFactory()
    official = official_of(region)
    strategy = make_strategy(region)
    network = services.network_save(
        actor=official,
        organisation=region,
        name=" Demokratinätverket ",
        slug="demokratinatverket",
        description="Utbyte.",
        strategy=strategy,
    )
    assert (network.name, network.strategy, network.published) == (
        "Demokratinätverket",
        strategy,
        True,
    )
    services.network_save(
        actor=official,
        organisation=region,
        network=network,
        name="Demokratinätverket",
        slug="demokratinatverket",
        published=False,
    )
    network.refresh_from_db()
    assert (network.published, network.strategy) == (False, None)
    assert AuditEntry.objects.filter(action="followup.network_save").count() == 2


def test_a_network_s_address_is_unique_and_its_strategy_its_own() -> None:
    region = OrganisationFactory()
    official = official_of(region)
    make_network(region, slug="upptaget")
    with pytest.raises(ValidationFailed):
        services.network_save(actor=official, organisation=region, name="N", slug="upptaget")
    with pytest.raises(ValidationFailed):
        services.network_save(
            actor=official,
            organisation=region,
            name="N",
            slug="ledigt",
            strategy=make_strategy(OrganisationFactory()),
        )
    with pytest.raises(PermissionDenied):
        services.network_save(
            actor=official_of(OrganisationFactory()), organisation=region, name="N", slug="x"
        )
    assert Network.objects.count() == 1


def test_members_are_added_new_or_existing_with_the_account_linked_and_removed() -> None:
    network = make_network()
    official = official_of(network.organisation)
    account = UserFactory(email="kontakt@askersund.example")
    member = services.network_member_add(
        actor=official,
        network=network,
        actor_name="Askersunds kommun",
        actor_kind=Actor.Kind.MUNICIPALITY,
        contact_name="Kontakt",
        contact_email="kontakt@askersund.example",
    )
    assert member.user == account
    assert account.has_perm("followup.view_network_documents", network)
    existing = Actor.objects.create(
        organisation=network.organisation, name="Studieförbundet", kind="association"
    )
    second = services.network_member_add(actor=official, network=network, existing_actor=existing)
    assert (second.actor, second.user) == (existing, None)
    with pytest.raises(Conflict, match="followup.already_member"):
        services.network_member_add(actor=official, network=network, existing_actor=existing)
    with pytest.raises(Conflict, match="followup.already_member"):
        services.network_member_add(
            actor=official, network=network, actor_name="askersunds kommun", actor_kind="other"
        )
    services.network_member_remove(actor=official, member=member)
    assert not account.has_perm("followup.view_network_documents", network)
    assert list(network.members.values_list("actor__name", flat=True)) == ["Studieförbundet"]
    assert AuditEntry.objects.filter(action__startswith="followup.network_member").count() == 3


def test_only_the_network_s_officials_manage_members_and_meetings() -> None:
    network = make_network()
    member = member_of(network)
    for person in (member, official_of(OrganisationFactory()), UserFactory()):
        with pytest.raises(PermissionDenied):
            services.network_member_add(
                actor=person, network=network, actor_name="X", actor_kind="other"
            )
        with pytest.raises(PermissionDenied):
            services.network_member_remove(actor=person, member=network.members.get())
        with pytest.raises(PermissionDenied):
            services.network_meeting_save(
                actor=person, network=network, title="Träff", starts_at=timezone.now()
            )


def test_meetings_are_added_and_edited_within_their_network() -> None:
    network = make_network()
    official = official_of(network.organisation)
    starts = timezone.now() + timedelta(days=7)
    meeting = services.network_meeting_save(
        actor=official,
        network=network,
        title="Nätverksträff",
        starts_at=starts,
        place="Länshuset, Örebro",
        agenda="1. Välkommen",
    )
    services.network_meeting_save(
        actor=official,
        network=network,
        meeting=meeting,
        title="Nätverksträff i mars",
        starts_at=starts,
        notes="Vi pratade om medborgarbudget.",
    )
    meeting.refresh_from_db()
    assert (meeting.title, meeting.notes, meeting.agenda) == (
        "Nätverksträff i mars",
        "Vi pratade om medborgarbudget.",
        "",
    )
    other = make_network(network.organisation)
    with pytest.raises(PermissionDenied):
        services.network_meeting_save(
            actor=official, network=other, meeting=meeting, title="X", starts_at=starts
        )


# --- Documents ---


@pytest.mark.parametrize(
    ("data", "content_type", "extension"),
    [
        (PDF_BYTES, "application/pdf", ".pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "image/png", ".png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg", ".jpg"),
        (DOCX_BYTES, services.DOCX[0], ".docx"),
        (XLSX_BYTES, services.XLSX[0], ".xlsx"),
        (ODT_BYTES, services.ODT[0], ".odt"),
    ],
)
def test_documents_are_judged_by_content_and_stored_under_a_new_name(
    data: bytes, content_type: str, extension: str
) -> None:
    network = make_network()
    official = official_of(network.organisation)
    document = services.network_document_add(
        actor=official,
        network=network,
        title="Minnesanteckningar",
        upload=upload(data, name="Mitt hemliga namn.exe", content_type="text/html"),
        public=True,
    )
    assert (document.content_type, document.size, document.public) == (
        content_type,
        len(data),
        True,
    )
    stored = document.file.name
    assert stored.startswith(f"networks/{network.pk}/")
    assert stored.endswith(extension)
    assert "hemliga" not in stored and "Mitt" not in stored
    assert document.file.open("rb").read() == data


@pytest.mark.parametrize(
    "data",
    [
        EXE_BYTES,
        b"<html><script>alert(1)</script></html>",
        zip_bytes({"payload.exe": EXE_BYTES}),
        zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
        b"PK\x03\x04 not really a zip",
        b"",
    ],
)
def test_other_content_is_refused_whatever_its_name(data: bytes) -> None:
    network = make_network()
    with pytest.raises(ValidationFailed):
        services.network_document_add(
            actor=official_of(network.organisation),
            network=network,
            title="Protokoll",
            upload=upload(data, name="protokoll.pdf"),
        )
    assert not NetworkDocument.objects.exists()


def test_a_document_over_10_MB_is_refused() -> None:
    network = make_network()
    big = PDF_BYTES + b"0" * (10 * 1024 * 1024)
    with pytest.raises(ValidationFailed):
        services.network_document_add(
            actor=official_of(network.organisation),
            network=network,
            title="Stor",
            upload=upload(big),
        )


def test_members_share_internal_documents_but_only_officials_publish() -> None:
    network = make_network()
    member = member_of(network)
    shared = services.network_document_add(
        actor=member, network=network, title="Vår checklista", upload=upload(PDF_BYTES)
    )
    assert shared.public is False
    assert not AuditEntry.objects.exists()  # a member's own sharing is not a staff action
    with pytest.raises(PermissionDenied):
        services.network_document_add(
            actor=member, network=network, title="Till alla", upload=upload(PDF_BYTES), public=True
        )
    for outsider in (UserFactory(), official_of(OrganisationFactory()), AnonymousUser()):
        with pytest.raises(PermissionDenied):
            services.network_document_add(
                actor=outsider, network=network, title="X", upload=upload(PDF_BYTES)
            )
    assert NetworkDocument.objects.count() == 1


def test_documents_are_deleted_by_officials_or_by_the_member_who_shared_them(
    django_capture_on_commit_callbacks: Any,
) -> None:
    network = make_network()
    official = official_of(network.organisation)
    member = member_of(network, "A")
    other_member = member_of(network, "B")
    mine = services.network_document_add(
        actor=member, network=network, title="Mitt", upload=upload(PDF_BYTES)
    )
    official_doc = services.network_document_add(
        actor=official, network=network, title="Personalens", upload=upload(PDF_BYTES)
    )
    storage, name = mine.file.storage, mine.file.name
    with pytest.raises(PermissionDenied):
        services.network_document_delete(actor=other_member, document=mine)
    with pytest.raises(PermissionDenied):
        services.network_document_delete(actor=member, document=official_doc)
    with django_capture_on_commit_callbacks(execute=True):
        services.network_document_delete(actor=member, document=mine)
    assert not storage.exists(name)
    services.network_document_delete(actor=official, document=official_doc)
    assert not NetworkDocument.objects.exists()
    assert AuditEntry.objects.filter(action="followup.network_document_delete").count() == 1


def test_visible_documents_hide_internal_ones_from_outsiders() -> None:
    network = make_network()
    official = official_of(network.organisation)
    member = member_of(network)
    public = services.network_document_add(
        actor=official, network=network, title="Alla", upload=upload(PDF_BYTES), public=True
    )
    internal = services.network_document_add(
        actor=official, network=network, title="Interna", upload=upload(PDF_BYTES)
    )
    moderator = role(UserFactory(), "moderator", network.organisation)
    for person in (member, official, moderator):
        assert set(selectors.visible_documents(person, network)) == {public, internal}
    for person in (UserFactory(), AnonymousUser(), official_of(OrganisationFactory())):
        assert list(selectors.visible_documents(person, network)) == [public]


# --- The permission matrix ---

ROLES = [
    "anonymous",
    "resident",
    "moderator",
    "official",
    "other_official",
    "administrator",
    "contact",
    "pending_contact",
    "network_member",
]

# permission -> roles that hold it on an object of "our" organisation
MATRIX = {
    "followup.change_strategy": {"official", "administrator"},
    "followup.report_actor_activity": {"official", "administrator", "contact"},
    "followup.view_network_documents": {"moderator", "official", "administrator", "network_member"},
    "followup.add_network_document": {"official", "administrator", "network_member"},
}


@pytest.mark.parametrize("kind", ROLES)
@pytest.mark.parametrize("perm", sorted(MATRIX))
def test_matrix(kind: str, perm: str) -> None:
    strategy = make_strategy()
    organisation = strategy.organisation
    network = make_network(organisation, strategy=strategy)
    commitment = active_commitment(strategy)
    requester = UserFactory()
    pending = request_join(
        strategy, user=requester, actor_name="Väntande förening", contact_email=requester.email
    )
    if kind == "anonymous":
        user: Any = AnonymousUser()
    elif kind == "contact":
        user = commitment.contact_user
    elif kind == "pending_contact":
        user = pending.contact_user
        commitment = pending
    elif kind == "network_member":
        user = member_of(network)
    else:
        user = UserFactory()
        if kind in {"moderator", "official"}:
            role(user, kind, organisation)
        elif kind == "other_official":
            role(user, "official", OrganisationFactory())
        elif kind == "administrator":
            role(user, "administrator")
    target: Any = {
        "followup.change_strategy": strategy,
        "followup.report_actor_activity": commitment,
        "followup.view_network_documents": network,
        "followup.add_network_document": network,
    }[perm]
    assert user.has_perm(perm, target) is (kind in MATRIX[perm])


def test_the_requester_reports_only_when_the_contact_address_is_their_own() -> None:
    strategy = make_strategy()
    person = UserFactory()
    own = request_join(strategy, user=person, contact_email=person.email.upper())
    assert own.contact_user == person


def test_a_contact_who_makes_an_account_later_reports_after_approval() -> None:
    from allauth.account.models import EmailAddress

    strategy = make_strategy()
    commitment = request_join(strategy, contact_email="later@example.se")
    assert commitment.contact_user is None
    later = UserFactory(email="later@example.se", verified=False)
    EmailAddress.objects.create(user=later, email=later.email, verified=True, primary=True)
    approved = services.commitment_approve(
        actor=official_of(strategy.organisation), commitment=commitment
    )
    assert approved.contact_user == later
