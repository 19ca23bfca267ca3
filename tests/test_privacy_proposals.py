"""Proposals in the platform registry: export, erasure and gallring of what a person holds."""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from delaktig.accounts.services import account_delete, personal_data_export
from delaktig.core import contributions
from delaktig.core.errors import Conflict
from delaktig.notifications.models import OutgoingEmail
from delaktig.proposals import services
from delaktig.proposals.models import Attachment, Proposal, ProposalEvent, Support
from delaktig.proposals.tasks import notify_proposal_event
from tests.factories import (
    BodyFactory,
    MunicipalityFactory,
    OrganisationFactory,
    UserFactory,
    proposal_rules,
    role,
    verified_resident,
)

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
NAME = "Kim Karlsson"


@pytest.fixture
def region() -> Any:
    organisation = OrganisationFactory()
    organisation.municipalities.add(MunicipalityFactory(code="2380", name="Östersund"))
    proposal_rules(organisation, threshold_value=10)
    return organisation


@pytest.fixture
def official(region: Any) -> Any:
    return role(UserFactory(display_name="Handläggaren Hedda"), "official", region)


def draft(region: Any, author: Any, title: str = "Fler bänkar", **kwargs: Any) -> Proposal:
    return services.proposal_save_draft(
        actor=author,
        organisation=region,
        title=title,
        body="Sätt upp bänkar längs Storsjöstrand.",
        author_name=NAME,
        **kwargs,
    )


def published(region: Any, official: Any, author: Any, title: str = "Fler bänkar") -> Proposal:
    proposal = services.proposal_submit(actor=author, proposal=draft(region, author, title))
    return services.proposal_publish(actor=official, proposal=proposal)


def resident(region: Any) -> Any:
    return verified_resident(region.municipalities.get())


def test_export_lists_proposals_supports_and_case_events(region: Any, official: Any) -> None:
    author = resident(region)
    draft(region, author, "Mitt utkast", files=[SimpleUploadedFile("karta.png", PNG)])
    proposal = published(region, official, author, "Mitt förslag")
    supporter = resident(region)
    services.support_add(actor=supporter, proposal=proposal, wants_updates=False)

    data = personal_data_export(user=author)
    by_title = {p["title"]: p for p in data["proposals"]}
    assert by_title["Mitt utkast"]["status"] == "draft"
    assert by_title["Mitt utkast"]["attachments"] == ["karta.png"]
    assert by_title["Mitt förslag"]["published_name"] == NAME
    assert by_title["Mitt förslag"]["submitted"] is not None
    assert [e["to_status"] for e in data["proposal_events"]] == ["submitted"]
    assert data["supports"] == []

    supported = personal_data_export(user=supporter)
    assert supported["supports"] == [
        {
            "proposal": "Mitt förslag",
            "created": Support.objects.get().created.isoformat(),
            "wants_updates": False,
        }
    ]
    assert supported["proposals"] == []
    assert supporter.verification.identity_hash not in json.dumps(supported)
    # Other people's names are not in the supporter's export.
    assert NAME not in json.dumps(supported)

    staff = personal_data_export(user=official)
    assert [e["to_status"] for e in staff["proposal_events"]] == ["collecting"]
    assert staff["proposals_staff"] == []


def test_responsible_official_is_exported_as_a_staff_record(region: Any, official: Any) -> None:
    proposal = published(region, official, resident(region))
    Proposal.objects.filter(pk=proposal.pk).update(status="lodged")
    proposal = services.proposal_register(actor=official, proposal=proposal)
    body = BodyFactory(organisation=region)
    services.proposal_refer(actor=official, proposal=proposal, body=body, official=official)
    records = personal_data_export(user=official)["proposals_staff"]
    assert [r["what"] for r in records] == ["Fler bänkar"]
    actions = [e["action"] for e in personal_data_export(user=official)["proposal_events"]]
    assert actions == ["publish", "register", "refer"]
    account_delete(user=official)
    proposal.refresh_from_db()
    assert proposal.responsible_official_id == official.pk  # the authority's record is kept
    assert ProposalEvent.objects.filter(actor=official).count() == 3


