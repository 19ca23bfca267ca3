"""Confirmation before irreversible actions (``core.confirm.confirm_required``): a POST
without ``confirmed=1`` changes nothing and gets the confirmation page; with it, the action
is taken and the message names the state the process is now in."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from delaktig.accounts.models import User
from delaktig.core.confirm import confirm_required
from delaktig.councils.models import Council, Referral
from delaktig.participation.models import Feedback, Phase, Process, ProcessTransition
from delaktig.proposals import services as proposal_services
from delaktig.proposals.models import Proposal
from tests.factories import (
    ImpactAssessmentFactory,
    MunicipalityFactory,
    OrganisationFactory,
    PhaseFactory,
    ProcessFactory,
    UserFactory,
    complete_child_answers,
    proposal_rules,
    role,
    verified_resident,
)

pytestmark = pytest.mark.django_db


def official_client(organisation: Any) -> Client:
    client = Client()
    client.force_login(role(UserFactory(), "official", organisation))
    return client


def hidden_fields(content: str) -> list[tuple[str, str]]:
    return re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', content)


# status before, action, status after, message after
STEPS = [
    ("draft", "publish", "published", "Processen är publicerad."),
    ("published", "open", "open", "Processen är öppen för deltagande."),
    ("open", "close", "closed", "Processen är stängd."),
    ("published", "close", "closed", "Processen är stängd."),
    ("feedback_published", "archive", "archived", "Processen är arkiverad."),
]


@pytest.mark.parametrize(("before", "action", "after", "message"), STEPS)
def test_a_process_step_is_asked_about_first(
    before: str, action: str, after: str, message: str
) -> None:
    process = ProcessFactory(status=before, title="Vården i Bräcke")
    client = official_client(process.organisation)
    url = reverse("staff:process_transition", args=[process.pk])

    page = client.post(url, {"action": action})
    assert page.status_code == 200
    content = page.content.decode()
    assert "Vill du verkligen" in content and "”Vården i Bräcke”" in content
    assert "Det här går inte att ångra:" in content
    assert ("action", action) in hidden_fields(content)
    assert ("confirmed", "1") in hidden_fields(content)
    assert f'href="{reverse("staff:process", args=[process.pk])}"' in content  # Avbryt
    assert f'action="{url}"' in content
    process.refresh_from_db()
    assert process.status == before  # nothing changed
    assert not ProcessTransition.objects.filter(process=process).exists()

    done = client.post(url, {"action": action, "confirmed": "1"})
    assert done.status_code == 302
    process.refresh_from_db()
    assert process.status == after
    assert [str(m) for m in get_messages(done.wsgi_request)] == [message]


def test_the_old_message_naming_the_button_is_gone() -> None:
    process = ProcessFactory(status="open")
    client = official_client(process.organisation)
    url = reverse("staff:process_transition", args=[process.pk])
    page = client.post(url, {"action": "close", "confirmed": "1"}, follow=True)
    content = page.content.decode()
    assert "Processen är stängd." in content and "Status ändrad" not in content


def test_a_step_that_is_not_allowed_is_refused_without_a_question() -> None:
    process = ProcessFactory(status="draft")
    client = official_client(process.organisation)
    response = client.post(
        reverse("staff:process_transition", args=[process.pk]), {"action": "archive"}
    )
    assert response.status_code == 409 and "Vill du verkligen" not in response.content.decode()


def test_a_resident_gets_no_confirmation_page() -> None:
    process = ProcessFactory(status="open")
    client = Client()
    client.force_login(UserFactory())
    url = reverse("staff:process_transition", args=[process.pk])
    assert client.post(url, {"action": "close"}).status_code == 403
    process.refresh_from_db()
    assert process.status == "open"


def test_publishing_feedback_is_asked_about_and_keeps_what_was_typed() -> None:
    process = ProcessFactory(status="closed")
    client = official_client(process.organisation)
    url = reverse("staff:feedback", args=[process.pk])
    typed = {
        "heard": "Rad ett\nRad två",
        "decided": "Beslutat",
        "reasons": "Därför",
        "decision_reference": "",
        "publish": "1",
    }
    page = client.post(url, typed)
    assert page.status_code == 200
    content = page.content.decode()
    assert "Vill du verkligen publicera återkopplingen" in content
    assert ("heard", "Rad ett\nRad två") in hidden_fields(content)
    assert ("publish", "1") in hidden_fields(content)
    process.refresh_from_db()
    assert process.status == "closed" and not Feedback.objects.filter(process=process).exists()

    assert client.post(url, {**typed, "confirmed": "1"}).status_code == 302
    process.refresh_from_db()
    assert process.status == "feedback_published"
    assert Feedback.objects.get(process=process).heard == "Rad ett\nRad två"


def test_saving_feedback_without_publishing_needs_no_confirmation() -> None:
    process = ProcessFactory(status="closed")
    client = official_client(process.organisation)
    response = client.post(
        reverse("staff:feedback", args=[process.pk]),
        {"heard": "Hört", "decided": "Beslutat", "reasons": "Därför"},
    )
    assert response.status_code == 302
    assert Feedback.objects.filter(process=process).exists()


def test_deleting_a_phase_is_asked_about_first() -> None:
    phase = PhaseFactory(name="Dialogfasen")
    client = official_client(phase.process.organisation)
    url = reverse("staff:phase_edit", args=[phase.process.pk, phase.pk])
    page = client.post(url, {"delete": "1"})
    assert "Vill du verkligen ta bort fasen ”Dialogfasen”?" in page.content.decode()
    assert Phase.objects.filter(pk=phase.pk).exists()
    assert client.post(url, {"delete": "1", "confirmed": "1"}).status_code == 302
    assert not Phase.objects.filter(pk=phase.pk).exists()


def submitted_proposal() -> Proposal:
    region = OrganisationFactory()
    region.municipalities.add(MunicipalityFactory(code="2380", name="Östersund"))
    proposal_rules(region, support_phase=False)
    author = verified_resident(region.municipalities.get())
    draft = proposal_services.proposal_save_draft(
        actor=author, organisation=region, title="Bibliotek", body="Söndagar", author_name="Kim"
    )
    return proposal_services.proposal_submit(actor=author, proposal=draft)


def test_a_step_on_a_proposal_case_is_asked_about_first() -> None:
    proposal = submitted_proposal()
    client = official_client(proposal.organisation)
    url = reverse("proposals:staff_case", args=[proposal.pk])
    page = client.post(url, {"action": "lodge"})
    assert "Vill du verkligen väcka förslaget ”Bibliotek”" in page.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "submitted"
    client.post(url, {"action": "lodge", "confirmed": "1"})
    proposal.refresh_from_db()
    assert proposal.status == "lodged"


def test_signing_off_an_assessment_is_asked_about_first() -> None:
    assessment = ImpactAssessmentFactory(answers=complete_child_answers(), status="ready")
    client = official_client(assessment.organisation)
    url = reverse("assessments_staff:sign_off", args=[assessment.pk])
    page = client.post(url, {"note": "Bra", "publish": "on"})
    assert "Vill du verkligen godkänna analysen" in page.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == "ready"
    client.post(url, {"note": "Bra", "publish": "on", "confirmed": "1"})
    assessment.refresh_from_db()
    assert assessment.status == "signed_off"


def test_sending_a_referral_is_asked_about_first() -> None:
    region = OrganisationFactory()
    council = Council.objects.create(
        organisation=region, kind="pensionarsrad", name="Rådet", slug="r", mandate="Samråd."
    )
    client = official_client(region)
    data = {
        "title": "Remiss om färdtjänst",
        "question": "Vad tycker rådet?",
        "body": "",
        "deadline": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "councils": [council.pk],
        "module": "",
    }
    page = client.post(reverse("councils:referrals"), data)
    content = page.content.decode()
    assert "Vill du verkligen skicka remissen ”Remiss om färdtjänst”" in content
    assert ("councils", str(council.pk)) in hidden_fields(content)
    assert not Referral.objects.exists()
    client.post(reverse("councils:referrals"), {**data, "confirmed": "1"})
    assert Referral.objects.get().title == "Remiss om färdtjänst"


def test_the_helper_carries_every_value_and_only_cancels_to_this_site() -> None:
    request = RequestFactory().post(
        "/x/?a=1", {"pick": ["1", "2"], "csrfmiddlewaretoken": "t", "text": "<b>"}
    )
    request.user = User.objects.get(pk=UserFactory().pk)
    page = confirm_required(
        request, question="Fråga?", consequence="Följd.", cancel_url="https://evil.example/"
    )
    assert page is not None
    content = page.content.decode()
    fields = hidden_fields(content)
    assert ("pick", "1") in fields and ("pick", "2") in fields and ("text", "&lt;b&gt;") in fields
    assert not any(name == "csrfmiddlewaretoken" and value == "t" for name, value in fields)
    assert 'action="/x/?a=1"' in content and "evil.example" not in content
    confirmed = RequestFactory().post("/x/", {"confirmed": "1"})
    assert confirm_required(confirmed, question="", consequence="", cancel_url="/") is None
    assert Process.objects.count() == 0


def test_a_step_the_service_would_refuse_is_refused_before_the_question() -> None:
    """Publishing feedback that is not written: the reason at once, on the process's page
    where the feedback is written, not after "Bekräfta" on a page with no way on."""
    process = ProcessFactory(status="closed")
    client = official_client(process.organisation)
    url = reverse("staff:process_transition", args=[process.pk])
    response = client.post(url, {"action": "publish_feedback"})
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:process", args=[process.pk])
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(messages) == 1 and "återkoppling" in messages[0].lower(), messages
    process.refresh_from_db()
    assert process.status == "closed"
    assert not ProcessTransition.objects.filter(process=process).exists()
