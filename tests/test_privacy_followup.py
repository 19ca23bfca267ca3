"""Follow-up (and assessments, population) in the account export, deletion and retention."""

from datetime import timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from delaktig.accounts.services import account_delete, personal_data_export
from delaktig.core import contributions
from delaktig.followup.actors.services import commitment_approve
from delaktig.followup.models import (
    Actor,
    ActorActivity,
    Commitment,
    IndicatorValue,
    NetworkDocument,
    NetworkMember,
    PlanImport,
    ProgressNote,
)
from delaktig.population.models import PopulationTable
from tests.factories import ImpactAssessmentFactory, OrganisationFactory, UserFactory, role
from tests.followup_factories import ActivityFactory, IndicatorFactory, PlanFactory
from tests.test_followup_actors import (
    active_commitment,
    make_network,
    make_strategy,
    official_of,
    request_join,
)

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def contact(name: str = "Kim Kontaktsson") -> Any:
    return UserFactory(display_name=name)


# --- Joined actors ---


def test_the_export_holds_the_commitments_activities_and_memberships() -> None:
    strategy = make_strategy()
    person = contact()
    commitment = active_commitment(strategy, contact=person, name="Föreningen Jämlikt")
    ActorActivity.objects.create(
        commitment=commitment, title="Öppna samtal", year=2025, reported_by=person
    )
    network = make_network(strategy.organisation, name="Demokratinätverket")
    NetworkMember.objects.create(
        network=network,
        actor=commitment.actor,
        contact_name="Kim Kontaktsson",
        contact_email=person.email,
        user=person,
    )
    NetworkDocument.objects.create(
        network=network,
        title="Verksamhetsplan",
        file="networks/1/plan.pdf",
        content_type="application/pdf",
        uploaded_by=person,
    )
    request_join(make_strategy(), user=UserFactory())  # somebody else's

    data = personal_data_export(user=person)

    assert data["commitments"] == [
        {
            "strategy": strategy.title,
            "actor": "Föreningen Jämlikt",
            "commitment": commitment.commitment,
            "contact_name": "Kim Kontakt",
            "contact_email": person.email,
            "requested_by_you": True,
            "status": "active",
            "joined_on": timezone.localdate().isoformat(),
            "activities": ["Öppna samtal"],
        }
    ]
    assert data["actor_activities"][0]["title"] == "Öppna samtal"
    assert data["actor_activities"][0]["actor"] == "Föreningen Jämlikt"
    assert data["network_memberships"] == [
        {
            "network": "Demokratinätverket",
            "actor": "Föreningen Jämlikt",
            "contact_name": "Kim Kontaktsson",
            "contact_email": person.email,
            "since": timezone.localdate().isoformat(),
        }
    ]
    assert data["network_documents"][0]["title"] == "Verksamhetsplan"
    assert data["network_documents"][0]["network"] == "Demokratinätverket"


def test_deletion_clears_the_contact_but_keeps_the_actor_s_commitment_and_reports() -> None:
    strategy = make_strategy()
    person = contact()
    requested = request_join(
        strategy,
        user=person,
        actor_name="Föreningen Jämlikt",
        contact_name="Kim Kontaktsson",
        contact_email=person.email,
    )
    commitment = commitment_approve(actor=official_of(strategy.organisation), commitment=requested)
    activity = ActorActivity.objects.create(
        commitment=commitment, title="Öppna samtal", year=2025, reported_by=person
    )
    others = active_commitment(strategy, name="Lekebergs kommun")

    account_delete(user=person)
    account_delete(user=person)  # twice is harmless

    commitment.refresh_from_db()
    assert commitment.contact_user is None
    assert (commitment.contact_name, commitment.contact_email) == ("", "")
    assert commitment.status == "active" and commitment.commitment
    assert ActorActivity.objects.filter(pk=activity.pk, commitment=commitment).exists()
    others.refresh_from_db()
    assert others.contact_name == "Kim Kontakt" and others.contact_user is not None

    # The public list still shows the actor and its report, never a contact.
    public = Client().get(reverse("followup:joined", kwargs={"slug": strategy.slug}))
    html = public.content.decode()
    assert "Föreningen Jämlikt" in html and "Öppna samtal" in html
    # The staff pages say the contact is gone instead of showing blanks.
    official = official_of(strategy.organisation)
    listing = client_for(official).get(reverse("followup_staff:actors", args=[strategy.pk]))
    review = client_for(official).get(
        reverse("followup_staff:commitment_review", args=[commitment.pk])
    )
    for page in (listing, review):
        assert page.status_code == 200
        text = page.content.decode()
        assert "Borttagen användare" in text
        assert 'href="mailto:"' not in text
        assert "Kim Kontaktsson" not in text and person.email not in text
    assert "Kim Kontakt" in listing.content.decode()  # the other actor's contact is there


def test_deletion_clears_a_commitment_typed_with_the_person_s_verified_address() -> None:
    strategy = make_strategy()
    person = contact()
    unlinked = request_join(strategy, contact_email=person.email.upper())
    Commitment.objects.filter(pk=unlinked.pk).update(contact_user=None)
    # An address the person added but never verified is not enough to wipe somebody's contact.
    EmailAddress.objects.create(user=person, email="kim.kontakt@annan.example", verified=False)
    theirs = request_join(
        strategy, actor_name="Annan förening", contact_email="kim.kontakt@annan.example"
    )

    assert [c["actor"] for c in personal_data_export(user=person)["commitments"]] == [
        "Lekebergs kommun"
    ]
    account_delete(user=person)

    unlinked.refresh_from_db()
    assert (unlinked.contact_name, unlinked.contact_email) == ("", "")
    theirs.refresh_from_db()
    assert theirs.contact_email == "kim.kontakt@annan.example"


