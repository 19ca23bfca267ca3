from typing import Any
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from delaktig.discussions.models import Comment
from delaktig.participation.models import Feedback, Perspective, SdgGoal
from tests.factories import (
    CommentFactory,
    MunicipalityFactory,
    OrganisationFactory,
    ProcessFactory,
    UserFactory,
    open_discussion,
    role,
)

pytestmark = pytest.mark.django_db


def test_public_pages_render(client: Client) -> None:
    module = open_discussion()
    CommentFactory(module=module)
    for url in [
        "/",
        "/processer/",
        module.process.get_absolute_url(),
        "/tillganglighet/",
        "/konto/login/",
        "/konto/signup/",
    ]:
        response = client.get(url)
        assert response.status_code in (200, 404), url
    assert client.get(module.process.get_absolute_url()).status_code == 200


def test_process_page_shows_step_question_decider_and_input_use(client: Client) -> None:
    process = ProcessFactory(
        ladder_step=4,
        question="Hur ska vi bygga?",
        decision_maker="Regionfullmäktige",
        input_use="Vi väger in allt.",
    )
    html = client.get(process.get_absolute_url()).content.decode()
    assert "Steg 4 av 5 på delaktighetstrappan: Inflytande" in html
    assert 'aria-current="step"' in html
    for text in ["Hur ska vi bygga?", "Regionfullmäktige", "Vi väger in allt."]:
        assert text in html


def test_draft_is_hidden_from_public_but_shown_to_its_staff(client: Client) -> None:
    process = ProcessFactory(status="draft", title="Hemligt utkast")
    assert client.get(process.get_absolute_url()).status_code == 404
    assert "Hemligt utkast" not in client.get("/processer/").content.decode()
    official = role(UserFactory(), "official", process.organisation)
    client.force_login(official)
    assert client.get(process.get_absolute_url()).status_code == 200


def test_archived_process_shows_feedback(client: Client) -> None:
    process = ProcessFactory(status="archived")
    from django.utils import timezone

    Feedback.objects.create(
        process=process,
        heard="Vi hörde **mycket**",
        decided="Beslutat X",
        reasons="Eftersom Y",
        published_at=timezone.now(),
    )
    html = client.get(process.get_absolute_url()).content.decode()
    assert 'id="feedback"' in html
    assert "<strong>mycket</strong>" in html and "Beslutat X" in html


def test_list_filters_and_search(client: Client) -> None:
    municipality = MunicipalityFactory(code="2380", name="Östersund")
    perspective = Perspective.objects.get(code="barn_och_unga")
    goal = SdgGoal.objects.get(number=5)
    match = ProcessFactory(title="Ungdomsråd i länet", ladder_step=5)
    match.municipalities.add(municipality)
    match.perspectives.add(perspective)
    match.sdg_goals.add(goal)
    ProcessFactory(title="Kollektivtrafik", ladder_step=2)

    def titles(query: str) -> set[str]:
        response = client.get("/processer/?" + query)
        return {p.title for p in response.context["processes"]}

    assert titles("step=5") == {"Ungdomsråd i länet"}
    assert titles(f"municipality={municipality.pk}") == {"Ungdomsråd i länet"}
    assert titles(f"perspective={perspective.pk}") == {"Ungdomsråd i länet"}
    assert titles(f"goal={goal.pk}") == {"Ungdomsråd i länet"}
    assert titles("q=kollektiv") == {"Kollektivtrafik"}
    assert titles("") == {"Ungdomsråd i länet", "Kollektivtrafik"}
    # An invalid filter value shows an error and the unfiltered list, not a crash.
    response = client.get("/processer/?step=99")
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()


