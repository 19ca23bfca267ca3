"""Screening in the other places residents write (issue 17): question-time questions,
medborgarförslag, survey free text, display names and requests to join a strategy.

Each: personal data is pointed out with the text kept and can then be sent as it is; a
threat, hate or harassment is held or flagged and not public; staff see what was found."""

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from delaktig.core.errors import Conflict, PermissionDenied, ValidationFailed
from delaktig.followup.models import Commitment
from delaktig.meetings import services as meetings
from delaktig.meetings.models import Question
from delaktig.moderation import services as moderation
from delaktig.moderation.models import ConversationRules, Decision, ScreeningTerm
from delaktig.proposals import services as proposals
from delaktig.proposals.models import IntakeRule, Proposal
from delaktig.surveys.models import Answer
from tests.factories import MunicipalityFactory, OrganisationFactory, UserFactory, role
from tests.survey_helpers import build_survey
from tests.test_followup_actors import make_strategy, request_join
from tests.test_meetings import assembly_meeting

pytestmark = pytest.mark.django_db

# A personnummer with a valid check digit (Skatteverket's own example).
PERSONNUMMER = "811218-9876"
# The organisation's own threat term: deterministic whatever the built-in lists hold.
THREAT = "blorgk"


def _threat_term(organisation: Any) -> None:
    ScreeningTerm.objects.create(organisation=organisation, text=THREAT, label="threat")


# --- Question-time questions -----------------------------------------------------------------


def _ask(client: Client, meeting: Any, **data: str) -> Any:
    return client.post(reverse("meetings:question", args=[meeting.pk]), data)


def test_a_question_with_a_personnummer_is_pointed_out_then_sent_as_it_is(client: Client) -> None:
    meeting = assembly_meeting()
    client.force_login(UserFactory())
    text = f"Varför har mitt ärende ({PERSONNUMMER}) inte besvarats?"
    response = _ask(client, meeting, text=text, asker_name="Kim")
    page = response.content.decode()
    assert response.status_code == 400
    assert f"personnummer ”{PERSONNUMMER}”" in page and text in page and 'value="Kim"' in page
    assert "Skicka texten som den är" in page
    assert not Question.objects.exists()
    response = _ask(client, meeting, text=text, asker_name="Kim", personal_data_ok="on")
    assert response.status_code == 302
    question = Question.objects.get()
    # Kept anyway: recorded as held for the official, the question waits for review as always.
    assert question.status == "submitted"
    decision = moderation.latest_decision(kind="meetings.question", object_id=question.pk)
    assert decision is not None and decision.action == "held" and decision.automated


def test_a_threatening_question_is_held_not_public_and_the_official_sees_why(
    client: Client,
) -> None:
    meeting = assembly_meeting()
    _threat_term(meeting.organisation)
    official = role(UserFactory(), "official", meeting.organisation)
    asker = UserFactory()
    question = meetings.question_submit(
        actor=asker, meeting=meeting, text=f"Politikerna ska {THREAT} allihop.", asker_name="Al"
    )
    decision = Decision.objects.get(kind="meetings.question", object_id=question.pk)
    assert decision.action == "held" and decision.rule == "threat"
    assert THREAT not in Client().get(meeting.get_absolute_url()).content.decode()
    client.force_login(official)
    page = client.get(reverse("meetings:questions", args=[meeting.pk])).content.decode()
    assert "Vad den automatiska granskningen hittade" in page
    assert f"”{THREAT}”" in page and reverse("moderation:decision", args=[decision.pk]) in page
    # It shows in the moderators' queue of held texts, for any kind.
    queue = client.get(reverse("moderation:queue")).content.decode()
    assert reverse("moderation:decision", args=[decision.pk]) in queue
    decision_page = client.get(reverse("moderation:decision", args=[decision.pk]))
    assert decision_page.status_code == 200 and f"”{THREAT}”" in decision_page.content.decode()


