"""Joining a strategy and networks through the pages, with the test client."""

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from delaktig.followup import selectors
from delaktig.followup.actors import services
from delaktig.followup.models import (
    Actor,
    ActorActivity,
    Commitment,
    NetworkDocument,
    NetworkMeeting,
    NetworkMember,
)
from tests.factories import OrganisationFactory, UserFactory, role
from tests.test_followup_actors import (
    EXE_BYTES,
    PDF_BYTES,
    active_commitment,
    make_network,
    make_strategy,
    member_of,
    official_of,
    request_join,
    upload,
)

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def join_data(strategy: Any, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "actor_name": "Föreningen Jämlikt Örebro",
        "actor_kind": "association",
        "organisation_number": "",
        "municipality": "",
        "commitment": "Vi håller tre öppna samtal om jämställdhet i år.",
        "goals": [strategy.goals.get(number="2").pk],
        "contact_name": "Alex Andersson",
        "contact_email": "alex.hemlig@jamlikt.example",
    }
    data.update(overrides)
    return data


# --- Joining, end to end ---


def test_joining_from_request_to_public_list_to_reported_activity(
    django_capture_on_commit_callbacks: Any,
) -> None:
    strategy = make_strategy()
    official = official_of(strategy.organisation)
    person = UserFactory()
    resident = client_for(person)
    join_url = reverse("followup:join", kwargs={"slug": strategy.slug})
    joined_url = reverse("followup:joined", kwargs={"slug": strategy.slug})

    page = resident.get(join_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<h1") == 1
    assert "<fieldset" in html and "Mål ni arbetar mot" in html
    assert 'name="contact_email"' in html and person.email in html  # filled in for them

    with django_capture_on_commit_callbacks(execute=True):
        response = resident.post(
            join_url, join_data(strategy, contact_email=person.email), follow=True
        )
    assert response.redirect_chain == [(join_url, 302)]
    html = response.content.decode()
    assert "En tjänsteperson granskar den" in html
    assert "Väntar på godkännande" in html  # their request, as text
    commitment = Commitment.objects.get()
    assert (commitment.status, commitment.contact_user) == ("pending", person)
    assert [message.to for message in mail.outbox] == [[official.email]]

    # Pending requests are not public.
    assert "Föreningen Jämlikt Örebro" not in Client().get(joined_url).content.decode()

    staff = client_for(official)
    review_url = reverse("followup_staff:commitment_review", kwargs={"pk": commitment.pk})
    assert person.email in staff.get(review_url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(review_url, {"action": "approve", "approve-joined_on": ""})
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert (commitment.status, commitment.joined_on) == ("active", timezone.localdate())
    assert mail.outbox[-1].to == [person.email]

    report_url = reverse(
        "followup:commitment_report", kwargs={"slug": strategy.slug, "pk": commitment.pk}
    )
    assert report_url in resident.get(joined_url).content.decode()
    response = resident.post(
        report_url,
        {
            "title": "Samtal om obetalt hemarbete",
            "description": "Tre kvällar i Vivalla.",
            "year": "2025",
            "status": "done",
            "goals": [strategy.goals.get(number="2").pk],
        },
    )
    assert response.status_code == 302
    activity = ActorActivity.objects.get()
    assert (activity.commitment, activity.reported_by, activity.status) == (
        commitment,
        person,
        "done",
    )

    public = Client().get(joined_url)
    html = public.content.decode()
    assert public.status_code == 200
    assert html.count("<h1") == 1
    for shown in (
        "Föreningen Jämlikt Örebro",
        "Förening eller civilsamhällesorganisation",
        "Vi håller tre öppna samtal om jämställdhet i år.",
        "Ekonomisk jämställdhet",
        "Samtal om obetalt hemarbete",
        "Genomförd",
        "2025",
    ):
        assert shown in html
    # Contact persons are never shown publicly, nor is the report link.
    assert "Alex Andersson" not in html
    assert "alex.hemlig" not in html
    assert report_url not in html


def test_an_anonymous_visitor_gets_a_login_prompt_not_the_form() -> None:
    strategy = make_strategy()
    join_url = reverse("followup:join", kwargs={"slug": strategy.slug})
    response = Client().get(join_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Logga in för att ansluta er organisation" in html
    assert reverse("account_login") in html
    assert 'name="commitment"' not in html
    posted = Client().post(join_url, join_data(strategy))
    assert posted.status_code == 302
    assert posted["Location"].startswith(reverse("account_login"))
    assert not Commitment.objects.exists()


def test_an_invalid_request_keeps_what_was_typed_and_links_errors_to_fields() -> None:
    strategy = make_strategy()
    client = client_for(UserFactory())
    response = client.post(
        reverse("followup:join", kwargs={"slug": strategy.slug}),
        join_data(strategy, goals=[], contact_email="inte-en-adress"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "error-summary" in html
    assert 'href="#id_goals_0"' in html and 'href="#id_contact_email"' in html
    assert "Vi håller tre öppna samtal om jämställdhet i år." in html
    assert 'value="Föreningen Jämlikt Örebro"' in html
    assert 'aria-invalid="true"' in html
    assert not Commitment.objects.exists()


def test_a_second_request_for_the_same_actor_is_refused_on_the_page() -> None:
    strategy = make_strategy()
    request_join(strategy, actor_name="Föreningen Jämlikt Örebro")
    client = client_for(UserFactory())
    response = client.post(
        reverse("followup:join", kwargs={"slug": strategy.slug}), join_data(strategy)
    )
    assert response.status_code == 409  # the form comes back with the conflict's status
    assert "har redan anslutit sig" in response.content.decode()
    assert Commitment.objects.count() == 1


@pytest.mark.parametrize("change", [{"joinable": False}, {"published": False}])
def test_no_join_page_for_a_closed_or_unpublished_strategy(change: dict[str, bool]) -> None:
    strategy = make_strategy(**change)
    client = client_for(UserFactory())
    assert client.get(reverse("followup:join", kwargs={"slug": strategy.slug})).status_code == 404


def test_the_public_list_shows_only_active_commitments_of_published_strategies() -> None:
    strategy = make_strategy()
    official = official_of(strategy.organisation)
    active_commitment(strategy, name="Aktiv kommun")
    request_join(strategy, actor_name="Väntande förening")
    declined = request_join(strategy, actor_name="Nekat bolag")
    services.commitment_decline(actor=official, commitment=declined, reason="Nej.")
    ended = active_commitment(strategy, name="Avslutad myndighet")
    services.commitment_end(actor=official, commitment=ended)
    html = Client().get(reverse("followup:joined", kwargs={"slug": strategy.slug})).content
    assert b"Aktiv kommun" in html
    for hidden in (b"V\xc3\xa4ntande", b"Nekat bolag", b"Avslutad myndighet", b"kim.kontakt"):
        assert hidden not in html

    unpublished = make_strategy(strategy.organisation, published=False)
    services.commitment_register(
        actor=official,
        strategy=unpublished,
        actor_name="Hemlig kommun",
        actor_kind="municipality",
        commitment="Text.",
        contact_name="N",
        contact_email="n@example.se",
    )
    url = reverse("followup:joined", kwargs={"slug": unpublished.slug})
    assert Client().get(url).status_code == 404
    assert client_for(UserFactory()).get(url).status_code == 404
    assert b"Hemlig kommun" in client_for(official).get(url).content  # staff preview


def test_the_public_list_costs_the_same_number_of_queries_for_many_actors(
    django_assert_max_num_queries: Any,
) -> None:
    strategy = make_strategy()
    official = official_of(strategy.organisation)
    url = reverse("followup:joined", kwargs={"slug": strategy.slug})

    def add(count: int) -> None:
        for number in range(count):
            commitment = active_commitment(strategy, name=f"Aktör {Actor.objects.count()}-{number}")
            services.actor_activity_report(
                actor=official,
                commitment=commitment,
                title="A",
                year=2025,
                goals=list(strategy.goals.all()),
            )
            commitment.goals.set(strategy.goals.all())

    add(2)
    client = Client()
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(10)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert response.content.decode().count("<article") == 12


def test_the_summary_include_for_the_strategy_page() -> None:
    strategy = make_strategy()
    active_commitment(strategy, name="Lekebergs kommun")
    html = render_to_string(
        "followup/actors/joined_summary.html",
        {"strategy": strategy, "commitments": selectors.joined_commitments(strategy)},
    )
    assert "Anslutna aktörer" in html and "Lekebergs kommun" in html
    assert reverse("followup:joined", kwargs={"slug": strategy.slug}) in html
    assert reverse("followup:join", kwargs={"slug": strategy.slug}) in html
    assert "kim.kontakt" not in html
    strategy.joinable = False
    html = render_to_string(
        "followup/actors/joined_summary.html", {"strategy": strategy, "commitments": []}
    )
    assert reverse("followup:join", kwargs={"slug": strategy.slug}) not in html
    assert "Ingen aktör har anslutit sig ännu." in html


# --- Reporting ---


def test_the_report_page_is_for_the_contact_and_officials_only() -> None:
    strategy = make_strategy()
    contact = UserFactory()
    commitment = active_commitment(strategy, contact=contact)
    url = reverse("followup:commitment_report", kwargs={"slug": strategy.slug, "pk": commitment.pk})
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(
        reverse("account_login")
    )
    assert client_for(UserFactory()).get(url).status_code == 403
    assert client_for(official_of(OrganisationFactory())).get(url).status_code == 403
    assert client_for(contact).get(url).status_code == 200
    assert client_for(official_of(strategy.organisation)).get(url).status_code == 200
    # The strategy in the address must be the commitment's own.
    other = make_strategy(strategy.organisation)
    wrong = reverse("followup:commitment_report", kwargs={"slug": other.slug, "pk": commitment.pk})
    assert client_for(contact).get(wrong).status_code == 404


def test_the_contact_edits_a_report_and_an_invalid_one_shows_errors() -> None:
    strategy = make_strategy()
    contact = UserFactory()
    commitment = active_commitment(strategy, contact=contact)
    activity = services.actor_activity_report(
        actor=contact, commitment=commitment, title="Första", year=2024
    )
    client = client_for(contact)
    url = reverse(
        "followup:actor_activity_edit",
        kwargs={"slug": strategy.slug, "pk": commitment.pk, "activity_pk": activity.pk},
    )
    page = client.get(url)
    assert page.status_code == 200 and 'value="Första"' in page.content.decode()
    bad = client.post(url, {"title": "", "year": "2030", "status": "ongoing"})
    assert bad.status_code == 400
    assert 'href="#id_title"' in bad.content.decode() and 'href="#id_year"' in bad.content.decode()
    good = client.post(url, {"title": "Andra", "year": "2026", "status": "postponed"})
    assert good.status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.year, activity.status) == ("Andra", 2026, "postponed")
    # Another actor's activity cannot be reached through this commitment.
    theirs = services.actor_activity_report(
        actor=official_of(strategy.organisation),
        commitment=active_commitment(strategy, name="Annan"),
        title="Deras",
        year=2024,
    )
    url = reverse(
        "followup:actor_activity_edit",
        kwargs={"slug": strategy.slug, "pk": commitment.pk, "activity_pk": theirs.pk},
    )
    assert client.get(url).status_code == 404


# --- Staff: commitments ---


def test_the_staff_list_puts_pending_first_and_is_for_the_strategy_s_officials() -> None:
    strategy = make_strategy()
    official = official_of(strategy.organisation)
    active_commitment(strategy, name="Aktiva aktören")
    request_join(strategy, actor_name="Väntande aktören")
    url = reverse("followup_staff:actors", kwargs={"pk": strategy.pk})
    html = client_for(official).get(url).content.decode()
    assert html.index("Väntande aktören") < html.index("Aktiva aktören")
    assert "Väntar på godkännande" in html
    assert client_for(official_of(OrganisationFactory())).get(url).status_code == 403
    assert (
        client_for(role(UserFactory(), "moderator", strategy.organisation)).get(url).status_code
        == 403
    )
    assert client_for(UserFactory()).get(url).status_code == 403
    assert Client().get(url).status_code == 302


def test_approving_twice_through_the_page_is_refused() -> None:
    strategy = make_strategy()
    commitment = request_join(strategy)
    staff = client_for(official_of(strategy.organisation))
    url = reverse("followup_staff:commitment_review", kwargs={"pk": commitment.pk})
    assert staff.post(url, {"action": "approve"}).status_code == 302
    again = staff.post(url, {"action": "approve"})
    assert again.status_code == 409
    assert "redan behandlad" in again.content.decode()


def test_declining_through_the_page_needs_a_reason() -> None:
    strategy = make_strategy()
    commitment = request_join(strategy)
    staff = client_for(official_of(strategy.organisation))
    url = reverse("followup_staff:commitment_review", kwargs={"pk": commitment.pk})
    missing = staff.post(url, {"action": "decline", "decline-reason": ""})
    assert missing.status_code == 400
    assert 'href="#id_decline-reason"' in missing.content.decode()
    assert staff.post(url, {"action": "decline", "decline-reason": "Fel län."}).status_code == 302
    commitment.refresh_from_db()
    assert (commitment.status, commitment.status_reason) == ("declined", "Fel län.")


def test_an_official_registers_a_commitment_on_the_page() -> None:
    strategy = make_strategy()
    staff = client_for(official_of(strategy.organisation))
    url = reverse("followup_staff:commitment_add", kwargs={"pk": strategy.pk})
    assert staff.get(url).status_code == 200
    missing = staff.post(
        url, {"commitment": "Text", "contact_name": "N", "contact_email": "n@x.se"}
    )
    assert missing.status_code == 400
    assert 'href="#id_actor_name"' in missing.content.decode()
    response = staff.post(
        url,
        {
            "actor_name": "Region Örebro läns folkhögskolor",
            "actor_kind": "other",
            "commitment": "Kurser i demokrati.",
            "goals": [strategy.goals.first().pk],
            "contact_name": "Rektor",
            "contact_email": "rektor@example.se",
            "joined_on": "2024-02-01",
        },
    )
    assert response.status_code == 302
    commitment = Commitment.objects.get()
    assert (commitment.status, str(commitment.joined_on)) == ("active", "2024-02-01")


# --- Networks: the public page and documents ---


@pytest.fixture
def network_setup() -> Any:
    network = make_network()
    official = official_of(network.organisation)
    member = member_of(network)
    now = timezone.now()
    NetworkMeeting.objects.create(
        network=network,
        title="Vårträffen",
        starts_at=now + timedelta(days=10),
        agenda="Medborgarbudget",
    )
    NetworkMeeting.objects.create(
        network=network,
        title="Höstträffen",
        starts_at=now - timedelta(days=60),
        notes="Vi delade erfarenheter av e-förslag.",
    )
    public = services.network_document_add(
        actor=official,
        network=network,
        title="Verksamhetsplan",
        upload=upload(PDF_BYTES),
        public=True,
    )
    internal = services.network_document_add(
        actor=official, network=network, title="Kontaktlista internt", upload=upload(PDF_BYTES)
    )
    return network, official, member, public, internal


def test_the_network_page_shows_members_meetings_and_public_documents(network_setup: Any) -> None:
    network, official, member, public, internal = network_setup
    response = Client().get(reverse("followup:network", kwargs={"slug": network.slug}))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    for shown in (
        network.name,
        "Föreningen Demokrativerkstan",
        "Förening eller civilsamhällesorganisation",
        "Vårträffen",
        "Medborgarbudget",
        "Höstträffen",
        "Vi delade erfarenheter av e-förslag.",
        "Verksamhetsplan",
    ):
        assert shown in html
    assert html.index("Vårträffen") < html.index("Tidigare träffar") < html.index("Höstträffen")
    # No contact persons, and no internal documents for outsiders.
    assert "Mo Medlem" not in html and member.email not in html
    assert "Kontaktlista internt" not in html
    assert "Logga in för att se nätverkets interna dokument" in html
    as_member = client_for(member).get(reverse("followup:network", kwargs={"slug": network.slug}))
    assert "Kontaktlista internt" in as_member.content.decode()


def test_members_only_documents_are_served_only_to_members_and_staff(network_setup: Any) -> None:
    network, official, member, public, internal = network_setup
    url = reverse("followup:network_document", kwargs={"slug": network.slug, "pk": internal.pk})
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))
    assert client_for(UserFactory()).get(url).status_code == 403
    assert client_for(official_of(OrganisationFactory())).get(url).status_code == 403
    for insider in (member, official, role(UserFactory(), "moderator", network.organisation)):
        response = client_for(insider).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF_BYTES
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "private" in response["Cache-Control"]
        assert 'filename="kontaktlista-internt.pdf"' in response["Content-Disposition"]
    public_url = reverse(
        "followup:network_document", kwargs={"slug": network.slug, "pk": public.pk}
    )
    assert Client().get(public_url).status_code == 200
    # A document is reached only through its own network.
    other = make_network(network.organisation)
    wrong = reverse("followup:network_document", kwargs={"slug": other.slug, "pk": public.pk})
    assert Client().get(wrong).status_code == 404


def test_an_unpublished_network_is_for_members_and_staff(network_setup: Any) -> None:
    network, official, member, public, internal = network_setup
    network.published = False
    network.save()
    url = reverse("followup:network", kwargs={"slug": network.slug})
    assert Client().get(url).status_code == 404
    assert client_for(UserFactory()).get(url).status_code == 404
    assert client_for(member).get(url).status_code == 200
    assert client_for(official).get(url).status_code == 200
    doc = reverse("followup:network_document", kwargs={"slug": network.slug, "pk": public.pk})
    assert Client().get(doc).status_code == 404


def test_a_member_shares_a_document_on_the_network_page(network_setup: Any) -> None:
    network, official, member, public, internal = network_setup
    url = reverse("followup:network", kwargs={"slug": network.slug})
    client = client_for(member)
    assert 'name="public"' not in client.get(url).content.decode()
    refused = client.post(url, {"title": "Virus", "file": upload(EXE_BYTES, name="rapport.pdf")})
    assert refused.status_code == 400
    assert "inte en tillåten typ" in refused.content.decode()
    shared = client.post(
        url, {"title": "Vår checklista", "file": upload(PDF_BYTES), "public": "on"}
    )
    assert shared.status_code == 302
    document = NetworkDocument.objects.get(title="Vår checklista")
    assert (document.public, document.uploaded_by) == (False, member)
    assert (
        client_for(UserFactory()).post(url, {"title": "X", "file": upload(PDF_BYTES)}).status_code
        == 403
    )
    delete = reverse(
        "followup:network_document_delete", kwargs={"slug": network.slug, "pk": document.pk}
    )
    other_doc = reverse(
        "followup:network_document_delete", kwargs={"slug": network.slug, "pk": internal.pk}
    )
    assert client.post(other_doc).status_code == 403
    assert client.post(delete).status_code == 302
    assert not NetworkDocument.objects.filter(title="Vår checklista").exists()


# --- Networks: staff pages ---


def test_staff_upload_refuses_a_renamed_exe_and_stores_a_pdf_under_a_new_name() -> None:
    network = make_network()
    staff = client_for(official_of(network.organisation))
    url = reverse("followup_staff:network_documents", kwargs={"pk": network.pk})
    refused = staff.post(
        url, {"title": "Protokoll", "file": upload(EXE_BYTES, name="protokoll.pdf")}
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "error-summary" in html and 'href="#id_file"' in html
    assert 'value="Protokoll"' in html
    assert not NetworkDocument.objects.exists()
    accepted = staff.post(
        url,
        {
            "title": "Protokoll",
            "file": upload(PDF_BYTES, name="Protokoll Kalle.pdf"),
            "public": "on",
        },
    )
    assert accepted.status_code == 302
    document = NetworkDocument.objects.get()
    assert document.public and "Kalle" not in document.file.name


def test_staff_create_a_network_and_add_members_meetings() -> None:
    region = OrganisationFactory()
    official = official_of(region)
    strategy = make_strategy(region)
    staff = client_for(official)
    response = staff.post(
        reverse("followup_staff:network_create"),
        {
            "organisation": region.pk,
            "name": "Demokratinätverket",
            "slug": "demokratinatverket",
            "description": "Utbyte mellan kommunerna.",
            "strategy": strategy.pk,
            "published": "on",
        },
    )
    assert response.status_code == 302
    network = strategy.networks.get()
    duplicate = staff.post(
        reverse("followup_staff:network_create"),
        {"organisation": region.pk, "name": "Annat", "slug": "demokratinatverket"},
    )
    assert duplicate.status_code == 400
    assert "Demokratinätverket" in staff.get(reverse("followup_staff:networks")).content.decode()

    account = UserFactory(email="kontakt@hallsberg.example")
    members_url = reverse("followup_staff:network_members", kwargs={"pk": network.pk})
    added = staff.post(
        members_url,
        {
            "actor_name": "Hallsbergs kommun",
            "actor_kind": "municipality",
            "contact_name": "Kontakt",
            "contact_email": "kontakt@hallsberg.example",
        },
        follow=True,
    )
    assert "Kontaktpersonens konto är kopplat" in added.content.decode()
    member = NetworkMember.objects.get()
    assert member.user == account
    again = staff.post(members_url, {"existing_actor": member.actor.pk})
    assert again.status_code == 400  # already a member: not offered, refused by the form
    remove = reverse(
        "followup_staff:network_member_remove", kwargs={"pk": network.pk, "member_pk": member.pk}
    )
    assert staff.get(remove).status_code == 405
    assert staff.post(remove).status_code == 200  # the confirmation page (core.confirm)
    assert NetworkMember.objects.exists()
    assert staff.post(remove, {"confirmed": "1"}).status_code == 302
    assert not NetworkMember.objects.exists()

    meetings_url = reverse("followup_staff:network_meetings", kwargs={"pk": network.pk})
    assert (
        staff.post(
            meetings_url,
            {"title": "Träff", "starts_at": "2025-03-12T13:00", "place": "Örebro", "agenda": "1."},
        ).status_code
        == 302
    )
    meeting = NetworkMeeting.objects.get()
    edit_url = reverse(
        "followup_staff:network_meeting_edit", kwargs={"pk": network.pk, "meeting_pk": meeting.pk}
    )
    assert (
        staff.post(
            edit_url, {"title": "Träff", "starts_at": "2025-03-12T13:00", "notes": "Anteckningar."}
        ).status_code
        == 302
    )
    meeting.refresh_from_db()
    assert meeting.notes == "Anteckningar."


def test_staff_network_pages_are_for_the_network_s_officials() -> None:
    network = make_network()
    member = member_of(network)
    for name in ("network_edit", "network_members", "network_meetings", "network_documents"):
        url = reverse(f"followup_staff:{name}", kwargs={"pk": network.pk})
        assert client_for(official_of(network.organisation)).get(url).status_code == 200
        assert client_for(official_of(OrganisationFactory())).get(url).status_code == 403
        assert client_for(member).get(url).status_code == 403
