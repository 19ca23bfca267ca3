"""Moderation notices: an author whose text is hidden or rejected is told why and may ask for
a review, which waits in the moderators' inbox until it is decided, and the author hears."""

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from delaktig.accounts.inbox import queue_counts
from delaktig.core.errors import Conflict, PermissionDenied
from delaktig.core.models import AuditEntry
from delaktig.discussions import services as discussions
from delaktig.discussions.models import Comment
from delaktig.moderation import services as moderation
from delaktig.moderation.models import Decision
from delaktig.notifications.models import OutgoingEmail
from delaktig.opinionmaps import services as opinionmaps
from delaktig.opinionmaps.models import OpinionMap, Statement
from tests.factories import CommentFactory, UserFactory, open_discussion, role
from tests.test_opinionmaps_services import open_map

pytestmark = pytest.mark.django_db


def _count(user: Any, key: str) -> int:
    return {entry.queue.key: entry.count for entry in queue_counts(user)}[key]


def _emails(recipient: str, template: str) -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(recipient=recipient, template=template))


@pytest.fixture
def hidden() -> tuple[Decision, Any]:
    module = open_discussion()
    moderator = role(UserFactory(), "moderator", module.process.organisation)
    written = CommentFactory(module=module, body="Ring Kalle på 070-1234567")
    decision = discussions.comment_hide(
        actor=moderator, comment=written, rule="personal_data", reason="Uppgifter om en annan."
    )
    return decision, moderator


def _comment(decision: Decision) -> Comment:
    return Comment.objects.get(pk=decision.object_id)


def test_the_author_is_told_the_rule_the_reason_and_where_to_ask_for_a_review(
    hidden: tuple[Decision, Any],
) -> None:
    decision, _moderator = hidden
    comment = _comment(decision)
    assert comment.is_hidden and comment.hidden_reason == "Uppgifter om en annan."
    [email] = _emails(comment.author.email, "moderation_withheld")
    assert "Uppgifter om en annan." in email.body and "Personuppgifter om någon" in email.body
    assert reverse("moderation:decision", args=[decision.pk]) in email.body
    assert "070-1234567" in email.body and "&" not in email.subject
    assert not decision.automated and decision.decided_by is not None


def test_the_author_reads_the_reasons_and_asks_once_for_a_review_without_javascript(
    client: Client, hidden: tuple[Decision, Any]
) -> None:
    decision, moderator = hidden
    comment = _comment(decision)
    process_url = comment.module.process.get_absolute_url()
    decision_url = reverse("moderation:decision", args=[decision.pk])
    client.force_login(UserFactory())
    page = client.get(process_url).content.decode()
    assert "Uppgifter om en annan." in page
    assert reverse("discussions:comment_decision", args=[comment.pk]) not in page
    # Nobody else reads the statement of reasons, and it does not say it exists.
    assert client.get(decision_url).status_code == 404
    client.force_login(comment.author)
    page = client.get(process_url).content.decode()
    assert reverse("discussions:comment_decision", args=[comment.pk]) in page
    assert client.get(reverse("discussions:comment_decision", args=[comment.pk])).url == (
        decision_url
    )
    page = client.get(decision_url).content.decode()
    assert "Personuppgifter om någon" in page and "En moderator" in page
    response = client.post(decision_url, {"action": "request", "explanation": "Mitt nummer"})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.review_pending and decision.review_request == "Mitt nummer"
    assert AuditEntry.objects.filter(action="moderation.review_request").count() == 1
    # The moderator who decided does not review it; another one does.
    assert _count(moderator, "moderation.reviews") == 0
    other = role(UserFactory(), "moderator", comment.module.process.organisation)
    assert _count(other, "moderation.reviews") == 1
    with pytest.raises(Conflict):
        moderation.decision_review_request(actor=comment.author, decision=decision)