def test_deletion_clears_a_network_contact_and_the_document_stays_unnamed() -> None:
    network = make_network()
    person = contact("Mo Medlemsson")
    actor = Actor.objects.create(
        organisation=network.organisation, name="Demokrativerkstan", kind="association"
    )
    member = NetworkMember.objects.create(
        network=network,
        actor=actor,
        contact_name="Mo Medlemsson",
        contact_email=person.email,
        user=person,
    )
    document = NetworkDocument.objects.create(
        network=network,
        title="Verksamhetsplan",
        file="networks/1/plan.pdf",
        content_type="application/pdf",
        uploaded_by=person,
    )
    official = official_of(network.organisation)
    url = reverse("followup_staff:network_documents", args=[network.pk])
    assert "Mo Medlemsson" in client_for(official).get(url).content.decode()

    account_delete(user=person)

    member.refresh_from_db()
    assert member.user is None
    assert (member.contact_name, member.contact_email) == ("", "")
    assert NetworkDocument.objects.filter(pk=document.pk).exists()
    documents = client_for(official).get(url).content.decode()
    assert "Mo Medlemsson" not in documents and "Borttagen användare" in documents
    members_url = reverse("followup_staff:network_members", args=[network.pk])
    members = client_for(official).get(members_url).content.decode()
    assert "Demokrativerkstan" in members
    assert "Mo Medlemsson" not in members and person.email not in members


# --- Officials' records ---


def test_officials_records_are_exported_and_kept_under_the_anonymised_account() -> None:
    activity = ActivityFactory()
    organisation = activity.area.plan.strategy.organisation
    official = role(UserFactory(display_name="Tjänsteperson Tina"), "official", organisation)
    note = ProgressNote.objects.create(
        activity=activity, author=official, status="ongoing", text="Startat."
    )
    value = IndicatorValue.objects.create(
        indicator=IndicatorFactory(strategy=activity.area.plan.strategy),
        year=2024,
        value=12,
        updated_by=official,
    )
    assessment = ImpactAssessmentFactory(
        organisation=organisation, prepared_by=official, last_edited_by=official
    )
    table = PopulationTable.objects.create(
        organisation=organisation, name="Folkmängd", year=2024, imported_by=official
    )
    plan_import = PlanImport.objects.create(
        plan=activity.area.plan, filename="plan.xlsx", created_by=official
    )

    data = personal_data_export(user=official)
    assert {r["id"] for r in data["followup_staff"]} == {note.pk, value.pk}
    assert {r["id"] for r in data["assessments_staff"]} == {assessment.pk}
    assert [r["id"] for r in data["population_staff"]] == [table.pk]
    assert data["plan_imports"][0]["filename"] == "plan.xlsx"

    viewer = official_of(organisation)
    url = reverse("followup_staff:activity_progress", args=[activity.pk])
    assert "Tjänsteperson Tina" in client_for(viewer).get(url).content.decode()

    account_delete(user=official)

    note.refresh_from_db()
    value.refresh_from_db()
    assessment.refresh_from_db()
    table.refresh_from_db()
    plan_import.refresh_from_db()
    assert note.author == official and value.updated_by == official
    assert assessment.prepared_by == official and table.imported_by == official
    assert plan_import.created_by == official
    page = client_for(viewer).get(url).content.decode()
    assert "Tjänsteperson Tina" not in page and "Borttagen användare" in page


# --- Retention of read plan files ---

ROWS = [{"row": 2, "title": "Dialog", "contact_name": "Ada", "contact_email": "ada@x.example"}]
ERRORS = [{"row": 3, "column": "E", "code": "bad_email", "params": {"value": "ada@"}}]


def plan_file(plan: Any, *, read_days_ago: float, applied_days_ago: float | None) -> PlanImport:
    now = timezone.now()
    plan_import = PlanImport.objects.create(plan=plan, filename="plan.xlsx", rows=ROWS)
    PlanImport.objects.filter(pk=plan_import.pk).update(
        errors=ERRORS,
        created=now - timedelta(days=read_days_ago),
        applied_at=None if applied_days_ago is None else now - timedelta(days=applied_days_ago),
    )
    plan_import.refresh_from_db()
    return plan_import


def test_retention_clears_imported_rows_and_deletes_files_never_imported() -> None:
    rule = contributions.retention("plan_import_rows")
    assert rule.default_days == 30
    now = timezone.now()
    plan = PlanFactory()
    imported_long_ago = plan_file(plan, read_days_ago=40, applied_days_ago=31)
    imported_lately = plan_file(plan, read_days_ago=40, applied_days_ago=29)
    abandoned = plan_file(plan, read_days_ago=31, applied_days_ago=None)
    under_review = plan_file(plan, read_days_ago=29, applied_days_ago=None)
    foreign = plan_file(PlanFactory(), read_days_ago=40, applied_days_ago=31)

    assert rule.apply(plan.strategy.organisation, 30, now) == 2
    assert rule.apply(plan.strategy.organisation, 30, now) == 0  # idempotent

    imported_long_ago.refresh_from_db()
    assert imported_long_ago.rows == [] and imported_long_ago.errors == []
    assert imported_long_ago.applied_at is not None
    assert not PlanImport.objects.filter(pk=abandoned.pk).exists()
    for kept in (imported_lately, under_review, foreign):
        kept.refresh_from_db()
        assert kept.rows == ROWS and kept.errors == ERRORS
    assert rule.apply(OrganisationFactory(), 30, now) == 0

    # The import page says the rows were cleared rather than that none could be read.
    official = official_of(plan.strategy.organisation)
    url = reverse("followup_staff:plan_import", args=[imported_long_ago.pk])
    page = client_for(official).get(url).content.decode()
    assert "Filens rader är gallrade." in page and "ada@x.example" not in page