def test_declining_a_question_is_a_decision_the_asker_can_have_reviewed(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    meeting = assembly_meeting()
    official = role(UserFactory(), "official", meeting.organisation)
    # Declining a question is the officials' (meetings.handle_question): another official
    # reviews it; a moderator may not.
    second = role(UserFactory(), "official", meeting.organisation)
    moderator = role(UserFactory(), "moderator", meeting.organisation)
    asker = UserFactory(email="fragande@example.se")
    question = meetings.question_submit(
        actor=asker, meeting=meeting, text="Om min granne och hans bygglov", asker_name="Al"
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        declined = meetings.question_decline(
            actor=official, question=question, rule="off_topic", reason="Ett enskilt ärende."
        )
    assert declined.status == "declined" and declined.decline_reason == "Ett enskilt ärende."
    decision = Decision.objects.get(kind="meetings.question", object_id=question.pk)
    assert decision.action == "rejected" and decision.decided_by == official
    # One e-mail: the statement of reasons with the way to ask for a review.
    assert [m.to for m in mail.outbox] == [["fragande@example.se"]]
    assert reverse("moderation:decision", args=[decision.pk]) in mail.outbox[0].body
    client.force_login(asker)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert reverse("moderation:decision", args=[decision.pk]) in page
    moderation.decision_review_request(
        actor=asker, decision=decision, explanation="Det gäller alla."
    )
    with pytest.raises(PermissionDenied):
        moderation.decision_review(
            actor=moderator, decision=decision, outcome="reversed", reply="Frågan rör fler."
        )
    moderation.decision_review(
        actor=second, decision=decision, outcome="reversed", reply="Frågan rör fler."
    )
    question.refresh_from_db()
    assert question.status == "submitted" and question.decline_reason == ""


def test_accepting_a_held_question_releases_the_hold() -> None:
    meeting = assembly_meeting()
    _threat_term(meeting.organisation)
    official = role(UserFactory(), "official", meeting.organisation)
    question = meetings.question_submit(
        actor=UserFactory(), meeting=meeting, text=f"Är det {THREAT} här?", asker_name="Al"
    )
    meetings.question_accept(actor=official, question=question)
    question.refresh_from_db()
    latest = moderation.latest_decision(kind="meetings.question", object_id=question.pk)
    assert question.status == "accepted" and latest is not None
    assert latest.action == "released" and latest.decided_by == official
    assert not Decision.objects.filter(action="held").exclude(pk__lt=latest.pk).exists()


def test_a_question_needs_the_conversation_rules_accepted_first(client: Client) -> None:
    meeting = assembly_meeting()
    ConversationRules.objects.create(organisation=meeting.organisation, text="Var saklig.")
    client.force_login(UserFactory())
    text = "Hur går det med busslinjen till Hammerdal?"
    response = _ask(client, meeting, text=text, asker_name="Kim")
    assert response.status_code == 400 and text in response.content.decode()
    assert "Jag har läst samtalsreglerna" in response.content.decode()
    response = _ask(client, meeting, text=text, asker_name="Kim", accept_rules="on")
    assert response.status_code == 302 and Question.objects.count() == 1


# --- Medborgarförslag ------------------------------------------------------------------------


@pytest.fixture
def region() -> Any:
    from tests.factories import proposal_rules

    organisation = OrganisationFactory()
    organisation.municipalities.add(MunicipalityFactory(code="2380", name="Östersund"))
    proposal_rules(organisation)
    return organisation


def _draft(region: Any, author: Any, body: str, **flags: bool) -> Proposal:
    return proposals.proposal_save_draft(
        actor=author,
        organisation=region,
        title="Säkrare skolväg",
        body=body,
        author_name="Kim",
        **flags,
    )


def test_a_proposal_with_a_phone_number_is_pointed_out_and_kept_as_typed(
    client: Client, region: Any
) -> None:
    from tests.factories import verified_resident

    author = verified_resident(region.municipalities.get())
    client.force_login(author)
    body = "Bygg en gångbana. Ring mig på 070-1740605 om ni har frågor."
    data = {
        "organisation": region.slug,
        "title": "Säkrare skolväg",
        "body": body,
        "author_name": "Kim",
    }
    response = client.post(reverse("proposals:create"), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "telefonnummer ”070-1740605”" in page and body in page
    assert not Proposal.objects.exists()
    response = client.post(reverse("proposals:create"), {**data, "personal_data_ok": "on"})
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    proposals.proposal_submit(actor=author, proposal=proposal)
    # A contact detail kept on purpose is not held; intake decides as usual.
    assert moderation.latest_decision(kind="proposals.proposal", object_id=proposal.pk) is None


def test_a_hateful_proposal_is_held_at_intake_until_a_person_releases_it(
    client: Client, region: Any
) -> None:
    from tests.factories import verified_resident

    _threat_term(region)
    official = role(UserFactory(), "official", region)
    author = verified_resident(region.municipalities.get())
    draft = _draft(region, author, f"Alla som kör här borde {THREAT}.")
    proposal = proposals.proposal_submit(actor=author, proposal=draft)
    decision = Decision.objects.get(kind="proposals.proposal", object_id=proposal.pk)
    assert decision.action == "held" and decision.automated
    proposal.refresh_from_db()
    assert proposal.status == "submitted" and not proposal.is_public
    with pytest.raises(Conflict) as refused:
        proposals.proposal_publish(actor=official, proposal=proposal)
    assert refused.value.code == "proposals.held_for_moderation"
    client.force_login(official)
    case = client.get(reverse("proposals:staff_case", args=[proposal.pk])).content.decode()
    assert "Vad den automatiska granskningen hittade" in case and f"”{THREAT}”" in case
    assert 'value="publish"' not in case and 'value="lodge"' not in case
    dashboard = client.get(reverse("proposals:staff_dashboard")).content.decode()
    assert "Väntar på granskning" in dashboard
    assert Client().get(proposal.get_absolute_url()).status_code == 404
    # A person releases it; then intake may publish it.
    moderation.decision_release(actor=official, kind="proposals.proposal", item=proposal)
    published = proposals.proposal_publish(actor=official, proposal=proposal)
    assert published.is_public


def test_rejecting_a_held_proposal_at_intake_is_the_moderation_decision(region: Any) -> None:
    from tests.factories import verified_resident

    _threat_term(region)
    official = role(UserFactory(), "official", region)
    author = verified_resident(region.municipalities.get())
    proposal = proposals.proposal_submit(
        actor=author, proposal=_draft(region, author, f"Grannen ska {THREAT}.")
    )
    rule = IntakeRule.objects.create(organisation=region, title="Kränkande innehåll")
    rejected = proposals.proposal_reject(
        actor=official, proposal=proposal, rule=rule, reason="Förslaget hotar en person."
    )
    assert rejected.status == "rejected" and rejected.rejection_rule == rule
    assert rejected.rejection_reason == "Förslaget hotar en person."
    latest = moderation.latest_decision(kind="proposals.proposal", object_id=proposal.pk)
    assert latest is not None and latest.action == "rejected" and latest.rule == "threat"
    # Off the moderators' queue of held texts.
    from delaktig.moderation.selectors import held_waiting

    assert not held_waiting(viewer=official).exists()


# --- Survey free text ------------------------------------------------------------------------


def test_a_survey_answer_with_personal_data_is_pointed_out_per_field_then_kept(
    client: Client,
) -> None:
    built = build_survey()
    resident = UserFactory()
    client.force_login(resident)
    url = reverse("surveys:answer", args=[built.survey.module_id])
    client.post(url)
    choices = list(built.transport.choices.all())
    client.post(f"{url}?steg=1", {f"q{built.transport.pk}": choices[1].pk, "action": "next"})
    text = "Bättre turer. Maila mig på kim@example.se så berättar jag mer."
    data = {f"q{built.free.pk}": text, "action": "next"}
    response = client.post(f"{url}?steg=2", data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "e-postadress ”kim@example.se”" in page and text in page
    assert "Skicka texten som den är" in page
    assert not Answer.objects.filter(question=built.free).exists()
    response = client.post(f"{url}?steg=2", {**data, "personal_data_ok": "on"})
    assert response.status_code == 302
    assert Answer.objects.get(question=built.free).text == text


def test_a_survey_page_without_personal_data_shows_no_box(client: Client) -> None:
    built = build_survey()
    client.force_login(UserFactory())
    url = reverse("surveys:answer", args=[built.survey.module_id])
    client.post(url)
    page = client.get(f"{url}?steg=2").content.decode()
    assert "Skicka texten som den är" not in page


def test_theme_quotes_never_quote_a_harmful_answer() -> None:
    from delaktig.moderation.checks import organisation_terms
    from delaktig.surveys.models import Theme
    from delaktig.surveys.theme_views import _quotes

    built = build_survey()
    _threat_term(built.organisation)
    texts = {1: f"Chauffören borde {THREAT}", 2: "Fler turer på kvällen", 3: "Billigare biljetter"}
    theme = Theme(question=built.free, name="Turer", representatives=[1, 2, 3])
    terms = organisation_terms(built.organisation.pk)
    assert _quotes(theme, [1, 2, 3], texts, terms) == [
        "Fler turer på kvällen",
        "Billigare biljetter",
    ]


# --- Display names ---------------------------------------------------------------------------


def test_a_display_name_with_a_personnummer_or_harassment_is_refused_and_kept(
    client: Client,
) -> None:
    user = UserFactory(display_name="Kim")
    client.force_login(user)
    url = reverse("accounts:profile")
    response = client.post(url, {"display_name": f"Kim {PERSONNUMMER}"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "personuppgifter" in page and f'value="Kim {PERSONNUMMER}"' in page
    response = client.post(url, {"display_name": "Din jävel"})
    assert (
        response.status_code == 400 and "hot, hat eller trakasserier" in response.content.decode()
    )
    user.refresh_from_db()
    assert user.display_name == "Kim"
    assert client.post(url, {"display_name": "Kim från Sveg"}).status_code == 302
    user.refresh_from_db()
    assert user.display_name == "Kim från Sveg"


def test_the_sign_up_form_screens_the_display_name() -> None:
    from delaktig.accounts.forms import SignupExtraForm

    form = SignupExtraForm({"display_name": "Ring 070-1740605"})
    assert not form.is_valid() and "display_name" in form.errors
    assert SignupExtraForm({"display_name": "Lena i Östersund"}).is_valid()


# --- Requests to join a strategy -------------------------------------------------------------


def test_a_join_request_with_personal_data_is_pointed_out_then_sent() -> None:
    strategy = make_strategy()
    text = f"Vi gör en plan. Ansvarig är Kim, {PERSONNUMMER}."
    with pytest.raises(ValidationFailed) as refused:
        request_join(strategy, commitment=text)
    assert refused.value.code == "moderation.personal_data"
    assert refused.value.field == "commitment"
    assert not Commitment.objects.exists()
    commitment = request_join(strategy, commitment=text, personal_data_ok=True)
    assert commitment.status == "pending"
    # An identity number kept is flagged to the official, like harm.
    assert commitment.screening_findings[0]["label"] == "personnummer"


def test_a_harmful_join_request_is_flagged_to_the_official_and_not_published(
    client: Client,
) -> None:
    strategy = make_strategy()
    _threat_term(strategy.organisation)
    official = role(UserFactory(), "official", strategy.organisation)
    commitment = request_join(strategy, commitment=f"Vi ska {THREAT} alla som säger emot.")
    assert commitment.status == "pending" and commitment.screening_findings
    joined = Client().get(reverse("followup:joined", args=[strategy.slug])).content.decode()
    assert THREAT not in joined
    client.force_login(official)
    page = client.get(
        reverse("followup_staff:commitment_review", args=[commitment.pk])
    ).content.decode()
    assert "Vad den automatiska granskningen hittade" in page and f"”{THREAT}”" in page
    from delaktig.accounts.inbox import queue_counts

    items = [q for q in queue_counts(official) if q.queue.key == "followup.join_requests"]
    assert items and items[0].count == 1


def test_a_clean_join_request_carries_no_findings() -> None:
    commitment = request_join(make_strategy())
    assert commitment.screening_findings == []