def test_deleting_the_account_deletes_drafts_and_their_files(
    region: Any, official: Any, django_capture_on_commit_callbacks: Any
) -> None:
    author = resident(region)
    mine = draft(region, author, "Mitt utkast", files=[SimpleUploadedFile("karta.png", PNG)])
    thrown_away = draft(region, author, "Slängt utkast")
    services.proposal_withdraw(actor=author, proposal=thrown_away)
    kept = published(region, official, author, "Inskickat")
    other = draft(region, resident(region), "Någon annans utkast")
    path = Attachment.objects.get(proposal=mine).file.name
    assert default_storage.exists(path)

    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=author)

    assert not Proposal.objects.filter(pk__in=[mine.pk, thrown_away.pk]).exists()
    assert not Attachment.objects.filter(proposal_id=mine.pk).exists()
    assert not default_storage.exists(path)
    assert Proposal.objects.filter(pk__in=[kept.pk, other.pk]).count() == 2


def test_submitted_proposal_stays_without_the_name_everywhere_public(
    client: Client, region: Any, official: Any
) -> None:
    author = resident(region)
    proposal = published(region, official, author)
    submitted = services.proposal_submit(
        actor=author, proposal=draft(region, author, "Väntar på kontroll")
    )
    url = proposal.get_absolute_url()
    assert NAME in client.get(url).content.decode()

    account_delete(user=author)
    account_delete(user=author)  # twice is harmless

    proposal.refresh_from_db()
    submitted.refresh_from_db()
    assert proposal.status == "collecting" and proposal.author_id == author.pk
    assert proposal.author_name == "" and submitted.author_name == ""
    assert proposal.body == "Sätt upp bänkar längs Storsjöstrand."
    pages = {
        "detail": client.get(url).content.decode(),
        "list": client.get(reverse("proposals:list")).content.decode(),
        "csv": client.get(reverse("proposals:export_csv")).content.decode(),
        "feed": client.get(reverse("proposals:feed")).content.decode(),
    }
    for where, text in pages.items():
        assert NAME not in text, where
    for where in ("detail", "list", "csv"):
        assert "Borttagen användare" in pages[where], where
    rows = json.loads(client.get(reverse("proposals:export_json")).content)
    assert [r["author_name"] for r in rows] == ["Borttagen användare"]

    client.force_login(official)
    case = client.get(reverse("proposals:staff_case", kwargs={"pk": submitted.pk}))
    assert NAME not in case.content.decode() and "Borttagen användare" in case.content.decode()


def test_author_deleted_before_the_name_was_cleared_is_not_shown(
    client: Client, region: Any, official: Any
) -> None:
    proposal = published(region, official, resident(region))
    # An account anonymised before erasure cleared the typed name.
    proposal.author.deleted_at = timezone.now()
    proposal.author.save()
    assert Proposal.objects.get(pk=proposal.pk).public_author_name == "Borttagen användare"
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert NAME not in html and "Borttagen användare" in html
    assert NAME not in client.get(reverse("proposals:export_csv")).content.decode()


def test_support_is_kept_counted_and_silent_after_deletion(
    region: Any, official: Any, django_capture_on_commit_callbacks: Any
) -> None:
    proposal = published(region, official, resident(region))
    supporter = resident(region)
    digest = supporter.verification.identity_hash
    services.support_add(actor=supporter, proposal=proposal, wants_updates=True)

    account_delete(user=supporter)

    support = Support.objects.get(proposal=proposal)
    assert support.user_id == supporter.pk and not support.wants_updates
    # Still collecting: the hash stops the same person supporting again from a new account.
    assert support.identity_hash == digest
    proposal.refresh_from_db()
    assert proposal.support_count == 1
    again = resident(region)
    again.verification.identity_hash = digest
    again.verification.save()
    with pytest.raises(Conflict) as refused:
        services.support_add(actor=again, proposal=proposal)
    assert refused.value.code == "proposals.already_supported"

    event = ProposalEvent.objects.filter(proposal=proposal).last()
    assert event is not None
    mail.outbox.clear()
    OutgoingEmail.objects.all().delete()  # told once already; a fresh run tells whom now?
    with django_capture_on_commit_callbacks(execute=True):
        notify_proposal_event.call(event.pk)
    told = {address for message in mail.outbox for address in message.to}
    assert told == {proposal.author.email}


