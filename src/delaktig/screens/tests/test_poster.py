"""The A4 poster of a process: who gets it, and that it is a tagged PDF saying the right
things."""

import io
from typing import cast

import pytest
from django.test import Client
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, StreamObject
from tests.factories import OrganisationFactory, PhaseFactory, ProcessFactory, UserFactory, role

from delaktig.organisations.models import OrganisationSettings
from delaktig.screens import qr, selectors
from delaktig.screens.tests.helpers import open_process

pytestmark = pytest.mark.django_db

A4 = (595.28, 841.89)  # points


def test_a_public_processs_poster_is_a_tagged_a4_pdf(client: Client) -> None:
    process = open_process(OrganisationFactory(name="Region Testland"), title="Säg vad du tycker")
    response = client.get(f"/processer/{process.slug}/affisch.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "public" in response["Cache-Control"]
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width), 1), round(float(box.height), 1)) == (
        round(A4[0], 1),
        round(A4[1], 1),
    )
    text = reader.pages[0].extract_text()
    for expected in (
        "Säg vad du tycker",
        process.summary,
        "Steg 3 av 5 på delaktighetstrappan: Dialog",
        "Skriv vad du tycker i diskussionen.",
        "Region Testland",
        qr.short_url(selectors.absolute(process.get_absolute_url())),
    ):
        assert "".join(expected.split()) in "".join(text.split()), expected
    catalog = reader.root_object
    assert "/StructTreeRoot" in catalog
    assert cast(DictionaryObject, catalog["/MarkInfo"].get_object())["/Marked"]
    assert catalog["/Lang"] == "sv"
    metadata = cast(StreamObject, catalog["/Metadata"].get_object())
    assert b"pdfuaid" in metadata.get_data()


def test_a_drafts_poster_is_for_its_staff_only(client: Client) -> None:
    process = ProcessFactory(status="draft")
    assert client.get(f"/processer/{process.slug}/affisch.pdf").status_code == 404
    client.force_login(UserFactory())
    assert client.get(f"/processer/{process.slug}/affisch.pdf").status_code == 404
    client.force_login(role(UserFactory(), "official", OrganisationFactory()))
    assert client.get(f"/processer/{process.slug}/affisch.pdf").status_code == 404
    client.force_login(role(UserFactory(), "official", process.organisation))
    response = client.get(f"/processer/{process.slug}/affisch.pdf")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert client.get("/processer/finns-inte/affisch.pdf").status_code == 404


def test_the_poster_is_in_the_content_language_where_translated(client: Client) -> None:
    process = open_process(OrganisationFactory(), title="Säg vad du tycker")
    if "title" not in getattr(process, "translated_fields", ()):
        pytest.skip("Process is not a TranslatedModel yet")
    from delaktig.translations import services as translation_services
    from delaktig.translations.services import Change

    OrganisationSettings.objects.create(
        organisation=process.organisation, content_languages=["sv", "en"]
    )
    admin = role(UserFactory(), "administrator")
    translation_services.translations_save(
        actor=admin,
        obj=process,
        language="en",
        changes=[Change("title", "Tell us what you think")],
        reviewed=True,
    )
    response = client.get(f"/processer/{process.slug}/affisch.pdf?sprak=en")
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Tell us what you think" in text


def test_the_longest_texts_still_fit_one_page(client: Client) -> None:
    process = open_process(
        OrganisationFactory(name="Region Testland"),
        title=" ".join(["Mycket lång rubrik om kollektivtrafik"] * 5)[:200],
        summary=("Vi vill veta vad du tycker om bussarna och tågen i hela länet. " * 10)[:600],
    )
    module = process.modules.get()
    for n in range(3):
        PhaseFactory(module=module, process=process, name=f"Fas {n}")
    response = client.get(f"/processer/{process.slug}/affisch.pdf")
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1