def test_another_moderator_reviews_and_the_author_hears(
    client: Client, hidden: tuple[Decision, Any]
) -> None:
    decision, moderator = hidden
    comment = _comment(decision)
    moderation.decision_review_request(actor=comment.author, decision=decision, explanation="Fel")
    with pytest.raises(PermissionDenied) as refused:
        moderation.decision_review(
            actor=moderator, decision=decision, outcome="upheld", reply="Nej"
        )
    assert refused.value.code == "moderation.same_moderator"
    other = role(UserFactory(), "moderator", comment.module.process.organisation)
    client.force_login(other)
    url = reverse("moderation:decision", args=[decision.pk])
    page = client.get(url).content.decode()
    assert "Omprövning begärd" in page and "Fel" in page
    # A reply is required; what was typed is kept.
    response = client.post(url, {"action": "review", "outcome": "reversed", "reply": "  "})
    assert response.status_code == 400
    assert re.search(r'value="reversed"[^>]*checked', response.content.decode())
    response = client.post(
        url, {"action": "review", "outcome": "reversed", "reply": "Numret är ditt eget."}
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    comment.refresh_from_db()
    assert decision.outcome == "reversed" and decision.reviewed_by == other
    assert not comment.is_hidden
    [email] = _emails(comment.author.email, "moderation_reviewed")
    assert "Numret är ditt eget." in email.body
    with pytest.raises(Conflict):
        moderation.decision_review_request(actor=comment.author, decision=decision)


def test_restoring_a_comment_tells_the_author_and_a_stranger_cannot_ask(
    hidden: tuple[Decision, Any],
) -> None:
    decision, moderator = hidden
    comment = _comment(decision)
    with pytest.raises(PermissionDenied):
        moderation.decision_review_request(actor=UserFactory(), decision=decision)
    assert not UserFactory().has_perm("moderation.request_review", decision)
    assert comment.author.has_perm("moderation.request_review", decision)
    moderation.decision_review_request(actor=comment.author, decision=decision)
    released = discussions.comment_restore(actor=moderator, comment=comment)
    comment.refresh_from_db()
    assert not comment.is_hidden and released.action == "released"
    assert len(_emails(comment.author.email, "moderation_released")) == 1
    # A later decision replaces the one under review: the author asks about the latest.
    with pytest.raises(Conflict):
        moderation.decision_review_request(actor=comment.author, decision=released)


@pytest.fixture
def rejected() -> tuple[Statement, Any, Any]:
    opinion_map = open_map(phase_type="voting", moderation=OpinionMap.Moderation.BEFORE)
    organisation = opinion_map.module.process.organisation
    moderator = role(UserFactory(), "moderator", organisation)
    author = UserFactory()
    statement = opinionmaps.statement_create(
        actor=author, opinion_map=opinion_map, text="Bussarna borde vara gratis för alla"
    )
    assert _count(moderator, "opinionmaps.statements") == 1
    statement = opinionmaps.statement_moderate(
        actor=moderator,
        statement=statement,
        publish=False,
        rule="spam",
        reason="Finns redan som nr 3.",
    )
    return statement, moderator, author


def test_a_rejected_statement_is_explained_and_reviewed_on_request(
    client: Client, rejected: tuple[Statement, Any, Any]
) -> None:
    statement, moderator, author = rejected
    assert _count(moderator, "opinionmaps.statements") == 0
    decision = Decision.objects.get(kind="opinionmaps.statement", object_id=statement.pk)
    url = reverse("moderation:decision", args=[decision.pk])
    [email] = _emails(author.email, "moderation_withheld")
    assert "Finns redan som nr 3." in email.body and "Reklam eller upprepningar" in email.body
    assert url in email.body and "prövar beslutet igen" in email.body
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "request", "explanation": "Nej"}).status_code == 404
    assert not UserFactory().has_perm("moderation.request_review", decision)
    client.force_login(author)
    module_pk = statement.map.module_id
    page = client.get(reverse("opinionmaps:my_votes", args=[module_pk])).content.decode()
    assert "Finns redan som nr 3." in page and url in page
    # Too long an explanation (past the textarea's limit) is refused, and asks nothing.
    response = client.post(url, {"action": "request", "explanation": "x" * 1001})
    assert response.status_code == 400
    decision.refresh_from_db()
    assert not decision.review_requested_at
    response = client.post(url, {"action": "request", "explanation": "Det gäller något annat"})
    assert response.status_code == 302
    decision.refresh_from_db()
    statement.refresh_from_db()
    assert decision.review_pending and statement.status == Statement.Status.REJECTED
    assert AuditEntry.objects.filter(action="moderation.review_request").count() == 1
    # The request waits once, for another moderator, in the moderation app's queue.
    assert _count(moderator, "opinionmaps.statements") == 0
    other = role(UserFactory(), "moderator", statement.map.module.process.organisation)
    assert _count(other, "moderation.reviews") == 1
    # Publishing it from the map's staff page answers the request and tells the author.
    opinionmaps.statement_moderate(actor=moderator, statement=statement, publish=True)
    decision.refresh_from_db()
    assert decision.outcome == "reversed" and not decision.review_pending
    assert len(_emails(author.email, "moderation_released")) == 1
    assert _count(other, "moderation.reviews") == 0
    with pytest.raises(Conflict):
        moderation.decision_review_request(actor=author, decision=decision)


def test_a_proposal_rejected_at_intake_tells_the_author_why_and_whom_to_ask(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.core import mail

    from delaktig.organisations.models import OrganisationSettings
    from delaktig.proposals import services as proposals
    from delaktig.proposals.models import IntakeRule
    from tests.factories import MunicipalityFactory, OrganisationFactory, proposal_rules
    from tests.test_proposals_services import submit

    organisation = OrganisationFactory(name="Region Jämtland Härjedalen")
    organisation.municipalities.add(MunicipalityFactory(code="2380", name="Östersund"))
    proposal_rules(organisation)
    OrganisationSettings.objects.update_or_create(
        organisation=organisation, defaults={"contact_email": "registrator@example.se"}
    )
    official = role(UserFactory(), "official", organisation)
    rule = IntakeRule.objects.create(
        organisation=organisation, title="Myndighetsutövning", explanation="Prövas inte här."
    )
    proposal = submit(organisation)
    with django_capture_on_commit_callbacks(execute=True):
        proposals.proposal_reject(
            actor=official, proposal=proposal, rule=rule, reason="Gäller ett bygglov."
        )
    [message] = mail.outbox
    assert "Gäller ett bygglov." in message.body
    assert "registrator@example.se" in message.body and "pröva det igen" in message.body
