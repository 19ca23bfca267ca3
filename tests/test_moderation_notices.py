"""Moderation notices: an author whose text is hidden or rejected is told why and may ask for
a review, which waits in the moderators' inbox until it is decided, and the author hears."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from delaktig.accounts.inbox import queue_counts
from delaktig.core.errors import Conflict, PermissionDenied
from delaktig.core.models import AuditEntry
from delaktig.discussions import services as discussions
from delaktig.discussions.models import Comment
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
def hidden() -> tuple[Comment, Any]:
    module = open_discussion()
    moderator = role(UserFactory(), "moderator", module.process.organisation)
    written = CommentFactory(module=module, body="Ring Kalle på 070-1234567")
    comment = discussions.comment_hide(
        actor=moderator, comment=written, reason="Personuppgifter om en annan person."
    )
    return comment, moderator


def test_the_author_is_told_why_a_comment_was_hidden_and_how_to_ask_for_a_review(
    hidden: tuple[Comment, Any],
) -> None:
    comment, _moderator = hidden
    [email] = _emails(comment.author.email, "comment_hidden")
    assert "Personuppgifter om en annan person." in email.body
    assert reverse("discussions:comment_review", args=[comment.pk]) in email.body
    assert "070-1234567" in email.body and "&" not in email.subject
    # The same decision told twice is one e-mail.
    discussions._tell_author(comment, "comment_hidden", comment.hidden_at.isoformat())
    assert len(_emails(comment.author.email, "comment_hidden")) == 1


def test_the_author_sees_why_on_the_thread_and_asks_for_a_review_without_javascript(
    client: Client, hidden: tuple[Comment, Any]
) -> None:
    comment, moderator = hidden
    process_url = comment.module.process.get_absolute_url()
    review_url = reverse("discussions:comment_review", args=[comment.pk])
    other = UserFactory()
    client.force_login(other)
    page = client.get(process_url).content.decode()
    assert "Personuppgifter om en annan person." in page and review_url not in page
    assert client.post(review_url, {"explanation": "Det är mitt eget nummer"}).status_code == 403
    client.force_login(comment.author)
    page = client.get(process_url).content.decode()
    assert review_url in page and "Begär omprövning" in page
    assert client.get(review_url).status_code == 200
    response = client.post(review_url, {"explanation": "Det är mitt eget nummer"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.review_pending and comment.review_request == "Det är mitt eget nummer"
    assert AuditEntry.objects.filter(action="comment.review_request").count() == 1
    assert _count(moderator, "discussions.reviews") == 1
    assert "Du har begärt omprövning" in client.get(process_url).content.decode()
    with pytest.raises(Conflict):
        discussions.comment_review_request(actor=comment.author, comment=comment)


def test_the_moderator_keeps_it_hidden_with_a_reply_and_the_author_hears(
    client: Client, hidden: tuple[Comment, Any]
) -> None:
    comment, moderator = hidden
    discussions.comment_review_request(actor=comment.author, comment=comment, explanation="Fel")
    client.force_login(moderator)
    url = reverse("discussions:comment_moderate", args=[comment.pk])
    page = client.get(url).content.decode()
    assert "Begäran om omprövning" in page and "Fel" in page
    # A reply is required; what was typed is kept.
    response = client.post(url, {"action": "keep", "reply": "  "})
    assert response.status_code == 400
    response = client.post(url, {"action": "keep", "reply": "Numret är en annan persons."})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.is_hidden and not comment.review_pending
    assert _count(moderator, "discussions.reviews") == 0
    [email] = _emails(comment.author.email, "comment_review_kept")
    assert "Numret är en annan persons." in email.body
    client.force_login(comment.author)
    page = client.get(comment.module.process.get_absolute_url()).content.decode()
    assert "Numret är en annan persons." in page
    # One review per decision.
    with pytest.raises(Conflict):
        discussions.comment_review_request(actor=comment.author, comment=comment)


def test_restoring_a_comment_tells_the_author_and_a_stranger_cannot_ask(
    hidden: tuple[Comment, Any],
) -> None:
    comment, moderator = hidden
    with pytest.raises(PermissionDenied):
        discussions.comment_review_request(actor=UserFactory(), comment=comment)
    assert not UserFactory().has_perm("discussions.request_comment_review", comment)
    assert comment.author.has_perm("discussions.request_comment_review", comment)
    discussions.comment_review_request(actor=comment.author, comment=comment)
    discussions.comment_restore(actor=moderator, comment=comment)
    comment.refresh_from_db()
    assert not comment.is_hidden and comment.review_requested_at is None
    assert len(_emails(comment.author.email, "comment_restored")) == 1
    assert _count(moderator, "discussions.reviews") == 0


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
        actor=moderator, statement=statement, publish=False, reason="Finns redan som nr 3."
    )
    return statement, moderator, author


def test_a_rejected_statement_is_explained_and_reviewed_on_request(
    client: Client, rejected: tuple[Statement, Any, Any]
) -> None:
    statement, moderator, author = rejected
    assert _count(moderator, "opinionmaps.statements") == 0
    [email] = _emails(author.email, "statement_rejected")
    assert "Finns redan som nr 3." in email.body and "omprövning" in email.body
    module_pk = statement.map.module_id
    url = reverse("opinionmaps:statement_review", args=[module_pk, statement.pk])
    client.force_login(UserFactory())
    assert client.post(url, {"explanation": "Nej"}).status_code == 403
    assert not UserFactory().has_perm("opinionmaps.request_statement_review", statement)
    client.force_login(author)
    page = client.get(reverse("opinionmaps:my_votes", args=[module_pk])).content.decode()
    assert "Finns redan som nr 3." in page and url in page
    # Too long an explanation (past the textarea's limit) is refused, and asks nothing.
    assert client.post(url, {"explanation": "x" * 1001}).status_code == 400
    statement.refresh_from_db()
    assert statement.status == Statement.Status.REJECTED and not statement.review_requested_at
    assert client.post(url, {"explanation": "Det gäller något annat"}).status_code == 302
    statement.refresh_from_db()
    assert statement.status == Statement.Status.PENDING and statement.review_requested_at
    assert AuditEntry.objects.filter(action="opinionmap.review_request").count() == 1
    assert _count(moderator, "opinionmaps.statements") == 1
    client.force_login(moderator)
    inbox = client.get(reverse("staff:inbox")).content.decode()
    assert "författaren begär omprövning" in inbox
    opinionmaps.statement_moderate(actor=moderator, statement=statement, publish=True)
    assert len(_emails(author.email, "statement_published_after_review")) == 1
    with pytest.raises(Conflict):
        opinionmaps.statement_review_request(actor=author, statement=statement)


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
