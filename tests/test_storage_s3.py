"""Every upload and download flow against a real S3 service (moto's server, tests/s3.py), end
to end through the views: a proposal's attachment, a knowledge-bank document, a network
document, an organisation's logo, a process's cover image and an open-data dump. Private files
are streamed by the view that checks permission and are never reachable in the bucket without
it; replacing and deleting remove the old object once the transaction has committed; names with
å, ä, ö and odd characters keep working."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse
from django.test import Client
from django.urls import reverse
from PIL import Image

from delaktig.core.storage import stored_file_response
from delaktig.followup.models import NetworkDocument
from delaktig.knowledge import services as knowledge
from delaktig.knowledge.models import Part
from delaktig.knowledge.workflow import Action as KnowledgeAction
from delaktig.opendata.dumps import dumps_make
from delaktig.opendata.models import Dump
from delaktig.organisations.models import Branding
from delaktig.participation.models import ProcessCover
from delaktig.proposals import services as proposals
from delaktig.proposals.models import Attachment, Proposal
from tests.factories import (
    MunicipalityFactory,
    OrganisationFactory,
    ProcessFactory,
    UserFactory,
    proposal_rules,
    role,
    verified_resident,
)
from tests.s3 import Bucket
from tests.test_followup_actors import make_network, member_of

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"%" * 70_000 + b"\n"
ODD_NAME = "Förslag på cykelväg – Åre & Östersund (v2) #1, 50% klart.pdf"
NIGHT = datetime(2026, 3, 2, 2, 30, tzinfo=UTC)
NEXT_NIGHT = datetime(2026, 3, 3, 2, 30, tzinfo=UTC)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture(autouse=True)
def _streamed_not_copied(monkeypatch: pytest.MonkeyPatch) -> None:
    """Downloads stream the object's body as S3 sends it: reading a file through
    django-storages' S3File, which first copies the whole object into memory or a temporary
    file, fails these tests."""
    from storages.backends.s3 import S3File  # type: ignore[import-untyped]

    def copied(self: Any) -> None:
        raise AssertionError(f"{self.name} was copied whole before it was sent")

    monkeypatch.setattr(S3File, "file", property(copied))


def assert_streamed_from_the_bucket(response: Any, data: bytes) -> None:
    """The response streams the stored bytes, with their length."""
    assert isinstance(response, FileResponse)
    assert response["Content-Length"] == str(len(data))
    assert body(response) == data


def png(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def region() -> Any:
    organisation = OrganisationFactory(slug="region-s3")
    organisation.municipalities.add(MunicipalityFactory(code="2380", name="Östersund"))
    proposal_rules(organisation, support_phase=False)
    return organisation


# --- The storage itself ------------------------------------------------------------------------


def test_names_with_swedish_letters_and_odd_characters_round_trip(s3: Bucket) -> None:
    name = default_storage.save(f"proposals/7/{ODD_NAME}", ContentFile(PDF))
    assert name == f"proposals/7/{ODD_NAME}"
    assert s3.keys() == [s3.key(name)]  # under the prefix, the name as given
    assert s3.read(name) == PDF
    assert_streamed_from_the_bucket(stored_file_response(name, content_type="application/pdf"), PDF)
    # A name that is taken is never overwritten: the second file gets a name of its own.
    second = default_storage.save(f"proposals/7/{ODD_NAME}", ContentFile(b"%PDF-2"))
    assert second != name and s3.read(name) == PDF and s3.read(second) == b"%PDF-2"
    default_storage.delete(name)
    assert s3.keys() == [s3.key(second)]
    with pytest.raises(FileNotFoundError):
        stored_file_response(name, content_type="application/pdf")


def test_objects_are_private_and_signed_addresses_short_lived(s3: Bucket) -> None:
    name = default_storage.save("proposals/8/hemlig.pdf", ContentFile(PDF))
    grants = s3.client.get_object_acl(Bucket=s3.name, Key=s3.key(name))["Grants"]
    assert [grant["Grantee"].get("URI") for grant in grants] == [None]  # the owner alone
    assert s3.anonymous_get(name) == 403
    assert "X-Amz-Expires=300" in default_storage.url(name)
    # The check can fail: a public-read object is readable by anyone.
    s3.client.put_object(Bucket=s3.name, Key=s3.key("offentlig.txt"), Body=b"x", ACL="public-read")
    assert s3.anonymous_get("offentlig.txt") == 200


# --- A proposal's attachment -------------------------------------------------------------------


def test_a_proposal_attachment_is_uploaded_and_served_only_to_those_allowed(
    s3: Bucket, region: Any
) -> None:
    author = verified_resident(region.municipalities.get())
    client = client_for(author)
    response = client.post(
        reverse("proposals:create"),
        {
            "organisation": region.slug,
            "title": "Cykelväg längs Storsjön",
            "body": "En cykelväg hela vägen runt.",
            "author_name": "Åsa Öberg",
            "attachments": [SimpleUploadedFile(ODD_NAME, PDF, "application/pdf")],
        },
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response["Location"] == proposal.get_absolute_url()
    attachment = proposal.attachments.get()
    assert attachment.original_name == ODD_NAME
    assert s3.keys() == [s3.key(attachment.file.name)]
    assert s3.read(attachment.file.name) == PDF
    url = reverse("proposals:attachment", args=[attachment.pk])

    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == (
        "attachment; filename*=utf-8''F%C3%B6rslag%20p%C3%A5%20cykelv%C3%A4g%20%E2%80%93%20"
        "%C3%85re%20%26%20%C3%96stersund%20%28v2%29%20%231%2C%2050%25%20klart.pdf"
    )
    assert_streamed_from_the_bucket(download, PDF)

    # A draft is the author's own: nobody else gets a byte, and neither does the bucket give
    # it to anyone who asks without the app.
    for stranger in (Client(), client_for(verified_resident(region.municipalities.get()))):
        refused = stranger.get(url)
        assert refused.status_code == 403 and PDF[:40] not in refused.content
    assert s3.anonymous_get(attachment.file.name) == 403
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert url in page
    assert s3.endpoint not in page and s3.name not in page and attachment.file.name not in page


def test_a_withheld_attachment_of_a_public_proposal_stays_with_staff_and_author(
    s3: Bucket, region: Any
) -> None:
    official = role(UserFactory(), "official", region)
    author = verified_resident(region.municipalities.get())
    upload = SimpleUploadedFile("Läkarintyg.pdf", PDF, "application/pdf")
    draft = proposals.proposal_save_draft(
        actor=author,
        organisation=region,
        title="Fler platser i hemtjänsten",
        body="Text",
        author_name="Kim",
        files=[upload],
    )
    submitted = proposals.proposal_submit(actor=author, proposal=draft)
    attachment = submitted.attachments.get()
    proposals.proposal_redact(
        actor=official,
        proposal=submitted,
        title=submitted.title,
        body=submitted.body,
        background="",
        withheld=[attachment],
    )
    proposals.proposal_publish(actor=official, proposal=submitted)
    url = reverse("proposals:attachment", args=[attachment.pk])
    assert Client().get(submitted.get_absolute_url()).status_code == 200
    assert client_for(verified_resident(region.municipalities.get())).get(url).status_code == 403
    assert Client().get(url).status_code == 403
    for allowed in (author, official):
        assert_streamed_from_the_bucket(client_for(allowed).get(url), PDF)
    assert s3.anonymous_get(attachment.file.name) == 403


def test_deleting_an_account_deletes_its_draft_attachments_from_the_bucket(
    s3: Bucket, region: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from delaktig.accounts.services import account_delete

    author = verified_resident(region.municipalities.get())
    proposals.proposal_save_draft(
        actor=author,
        organisation=region,
        title="Utkast",
        body="Text",
        author_name="Kim",
        files=[SimpleUploadedFile("bilaga.pdf", PDF, "application/pdf")],
    )
    assert len(s3.keys()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=author)
    assert not Attachment.objects.exists()
    assert s3.keys() == []


# --- A knowledge-bank document -----------------------------------------------------------------


def test_a_knowledge_document_is_uploaded_replaced_and_served(
    s3: Bucket, django_capture_on_commit_callbacks: Any
) -> None:
    organisation = OrganisationFactory()
    official = role(UserFactory(), "official", organisation)
    section = knowledge.section_create(actor=official, organisation=organisation, title="Stöd")
    staff = client_for(official)
    form = {
        "section": section.pk,
        "kind": "document",
        "title": "Stöd efteråt",
        "minutes": 5,
        "audience": "both",
        "is_public": "on",
    }
    created = staff.post(
        reverse("knowledge_staff:part_create", kwargs={"pk": section.pk}),
        {**form, "document": SimpleUploadedFile("Stöd efteråt – för förtroendevalda.pdf", PDF)},
    )
    assert created.status_code == 302
    part = Part.objects.get()
    knowledge.part_transition(actor=official, part=part, action=KnowledgeAction.PUBLISH)
    first = part.document.name
    assert s3.keys() == [s3.key(first)]
    url = reverse("knowledge:document", kwargs={"slug": organisation.slug, "pk": part.pk})
    assert_streamed_from_the_bucket(Client().get(url), PDF)

    replacement = PDF.replace(b"1 0 obj", b"2 0 obj")
    with django_capture_on_commit_callbacks(execute=True):
        edited = staff.post(
            reverse("knowledge_staff:part_edit", kwargs={"pk": part.pk}),
            {**form, "document": SimpleUploadedFile("ny version.pdf", replacement)},
        )
    assert edited.status_code == 302
    part.refresh_from_db()
    assert part.document.name != first
    assert s3.keys() == [s3.key(part.document.name)]  # the old file is gone
    assert_streamed_from_the_bucket(Client().get(url), replacement)

    # Not public: for staff and elected members, never for a visitor.
    Part.objects.filter(pk=part.pk).update(is_public=False)
    assert Client().get(url).status_code == 302  # to log in
    assert_streamed_from_the_bucket(staff.get(url), replacement)


# --- A network document ------------------------------------------------------------------------


def test_a_network_document_is_shared_served_to_members_and_deleted(
    s3: Bucket, django_capture_on_commit_callbacks: Any
) -> None:
    network = make_network()
    member = member_of(network)
    client = client_for(member)
    page = reverse("followup:network", kwargs={"slug": network.slug})
    shared = client.post(
        page,
        {"title": "Vår checklista för möten", "file": SimpleUploadedFile("lista.pdf", PDF)},
    )
    assert shared.status_code == 302
    document = NetworkDocument.objects.get()
    assert s3.keys() == [s3.key(document.file.name)]
    url = reverse("followup:network_document", kwargs={"slug": network.slug, "pk": document.pk})
    download = client.get(url)
    assert download.status_code == 200 and "private" in download["Cache-Control"]
    assert_streamed_from_the_bucket(download, PDF)
    assert Client().get(url).status_code == 302  # to log in
    refused = client_for(UserFactory()).get(url)
    assert refused.status_code == 403 and PDF[:40] not in refused.content
    assert s3.anonymous_get(document.file.name) == 403

    delete = reverse(
        "followup:network_document_delete", kwargs={"slug": network.slug, "pk": document.pk}
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(delete, {"confirmed": "1"}).status_code == 302
    assert not NetworkDocument.objects.exists()
    assert s3.keys() == []
    assert client.get(url).status_code == 404


# --- An organisation's logo --------------------------------------------------------------------


def test_a_logo_is_uploaded_replaced_removed_and_served(
    s3: Bucket, django_capture_on_commit_callbacks: Any
) -> None:
    organisation = OrganisationFactory(slug="kommunen-s3")
    staff = client_for(role(UserFactory(), "official", organisation))
    url = reverse("organisations:branding", kwargs={"slug": organisation.slug})
    colours = {"primary_colour": "", "accent_colour": ""}

    def upload(data: bytes) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            response = staff.post(
                url,
                {
                    **colours,
                    "logo_alt": "Kommunens logotyp",
                    "logo": SimpleUploadedFile("logga å.png", data, "image/png"),
                },
            )
        assert response.status_code == 302

    upload(png(400, 120, (0, 90, 80)))
    branding = Branding.objects.get(organisation=organisation)
    first = branding.logo.name
    assert s3.keys() == [s3.key(first)]
    served = Client().get(branding.logo_url())
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert_streamed_from_the_bucket(served, s3.read(first))

    upload(png(400, 120, (120, 20, 20)))
    branding.refresh_from_db()
    assert branding.logo.name != first
    assert s3.keys() == [s3.key(branding.logo.name)]
    data = body(Client().get(branding.logo_url()))
    with Image.open(io.BytesIO(data)) as image:
        assert image.getpixel((0, 0)) == (120, 20, 20)

    with django_capture_on_commit_callbacks(execute=True):
        removed = staff.post(url, {**colours, "logo_alt": "", "remove_logo": "on"})
    assert removed.status_code == 302
    assert s3.keys() == []
    assert Client().get(branding.logo_url()).status_code == 404


# --- A process's cover image -------------------------------------------------------------------


def test_cover_renditions_are_stored_replaced_and_served(
    s3: Bucket, django_capture_on_commit_callbacks: Any
) -> None:
    official = role(UserFactory(), "official", OrganisationFactory())
    process = ProcessFactory(organisation=official.roles.first().organisation)
    staff = client_for(official)
    url = reverse("staff:process_cover", kwargs={"pk": process.pk})

    def upload(colour: tuple[int, int, int]) -> ProcessCover:
        image = SimpleUploadedFile("omslag öst.png", png(1600, 900, colour), "image/png")
        with django_capture_on_commit_callbacks(execute=True):
            response = staff.post(url, {"image": image, "alt_text": "Sjön en vårdag"})
        assert response.status_code == 302
        return ProcessCover.objects.get(process=process)

    cover = upload((40, 120, 200))
    first = sorted(s3.key(str(r["name"])) for r in cover.renditions)
    assert [r["width"] for r in cover.renditions] == [480, 960, 1600]
    assert s3.keys() == first
    for rendition in cover.renditions:
        served = staff.get(cover.url(rendition["width"]))
        assert served.status_code == 200 and served["Content-Type"] == "image/webp"
        assert_streamed_from_the_bucket(served, s3.read(str(rendition["name"])))

    cover = upload((200, 60, 40))
    assert s3.keys() == sorted(s3.key(str(r["name"])) for r in cover.renditions)
    assert not set(first) & set(s3.keys())
    with Image.open(io.BytesIO(body(staff.get(cover.url(480))))) as image:
        red, _green, _blue = image.convert("RGB").getpixel((10, 10))
        assert red > 150


# --- An open-data dump -------------------------------------------------------------------------


@pytest.fixture
def published_proposal(region: Any) -> Iterator[Proposal]:
    official = role(UserFactory(), "official", region)
    author = verified_resident(region.municipalities.get())
    draft = proposals.proposal_save_draft(
        actor=author,
        organisation=region,
        title="Cykelväg längs Storsjön",
        body="Text",
        author_name="Åsa Öberg",
    )
    submitted = proposals.proposal_submit(actor=author, proposal=draft)
    yield proposals.proposal_publish(actor=official, proposal=submitted)


def test_a_dump_is_made_into_the_bucket_replaced_and_served(
    s3: Bucket, region: Any, published_proposal: Proposal, django_capture_on_commit_callbacks: Any
) -> None:
    url = reverse(
        "opendata:dump", kwargs={"organisation": region.slug, "dataset": "proposals.proposals"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        dumps_make(now=NIGHT)
    first = Dump.objects.get(organisation=region, dataset="proposals.proposals")
    assert s3.keys() == [s3.key(first.file.name)]
    served = Client().get(url)
    assert served.status_code == 200 and served["ETag"] == f'"{first.sha256}"'
    data = s3.read(first.file.name)
    assert hashlib.sha256(data).hexdigest() == first.sha256
    assert_streamed_from_the_bucket(served, data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "Cykelväg längs Storsjön" in archive.read("proposals.csv").decode("utf-8-sig")

    # The next night's dump replaces it: the row points at the new object in one transaction,
    # and the old object is deleted once that has committed.
    with django_capture_on_commit_callbacks(execute=True):
        dumps_make(now=NEXT_NIGHT)
    second = Dump.objects.get(organisation=region, dataset="proposals.proposals")
    assert second.file.name != first.file.name
    assert s3.keys() == [s3.key(second.file.name)]
    assert_streamed_from_the_bucket(Client().get(url), s3.read(second.file.name))

    # An object missing from the bucket is a 404, not a server error.
    s3.client.delete_object(Bucket=s3.name, Key=s3.key(second.file.name))
    assert Client().get(url).status_code == 404
