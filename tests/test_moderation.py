"""The moderation service end to end with comments: screening before and after saving, the
moderators' decisions with statements of reasons, conversation rules, the organisation's own
terms, the external classifier failing, and the public figures."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from delaktig.accounts.inbox import queue_counts
from delaktig.core.errors import Conflict, PermissionDenied, ValidationFailed
from delaktig.discussions import services as discussions
from delaktig.discussions.models import Comment
from delaktig.moderation import selectors
from delaktig.moderation import services as moderation
from delaktig.moderation.models import ConversationRules, Decision, ScreeningTerm
from tests.factories import (
    CommentFactory,
    OrganisationFactory,
    UserFactory,
    open_discussion,
    role,
)

pytestmark = pytest.mark.django_db

# A personnummer with a valid check digit (Skatteverket's own example).
PERSONNUMMER = "811218-9876"


def _count(user: Any, key: str) -> int:
    return {entry.queue.key: entry.count for entry in queue_counts(user)}[key]


def _post(client: Client, module: Any, **fields: str) -> Any:
    data = {f"m{module.pk}-{name}": value for name, value in fields.items()}
    return client.post(reverse("discussions:comment_create", args=[module.pk]), data)


def test_personal_data_is_pointed_out_before_sending_and_nothing_typed_is_lost(
    client: Client,
) -> None:
    module = open_discussion()
    resident = UserFactory()
    client.force_login(resident)
    text = f"Mitt personnummer är {PERSONNUMMER}, ring mig."
    response = _post(client, module, body=text)
    page = response.content.decode()
    assert response.status_code == 400
    assert "personnummer ”811218-9876”" in page and text in page
    assert "Skicka texten som den är" in page
    assert not Comment.objects.exists()
    # Removing the number sends it at once.
    response = _post(client, module, body="Ring mig gärna, jag bor i Östersund.")
    assert response.status_code == 302
    assert Comment.objects.get().held_at is None


def test_an_identity_number_kept_anyway_waits_for_a_moderator() -> None:
    module = open_discussion()
    resident = UserFactory()
    with pytest.raises(ValidationFailed) as refused:
        discussions.comment_create(actor=resident, module=module, body=f"Jag: {PERSONNUMMER}")
    assert refused.value.code == "moderation.personal_data" and refused.value.field == "body"
    comment = discussions.comment_create(
        actor=resident, module=module, body=f"Jag: {PERSONNUMMER}", personal_data_ok=True
    )
    assert comment.is_held
    decision = Decision.objects.get(object_id=comment.pk)
    assert decision.automated and decision.rule == "personal_data"
    assert decision.findings[0]["label"] == "personnummer"


def test_a_threat_waits_in_pre_moderation_and_the_moderator_sees_why(client: Client) -> None:
    module = open_discussion()
    organisation = module.process.organisation
    official = role(UserFactory(), "official", organisation)
    moderation.screening_term_add(
        actor=official,
        organisation=organisation,
        text="krossa skallen",
        label="threat",
        severity="high",
        match="phrase",
    )
    author = UserFactory()
    client.force_login(author)
    response = _post(client, module, body="Jag ska krossa skallen på dig i morgon.")
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.is_held
    # Not in the thread for anyone.
    client.force_login(UserFactory())
    assert "krossa skallen" not in client.get(module.process.get_absolute_url()).content.decode()
    moderator = role(UserFactory(), "moderator", organisation)
    assert _count(moderator, "moderation.held") == 1
    decision = Decision.objects.get()
    client.force_login(moderator)
    page = client.get(reverse("moderation:decision", args=[decision.pk])).content.decode()
    assert "Vad den automatiska granskningen hittade" in page
    assert "krossa skallen" in page and "org_terms" in page and "hot" in page
    # The moderator rejects it; it stays out of the thread, the author hears why.
    response = client.post(
        reverse("moderation:decision", args=[decision.pk]),
        {
            "action": "withhold",
            "withhold_as": "rejected",
            "rule": "threat",
            "reason": "Hot mot en person.",
        },
    )
    assert response.status_code == 302
    assert _count(moderator, "moderation.held") == 0
    comment.refresh_from_db()
    assert comment.is_held and not comment.is_hidden
    assert Decision.objects.filter(object_id=comment.pk, action="rejected").count() == 1


def test_a_held_comment_published_by_a_moderator_appears_in_the_thread(client: Client) -> None:
    module = open_discussion()
    organisation = module.process.organisation
    ScreeningTerm.objects.create(organisation=organisation, text="tjockskalle", label="harassment")
    comment = discussions.comment_create(actor=UserFactory(), module=module, body="Tjockskallar!")
    assert comment.is_held
    moderator = role(UserFactory(), "moderator", organisation)
    moderation.decision_release(actor=moderator, kind="discussions.comment", item=comment)
    comment.refresh_from_db()
    assert not comment.is_held
    assert "Tjockskallar!" in client.get(module.process.get_absolute_url()).content.decode()


def test_an_exception_term_lets_a_word_through() -> None:
    module = open_discussion()
    organisation = module.process.organisation
    ScreeningTerm.objects.create(organisation=organisation, text="tjockskalle", label="harassment")
    ScreeningTerm.objects.create(organisation=organisation, text="tjockskallar", label="allow")
    comment = discussions.comment_create(actor=UserFactory(), module=module, body="Tjockskallar!")
    assert not comment.is_held


def test_conversation_rules_are_accepted_before_the_first_post(client: Client) -> None:
    module = open_discussion()
    organisation = module.process.organisation
    official = role(UserFactory(), "official", organisation)
    moderation.conversation_rules_save(actor=official, organisation=organisation, text="Var snäll.")
    resident = UserFactory()
    client.force_login(resident)
    page = client.get(module.process.get_absolute_url()).content.decode()
    assert "Jag har läst samtalsreglerna" in page
    assert reverse("moderation:rules", args=[organisation.slug]) in page
    response = _post(client, module, body="Bra förslag.")
    assert response.status_code == 400 and "Bra förslag." in response.content.decode()
    response = _post(client, module, body="Bra förslag.", accept_rules="on")
    assert response.status_code == 302
    page = client.get(module.process.get_absolute_url()).content.decode()
    assert "Jag har läst samtalsreglerna" not in page
    # New rules, asked to accept again.
    moderation.conversation_rules_save(
        actor=official, organisation=organisation, text="Var mycket snäll.", ask_again=True
    )
    assert ConversationRules.objects.get().version == 2
    assert not moderation.rules_accepted(user=resident, organisation_id=organisation.pk)
    assert client.get(reverse("moderation:rules", args=[organisation.slug])).status_code == 200


class _Down(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - the standard library's name
        self.send_response(500)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


class _Threat(_Down):
    def do_POST(self) -> None:  # noqa: N802
        body = json.dumps({"labels": [{"label": "threat", "severity": "high", "score": 0.9}]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())


@pytest.fixture
def classifier(request: Any) -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), request.param)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/classify"
    server.shutdown()


@pytest.mark.parametrize("classifier", [_Down], indirect=True)
def test_when_the_external_classifier_cannot_answer_a_person_decides(classifier: str) -> None:
    module = open_discussion()
    with override_settings(DELAKTIG_SCREENING_CLASSIFIER_URL=classifier):
        comment = discussions.comment_create(
            actor=UserFactory(), module=module, body="Ett vänligt förslag om bussar."
        )
    assert comment.is_held
    assert Decision.objects.get().rule == "other"


@pytest.mark.parametrize("classifier", [_Threat], indirect=True)
def test_the_external_classifier_can_hold_a_text(classifier: str) -> None:
    module = open_discussion()
    with override_settings(DELAKTIG_SCREENING_CLASSIFIER_URL=classifier):
        comment = discussions.comment_create(
            actor=UserFactory(), module=module, body="Ett vänligt förslag om bussar."
        )
    decision = Decision.objects.get()
    assert comment.is_held and decision.rule == "threat"
    assert decision.findings[0]["detector"].startswith("classifier.")


def test_a_review_is_made_by_another_moderator_than_the_one_who_decided() -> None:
    module = open_discussion()
    organisation = module.process.organisation
    first = role(UserFactory(), "moderator", organisation)
    second = role(UserFactory(), "moderator", organisation)
    comment = CommentFactory(module=module)
    decision = discussions.comment_hide(actor=first, comment=comment, rule="spam", reason="Reklam")
    assert not first.has_perm("moderation.review_decision", decision)
    assert second.has_perm("moderation.review_decision", decision)
    elsewhere = role(UserFactory(), "moderator", OrganisationFactory())
    assert not elsewhere.has_perm("moderation.review_decision", decision)
    moderation.decision_review_request(actor=comment.author, decision=decision)
    assert [d.pk for d in selectors.reviews_waiting(viewer=second)] == [decision.pk]
    assert list(selectors.reviews_waiting(viewer=first)) == []
    with pytest.raises(PermissionDenied):
        moderation.decision_review(actor=first, decision=decision, outcome="upheld", reply="x")
    moderation.decision_review(actor=second, decision=decision, outcome="upheld", reply="Reklam.")
    comment.refresh_from_db()
    assert comment.is_hidden


def test_the_public_figures_count_decisions_by_month_module_and_rule(client: Client) -> None:
    module = open_discussion()
    organisation = module.process.organisation
    moderator = role(UserFactory(), "moderator", organisation)
    for rule in ("spam", "spam", "harassment"):
        discussions.comment_hide(
            actor=moderator, comment=CommentFactory(module=module), rule=rule, reason="Skäl"
        )
    ScreeningTerm.objects.create(organisation=organisation, text="blorgk", label="threat")
    discussions.comment_create(actor=UserFactory(), module=module, body="blorgk blorgk")
    today = timezone.localdate()
    figures = selectors.figures(organisation_id=organisation.pk, year=today.year)
    month = today.month - 1
    assert figures.by_decider["person"][month] == 3
    assert figures.by_decider["screening"][month] == 1
    assert figures.by_module["Diskussion"][month] == 4
    assert figures.by_rule["Reklam eller upprepningar"][month] == 2
    response = client.get(reverse("moderation:figures", args=[organisation.slug]))
    page = response.content.decode()
    assert response.status_code == 200 and "Moderering i siffror" in page
    assert "Reklam eller upprepningar" in page and "Skäl" not in page
    # Another organisation's figures are its own.
    other = selectors.figures(organisation_id=organisation.pk + 999, year=today.year)
    assert other.withheld_total == 0


def test_staff_pages_for_rules_and_terms_are_for_officials(client: Client) -> None:
    module = open_discussion()
    organisation = module.process.organisation
    urls = [
        reverse("moderation:rules_edit", args=[organisation.slug]),
        reverse("moderation:terms", args=[organisation.slug]),
    ]
    client.force_login(role(UserFactory(), "moderator", organisation))
    assert [client.get(url).status_code for url in urls] == [403, 403]
    official = role(UserFactory(), "official", organisation)
    client.force_login(official)
    assert [client.get(url).status_code for url in urls] == [200, 200]
    response = client.post(urls[1], {"text": "  ", "label": "hate", "severity": "high"})
    assert response.status_code == 400
    response = client.post(
        urls[1], {"text": "Fähund", "label": "harassment", "severity": "low", "match": "word"}
    )
    assert response.status_code == 302
    term = ScreeningTerm.objects.get()
    assert term.text == "fähund"
    delete = reverse("moderation:term_delete", args=[organisation.slug, term.pk])
    assert "Vill du verkligen" in client.post(delete).content.decode()
    assert ScreeningTerm.objects.exists()
    client.post(delete, {"confirmed": "1"})
    assert not ScreeningTerm.objects.exists()
    assert client.get(reverse("moderation:queue")).status_code == 200


def test_the_author_finds_a_held_text_on_mina_sidor(client: Client) -> None:
    module = open_discussion()
    organisation = module.process.organisation
    ScreeningTerm.objects.create(organisation=organisation, text="blorgk", label="threat")
    author = UserFactory()
    comment = discussions.comment_create(actor=author, module=module, body="Ni blorgk allihop")
    decision = Decision.objects.get(object_id=comment.pk)
    client.force_login(author)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Dina texter som inte visas" in page and "Ni blorgk allihop" in page
    assert reverse("moderation:decision", args=[decision.pk]) in page
    client.force_login(UserFactory())
    assert "Ni blorgk allihop" not in client.get(reverse("accounts:profile")).content.decode()


def test_the_deciding_moderator_cannot_answer_the_review_by_deciding_again() -> None:
    module = open_discussion()
    organisation = module.process.organisation
    first = role(UserFactory(), "moderator", organisation)
    second = role(UserFactory(), "moderator", organisation)
    comment = CommentFactory(module=module)
    decision = discussions.comment_hide(actor=first, comment=comment, rule="spam", reason="Reklam")
    moderation.decision_review_request(actor=comment.author, decision=decision)
    with pytest.raises(Conflict) as refused:
        moderation.decision_withhold(
            actor=first,
            kind="discussions.comment",
            item=comment,
            action="hidden",
            rule="spam",
            reason="Fortfarande reklam",
        )
    assert refused.value.code == "moderation.own_decision_under_review"
    decision.refresh_from_db()
    assert decision.review_pending
    # Another moderator's reversal publishes the text and counts as a release.
    moderation.decision_review(actor=second, decision=decision, outcome="reversed", reply="Ok.")
    comment.refresh_from_db()
    assert not comment.is_hidden
    latest = moderation.latest_decision(kind="discussions.comment", object_id=comment.pk)
    assert latest is not None and latest.action == "released"
    assert list(selectors.held_waiting(viewer=second)) == []
    with pytest.raises(Conflict):
        moderation.decision_release(actor=second, kind="discussions.comment", item=comment)


def test_a_decision_made_meanwhile_is_not_overwritten() -> None:
    module = open_discussion()
    organisation = module.process.organisation
    ScreeningTerm.objects.create(organisation=organisation, text="blorgk", label="threat")
    comment = discussions.comment_create(actor=UserFactory(), module=module, body="blorgk dig")
    held = Decision.objects.get(object_id=comment.pk)
    first = role(UserFactory(), "moderator", organisation)
    second = role(UserFactory(), "moderator", organisation)
    moderation.decision_release(actor=first, kind="discussions.comment", item=comment, seen=held.pk)
    with pytest.raises(Conflict) as refused:
        moderation.decision_withhold(
            actor=second,
            kind="discussions.comment",
            item=comment,
            action="rejected",
            rule="threat",
            reason="Hot",
            seen=held.pk,
        )
    assert refused.value.code == "moderation.decided_meanwhile"


def test_a_held_comment_cannot_be_opened_through_the_report_page(client: Client) -> None:
    module = open_discussion()
    comment = discussions.comment_create(
        actor=UserFactory(), module=module, body=f"Jag: {PERSONNUMMER}", personal_data_ok=True
    )
    assert comment.is_held
    client.force_login(UserFactory())
    response = client.get(reverse("discussions:comment_report", args=[comment.pk]))
    assert response.status_code == 404 and PERSONNUMMER not in response.content.decode()


def test_a_moderator_does_not_decide_about_medborgarforslag() -> None:
    from delaktig.core.contributions import moderated_kind

    assert moderated_kind("proposals.proposal").permission == "proposals.handle_proposal"
    assert moderated_kind("meetings.question").permission == "meetings.handle_question"
    organisation = OrganisationFactory()
    moderator = role(UserFactory(), "moderator", organisation)
    Decision.objects.create(
        organisation=organisation,
        kind="proposals.proposal",
        object_id=1,
        action="held",
        rule="personal_data",
        reason="Granskas.",
        automated=True,
    )
    assert list(selectors.held_waiting(viewer=moderator)) == []
    official = role(UserFactory(), "official", organisation)
    assert len(selectors.held_waiting(viewer=official)) == 1