def test_htmx_list_returns_the_results_fragment(client: Client) -> None:
    ProcessFactory(title="Ett")
    response = client.get("/processer/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="results"')
    assert "<html" not in html


def _populate(count: int) -> Any:
    municipality = MunicipalityFactory()
    organisation = OrganisationFactory()
    for n in range(count):
        process = ProcessFactory(title=f"Process {n}", organisation=organisation)
        process.municipalities.add(municipality)
        process.perspectives.add(Perspective.objects.first())
    module = open_discussion()
    authors = [UserFactory() for _ in range(5)]
    for n in range(count):
        parent = CommentFactory(module=module, author=authors[n % 5])
        CommentFactory(module=module, author=authors[(n + 1) % 5], parent=parent)
    return module.process


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("logged_in", [False, True])
def test_query_count_does_not_grow_with_volume(client: Client, logged_in: bool) -> None:
    process = _populate(10)
    if logged_in:
        client.force_login(UserFactory())
    small = (_queries(client, "/processer/"), _queries(client, process.get_absolute_url()))
    Comment.objects.all().delete()
    big_process = _populate(300)
    big = (_queries(client, "/processer/"), _queries(client, big_process.get_absolute_url()))
    assert small == big


def test_comment_without_javascript_keeps_text_on_error(client: Client) -> None:
    module = open_discussion()
    client.force_login(UserFactory())
    url = reverse("discussions:comment_create", args=[module.pk])
    long_text = "x" * 4001
    response = client.post(url, {f"m{module.pk}-body": long_text})
    assert response.status_code == 400
    html = response.content.decode()
    assert "error-summary" in html and long_text in html
    response = client.post(url, {f"m{module.pk}-body": "Min synpunkt"})
    assert response.status_code == 302
    assert Comment.objects.get().body == "Min synpunkt"


def test_comment_with_htmx_returns_module_fragment(client: Client) -> None:
    module = open_discussion()
    client.force_login(UserFactory())
    url = reverse("discussions:comment_create", args=[module.pk])
    response = client.post(url, {f"m{module.pk}-body": "Via htmx"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and f'id="module-{module.pk}"' in html
    assert "Via htmx" in html and "<html" not in html
    response = client.post(url, {f"m{module.pk}-body": ""}, HTTP_HX_REQUEST="true")
    assert "error-summary" in response.content.decode()


def test_anonymous_comment_goes_to_login(client: Client) -> None:
    module = open_discussion()
    response = client.post(
        reverse("discussions:comment_create", args=[module.pk]), {f"m{module.pk}-body": "Hej"}
    )
    assert response.status_code == 302 and "/konto/login/" in response["Location"]
    assert not Comment.objects.exists()


def test_hidden_comment_shows_reason_in_its_place(client: Client) -> None:
    module = open_discussion()
    CommentFactory(
        module=module,
        body="Elak text",
        hidden_reason="Personangrepp",
        hidden_at="2026-01-01T00:00:00Z",
    )
    html = client.get(module.process.get_absolute_url()).content.decode()
    assert "Elak text" not in html and "Personangrepp" in html


def test_staff_pages_need_a_staff_role(client: Client) -> None:
    process = ProcessFactory()
    urls = [
        reverse("staff:dashboard"),
        reverse("staff:process_create"),
        reverse("staff:process", args=[process.pk]),
        reverse("staff:feedback", args=[process.pk]),
        reverse("insights:process_figures", args=[process.pk]),
        reverse("discussions:moderation"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/konto/login/" in response["Location"], url
    client.force_login(UserFactory())
    for url in urls:
        assert client.get(url).status_code == 403, url
    client.force_login(role(UserFactory(), "official", process.organisation))
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_staff_creates_and_runs_a_process_end_to_end(client: Client) -> None:
    official = role(UserFactory(), "official", ProcessFactory().organisation)
    organisation = official.roles.get().organisation
    client.force_login(official)
    data = {
        "organisation": organisation.pk,
        "title": "Ny dialog om vården",
        "slug": "",
        "summary": "Kort",
        "language": "sv",
        "ladder_step": 3,
        "question": "",
        "purpose": "Syfte",
        "input_use": "Används så här",
        "decision_maker": "Nämnden",
    }
    response = client.post(reverse("staff:process_create"), data)
    assert response.status_code == 400  # dialogue without a question
    assert "Ny dialog om vården" in response.content.decode()  # nothing typed is lost
    data["question"] = "Vad behöver du?"
    response = client.post(reverse("staff:process_create"), data)
    assert response.status_code == 302
    from delaktig.participation.models import Process

    process = Process.objects.get(slug="ny-dialog-om-varden")
    assert process.status == "draft"
    client.post(
        reverse("staff:module_add", args=[process.pk]),
        {"kind": "discussion", "title": "Diskussion"},
    )
    module = process.modules.get()
    response = client.post(
        reverse("staff:phase_add", args=[process.pk]),
        {
            "name": "Dialog",
            "module": module.pk,
            "phase_type": "discussion",
            "starts_at": "2020-01-01T00:00",
            "ends_at": "2099-01-01T00:00",
        },
    )
    assert response.status_code == 302
    for action in ["publish", "open"]:
        client.post(
            reverse("staff:process_transition", args=[process.pk]),
            {"action": action, "confirmed": "1"},
        )
    process.refresh_from_db()
    assert process.status == "open" and module.allows("comment")
    client.post(
        reverse("staff:process_transition", args=[process.pk]),
        {"action": "close", "confirmed": "1"},
    )
    response = client.post(
        reverse("staff:process_transition", args=[process.pk]),
        {"action": "archive", "confirmed": "1"},
    )
    process.refresh_from_db()
    assert process.status == "closed"
    dashboard = client.get(reverse("staff:dashboard")).content.decode()
    assert "Väntar på återkoppling" in dashboard and "Ny dialog om vården" in dashboard
    response = client.post(
        reverse("staff:feedback", args=[process.pk]),
        {
            "heard": "Hört",
            "decided": "Beslutat",
            "reasons": "Därför",
            "publish": "1",
            "confirmed": "1",
        },
    )
    assert response.status_code == 302
    process.refresh_from_db()
    assert process.status == "feedback_published"
    # A second process with the same title gets its own address.
    data["slug"] = ""
    assert client.post(reverse("staff:process_create"), data).status_code == 302
    assert Process.objects.filter(slug="ny-dialog-om-varden-2").exists()
    data["slug"] = "ny-dialog-om-varden"
    response = client.post(reverse("staff:process_create"), data)
    assert response.status_code == 400 and "används redan" in response.content.decode()


def test_feeds_are_valid_atom(client: Client) -> None:
    ProcessFactory(title="Synlig")
    ProcessFactory(title="Utkast", status="draft")
    for url in [reverse("participation:feed_processes"), reverse("participation:feed_feedback")]:
        response = client.get(url)
        assert response["Content-Type"].startswith("application/atom+xml")
        root = ElementTree.fromstring(response.content)  # noqa: S314 - our own feed
        assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    body = client.get(reverse("participation:feed_processes")).content.decode()
    assert "Synlig" in body and "Utkast" not in body


def test_follow_requires_login_and_toggles(client: Client) -> None:
    process = ProcessFactory()
    url = reverse("participation:follow", args=[process.slug])
    assert "/konto/login/" in client.post(url, {"follow": "1"})["Location"]
    user = UserFactory()
    client.force_login(user)
    client.post(url, {"follow": "1"})
    assert process.follows.filter(user=user).exists()
    client.post(url, {"follow": "0"})
    assert not process.follows.exists()


def test_organisation_settings_limit_the_modules_offered(client: Client) -> None:
    from delaktig.core.errors import ValidationFailed
    from delaktig.participation import services

    process = ProcessFactory(status="draft")
    organisation = process.organisation
    official = role(UserFactory(), "official", organisation)
    client.force_login(official)
    url = reverse("staff:organisation_settings", args=[organisation.slug])
    response = client.post(
        url, {"content_languages": ["sv", "sma"], "contact_email": "inte-en-adress"}
    )
    assert response.status_code == 400 and "inte-en-adress" in response.content.decode()
    response = client.post(
        url,
        {
            "content_languages": ["sv", "sma"],
            "contact_email": "demokrati@example.se",
            "open_data_licence": "cc0-1.0",
        },
    )
    assert response.status_code == 302
    organisation.settings.refresh_from_db()
    assert organisation.settings.enabled_modules == []
    assert organisation.settings.content_languages == ["sv", "sma"]
    assert organisation.settings.open_data_licence == "cc0-1.0"
    with pytest.raises(ValidationFailed):
        services.module_add(actor=official, process=process, kind="discussion", title="D")
    manage = client.get(reverse("staff:process", args=[process.pk])).content.decode()
    assert 'value="discussion"' not in manage
    # Sent without the licence (a page loaded before it was offered): the licence is kept.
    client.post(url, {"enabled_modules": ["discussion"], "contact_email": ""})
    organisation.settings.refresh_from_db()
    assert organisation.settings.open_data_licence == "cc0-1.0"
    assert services.module_add(actor=official, process=process, kind="discussion", title="D")
    other = role(UserFactory(), "official", OrganisationFactory())
    client.force_login(other)
    assert client.get(url).status_code == 403


def test_audit_log_is_scoped_and_admin_is_superuser_only(client: Client) -> None:
    from delaktig.participation import services

    process = ProcessFactory(status="draft", title="Loggad process")
    official = role(UserFactory(), "official", process.organisation)
    services.process_publish(actor=official, process=process)
    other_process = ProcessFactory(status="draft", title="Annan organisations process")
    services.process_publish(actor=role(UserFactory(), "administrator"), process=other_process)
    client.force_login(official)
    html = client.get(reverse("staff:audit_log")).content.decode()
    assert "Loggad process" in html and "Annan organisations process" not in html
    assert client.get("/admin/").status_code == 302  # officials never reach Django admin
    client.force_login(role(UserFactory(), "moderator", process.organisation))
    assert client.get(reverse("staff:audit_log")).status_code == 403
    admin = role(UserFactory(), "administrator")
    client.force_login(admin)
    html = client.get(reverse("staff:audit_log")).content.decode()
    assert "Loggad process" in html and "Annan organisations process" in html
    assert client.get("/admin/").status_code == 302  # not a superuser either
    admin.is_superuser = True
    admin.is_staff = True
    admin.save()
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_a_closed_process_shows_no_phase_as_under_way() -> None:
    """Issue 16: a closed process still said its discussion phase was "pågår"."""
    module = open_discussion()
    process = module.process
    badge = '<span class="badge">pågår</span>'
    assert badge in Client().get(process.get_absolute_url()).content.decode()
    type(process).objects.filter(pk=process.pk).update(status="closed")
    page = Client().get(process.get_absolute_url()).content.decode()
    assert badge not in page and '<li class="current" aria-current="step">' not in page