def test_support_on_a_closed_proposal_loses_its_identity_hash_on_deletion(
    region: Any, official: Any
) -> None:
    proposal = published(region, official, resident(region))
    supporter = resident(region)
    other = resident(region)
    services.support_add(actor=supporter, proposal=proposal)
    services.support_add(actor=other, proposal=proposal)
    Proposal.objects.filter(pk=proposal.pk).update(status="expired")

    account_delete(user=supporter)

    mine = Support.objects.get(user=supporter)
    assert mine.identity_hash.startswith("gallrad-")
    assert supporter.verification.identity_hash not in mine.identity_hash
    assert Support.objects.get(user=other).identity_hash == other.verification.identity_hash
    assert Support.objects.filter(proposal=proposal).count() == 2


def test_drafts_retention_removes_only_old_unsubmitted_drafts_of_the_organisation(
    region: Any, official: Any, django_capture_on_commit_callbacks: Any
) -> None:
    rule = contributions.retention("proposal_drafts")
    author = resident(region)
    old = draft(region, author, "Gammalt", files=[SimpleUploadedFile("karta.png", PNG)])
    fresh = draft(region, author, "Nytt")
    submitted = services.proposal_submit(actor=author, proposal=draft(region, author, "Skickat"))
    elsewhere = OrganisationFactory()
    elsewhere.municipalities.add(region.municipalities.get())
    proposal_rules(elsewhere)
    foreign = draft(elsewhere, author, "Annan organisation")
    now = timezone.now()
    created = now - timedelta(days=100)
    Proposal.objects.filter(pk__in=[old.pk, submitted.pk, foreign.pk]).update(created=created)
    Proposal.objects.filter(pk=fresh.pk).update(created=created + timedelta(seconds=1))
    path = Attachment.objects.get(proposal=old).file.name

    with django_capture_on_commit_callbacks(execute=True):
        assert rule.apply(region, 100, now) == 1
    assert rule.apply(region, 100, now) == 0  # idempotent

    assert not Proposal.objects.filter(pk=old.pk).exists()
    assert not default_storage.exists(path)
    assert set(Proposal.objects.values_list("pk", flat=True)) == {
        fresh.pk,
        submitted.pk,
        foreign.pk,
    }
    assert rule.apply(region, 100, now + timedelta(seconds=1)) == 1  # the edge, one second on
    assert rule.apply(elsewhere, 100, now) == 1


def test_support_identity_retention_clears_hashes_after_the_period(
    region: Any, official: Any
) -> None:
    rule = contributions.retention("proposal_support_identities")
    ended = published(region, official, resident(region), "Slutade")
    collecting = published(region, official, resident(region), "Samlar")
    for proposal in (ended, collecting):
        for _ in range(2):
            services.support_add(actor=resident(region), proposal=proposal)
    ends = timezone.now()
    Proposal.objects.filter(pk=ended.pk).update(status="expired", support_ends_at=ends)
    Proposal.objects.filter(pk=collecting.pk).update(support_ends_at=ends)
    elsewhere = OrganisationFactory()

    assert rule.apply(region, 90, ends + timedelta(days=90) - timedelta(seconds=1)) == 0
    assert rule.apply(elsewhere, 90, ends + timedelta(days=90)) == 0
    assert rule.apply(region, 90, ends + timedelta(days=90)) == 2
    assert rule.apply(region, 90, ends + timedelta(days=90)) == 0  # idempotent

    cleared = list(Support.objects.filter(proposal=ended).values_list("identity_hash", flat=True))
    assert all(h.startswith("gallrad-") for h in cleared) and len(set(cleared)) == 2
    assert not Support.objects.filter(
        proposal=collecting, identity_hash__startswith="gallrad-"
    ).exists()
    ended.refresh_from_db()
    assert ended.support_count == 2
