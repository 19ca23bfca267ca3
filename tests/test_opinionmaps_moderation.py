"""Opinion-map statements through the one moderation service: screening before and after a
statement is saved, held statements in maps moderated before and after publishing, the
moderators' decisions from the staff page and the decision page, the author's review, the
inbox counting each statement once, and the move of old rejections into decisions."""

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from delaktig.accounts.inbox import queue_counts
from delaktig.core.errors import ValidationFailed
from delaktig.moderation import services as moderation
from delaktig.moderation.models import ConversationRules, Decision, ScreeningTerm
from delaktig.notifications.models import OutgoingEmail
from delaktig.opinionmaps import services
from delaktig.opinionmaps.models import OpinionMap, Statement, Vote
from tests.factories import UserFactory, role
from tests.test_opinionmaps_services import open_map, version

pytestmark = pytest.mark.django_db

# A personnummer with a valid check digit (Skatteverket's own example).
PERSONNUMMER = "811218-9876"
# The organisation's own threat term in the tests: screening holds a text with it.
THREAT = "blorgk"


def _count(user: Any, key: str) -> int:
    return {entry.queue.key: entry.count for entry in queue_counts(user)}[key]


def _emails(recipient: str, template: str) -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(recipient=recipient, template=template))


def _threat_term(opinion_map: OpinionMap) -> None:
    organisation = opinion_map.module.process.organisation
    ScreeningTerm.objects.create(organisation=organisation, text=THREAT, label="threat")


def _moderator(opinion_map: OpinionMap) -> Any:
    return role(UserFactory(), "moderator", opinion_map.module.process.organisation)


def _decisions(statement: Statement) -> list[Decision]:
    return list(
        Decision.objects.filter(kind="opinionmaps.statement", object_id=statement.pk).order_by("pk")
    )


def _post_statement(client: Client, opinion_map: OpinionMap, **data: str) -> Any:
    url = reverse("opinionmaps:statement_create", kwargs={"module_pk": opinion_map.module_id})
    return client.post(url, data)


def test_a_held_statement_in_a_map_moderated_after_publishing_waits_for_a_moderator(
    client: Client,
) -> None:
    opinion_map = open_map(moderation=OpinionMap.Moderation.AFTER)
    _threat_term(opinion_map)
    author = UserFactory()
    client.force_login(author)
    start = version(opinion_map)
    response = _post_statement(client, opinion_map, text=f"Jag ska {THREAT} hela nämnden")
    assert response.status_code == 302
    statement = Statement.objects.get()
    # Not published, no author vote, nothing for the maths to recompute.
    assert statement.status == Statement.Status.PENDING
    assert not Vote.objects.exists() and version(opinion_map) == start
    [held] = _decisions(statement)
    assert held.action == "held" and held.automated and held.rule == "threat"
    assert held.author == author
    messages = client.get(response.url).content.decode()
    assert "granskas av en moderator innan det publiceras" in messages
    # One queue, not two: it waits among the held texts only.
    moderator = _moderator(opinion_map)
    assert _count(moderator, "moderation.held") == 1
    assert _count(moderator, "opinionmaps.statements") == 0
    # The staff page's publish button releases it through the moderation service.
    client.force_login(moderator)
    manage = reverse("opinionmaps:manage", kwargs={"module_pk": opinion_map.module_id})
    page = client.get(manage).content.decode()
    assert "Hölls inne av den automatiska granskningen" in page
    assert reverse("moderation:decision", args=[held.pk]) in page
    # The rule screening found is chosen already in the reject form.
    assert '<option value="threat" selected>' in page
    moderate = reverse(
        "opinionmaps:moderate",
        kwargs={"module_pk": opinion_map.module_id, "statement_pk": statement.pk},
    )
    assert client.post(moderate, {"decision": "publish"}).status_code == 302
    statement.refresh_from_db()
    assert statement.status == Statement.Status.PUBLISHED
    assert statement.moderated_by == moderator
    assert Vote.objects.get(statement=statement).participant.user == author
    assert version(opinion_map) == start + 1
    assert [d.action for d in _decisions(statement)] == ["held", "released"]
    assert _count(moderator, "moderation.held") == 0
    assert len(_emails(author.email, "moderation_released")) == 1


def test_a_held_statement_in_a_pre_moderated_map_shows_the_moderator_why(
    client: Client,
) -> None:
    opinion_map = open_map(moderation=OpinionMap.Moderation.BEFORE)
    _threat_term(opinion_map)
    author = UserFactory()
    statement = services.statement_create(
        actor=author, opinion_map=opinion_map, text=f"Vi borde {THREAT} bussbolaget"
    )
    plain = services.statement_create(
        actor=UserFactory(), opinion_map=opinion_map, text="Fler bussar på kvällen"
    )
    assert statement.status == plain.status == Statement.Status.PENDING
    moderator = _moderator(opinion_map)
    # The plain one waits in the map's own queue, the held one among the held texts.
    assert _count(moderator, "opinionmaps.statements") == 1
    assert _count(moderator, "moderation.held") == 1
    [held] = _decisions(statement)
    client.force_login(moderator)
    url = reverse("moderation:decision", args=[held.pk])
    page = client.get(url).content.decode()
    assert "Vad den automatiska granskningen hittade" in page and THREAT in page
    assert "Påstående" in page
    # Rejected on the decision page, with the reason; the author is told.
    response = client.post(
        url,
        {
            "action": "withhold",
            "withhold_as": "rejected",
            "rule": "threat",
            "reason": "Hot mot bussbolaget.",
        },
    )
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.status == Statement.Status.REJECTED
    assert statement.rejection_reason == "Hot mot bussbolaget."
    assert _count(moderator, "moderation.held") == 0
    [email] = _emails(author.email, "moderation_withheld")
    assert "Hot mot bussbolaget." in email.body
    # An ordinary pending statement is published as before, without a decision.
    services.statement_moderate(actor=moderator, statement=plain, publish=True)
    plain.refresh_from_db()
    assert plain.status == Statement.Status.PUBLISHED and not _decisions(plain)
    assert _count(moderator, "opinionmaps.statements") == 0


def test_personal_data_is_pointed_out_and_an_identity_number_kept_waits(
    client: Client,
) -> None:
    opinion_map = open_map(moderation=OpinionMap.Moderation.AFTER)
    resident = UserFactory()
    text = f"Ring mig, mitt personnummer är {PERSONNUMMER}"
    with pytest.raises(ValidationFailed) as refused:
        services.statement_create(actor=resident, opinion_map=opinion_map, text=text)
    assert refused.value.code == "moderation.personal_data" and refused.value.field == "text"
    client.force_login(resident)
    response = _post_statement(client, opinion_map, text=text)
    page = response.content.decode()
    assert response.status_code == 400
    assert f"personnummer ”{PERSONNUMMER}”" in page and text in page
    assert "Skicka texten som den är" in page
    assert not Statement.objects.exists()
    response = _post_statement(client, opinion_map, text=text, personal_data_ok="on")
    assert response.status_code == 302
    statement = Statement.objects.get()
    assert statement.status == Statement.Status.PENDING
    [held] = _decisions(statement)
    assert held.rule == "personal_data" and held.findings[0]["label"] == "personnummer"


def test_conversation_rules_are_accepted_before_a_first_statement(client: Client) -> None:
    opinion_map = open_map(moderation=OpinionMap.Moderation.AFTER)
    organisation = opinion_map.module.process.organisation
    ConversationRules.objects.create(organisation=organisation, text="Var schysst.")
    resident = UserFactory()
    client.force_login(resident)
    vote_page = reverse("opinionmaps:vote", kwargs={"module_pk": opinion_map.module_id})
    page = client.get(vote_page).content.decode()
    assert "Jag har läst samtalsreglerna" in page
    assert reverse("moderation:rules", args=[organisation.slug]) in page
    response = _post_statement(client, opinion_map, text="Fler cykelbanor i centrum")
    assert response.status_code == 400
    assert "Fler cykelbanor i centrum" in response.content.decode()
    assert not Statement.objects.exists()
    response = _post_statement(
        client, opinion_map, text="Fler cykelbanor i centrum", accept_rules="on"
    )
    assert response.status_code == 302
    assert Statement.objects.get().status == Statement.Status.PUBLISHED
    assert "Jag har läst samtalsreglerna" not in client.get(vote_page).content.decode()


def test_a_rejection_is_a_decision_the_author_reads_and_has_reviewed(client: Client) -> None:
    opinion_map = open_map(phase_type="voting", moderation=OpinionMap.Moderation.BEFORE)
    moderator = _moderator(opinion_map)
    author = UserFactory()
    statement = services.statement_create(
        actor=author, opinion_map=opinion_map, text="Bussarna borde vara gratis för alla"
    )
    assert _count(moderator, "opinionmaps.statements") == 1
    client.force_login(moderator)
    moderate = reverse(
        "opinionmaps:moderate",
        kwargs={"module_pk": opinion_map.module_id, "statement_pk": statement.pk},
    )
    response = client.post(
        moderate, {"decision": "reject", "rule": "spam", "reason": "Finns redan som nr 3."}
    )
    assert response.status_code == 302
    assert _count(moderator, "opinionmaps.statements") == 0
    [decision] = _decisions(statement)
    assert decision.action == "rejected" and decision.rule == "spam"
    decision_url = reverse("moderation:decision", args=[decision.pk])
    [email] = _emails(author.email, "moderation_withheld")
    assert "Finns redan som nr 3." in email.body and decision_url in email.body
    # "Mina röster" shows the reason and leads to the decision page; nobody else's does.
    mine = reverse("opinionmaps:my_votes", args=[opinion_map.module_id])
    client.force_login(UserFactory())
    assert decision_url not in client.get(mine).content.decode()
    client.force_login(author)
    page = client.get(mine).content.decode()
    assert "Finns redan som nr 3." in page and decision_url in page
    response = client.post(decision_url, {"action": "request", "explanation": "Inte samma"})
    assert response.status_code == 302
    assert "omprövning begärd" in client.get(mine).content.decode()
    # The review waits in the moderation app's queue only, for another moderator.
    assert _count(moderator, "opinionmaps.statements") == 0
    assert _count(moderator, "moderation.reviews") == 0
    other = _moderator(opinion_map)
    assert _count(other, "moderation.reviews") == 1
    start = version(opinion_map)
    moderation.decision_review(
        actor=other, decision=decision, outcome="reversed", reply="Den är inte samma."
    )
    statement.refresh_from_db()
    assert statement.status == Statement.Status.PUBLISHED and statement.rejection_reason == ""
    assert statement.moderated_by == other
    assert Vote.objects.get(statement=statement).value == 1
    assert version(opinion_map) == start + 1
    [email] = _emails(author.email, "moderation_reviewed")
    assert "Den är inte samma." in email.body


def test_a_statement_is_rejected_not_hidden_and_publishing_it_releases_it() -> None:
    opinion_map = open_map(moderation=OpinionMap.Moderation.AFTER)
    author = UserFactory()
    statement = services.statement_create(
        actor=author, opinion_map=opinion_map, text="Tätare turer på kvällen"
    )
    assert statement.status == Statement.Status.PUBLISHED
    moderator = _moderator(opinion_map)
    start = version(opinion_map)
    # A map has no place for a hidden statement: hiding is refused, rejecting says why.
    with pytest.raises(ValidationFailed) as refused:
        moderation.decision_withhold(
            actor=moderator,
            kind="opinionmaps.statement",
            item=statement,
            action="hidden",
            rule="off_topic",
            reason="Nej.",
        )
    assert refused.value.code == "moderation.bad_action"
    moderation.decision_withhold(
        actor=moderator,
        kind="opinionmaps.statement",
        item=statement,
        action="rejected",
        rule="off_topic",
        reason="Nej.",
    )
    statement.refresh_from_db()
    assert statement.status == Statement.Status.REJECTED and statement.rejection_reason == "Nej."
    assert version(opinion_map) == start + 1
    published = services.statement_moderate(
        actor=moderator, statement=statement, publish=True, reason="Vi tänkte om."
    )
    assert published.status == Statement.Status.PUBLISHED
    assert [d.action for d in _decisions(statement)] == ["rejected", "released"]
    assert Vote.objects.filter(statement=statement).count() == 1
    [email] = _emails(author.email, "moderation_released")
    assert "/mina-roster/" in email.body


def test_old_rejections_and_review_requests_move_into_decisions(
    transactional_db: None,
) -> None:
    """Migration opinionmaps 0004: each rejected statement gets a decision; a request for a
    review waits on it; Polis' own moderation is not a decision made here."""
    before = [("opinionmaps", "0003_statement_review"), ("moderation", "0001_initial")]
    after = [("opinionmaps", "0004_statement_decisions_in_moderation")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        apps = executor.loader.project_state(before).apps
        moderator = UserFactory()
        author = UserFactory()
        opinion_map = open_map()
        module = opinion_map.module
        old_map = apps.get_model("opinionmaps", "OpinionMap").objects.get(pk=opinion_map.pk)
        participant = apps.get_model("opinionmaps", "Participant").objects.create(
            map=old_map, number=1, user_id=author.pk
        )
        make = apps.get_model("opinionmaps", "Statement").objects.create
        now = timezone.now()
        rejected = make(
            map=old_map,
            number=1,
            text="Avvisat",
            author=participant,
            status="rejected",
            rejection_reason="Dubblett.",
            moderated_at=now,
            moderated_by_id=moderator.pk,
        )
        asked = make(
            map=old_map,
            number=2,
            text="Omprövning begärd",
            author=participant,
            status="pending",
            rejection_reason="Utanför ämnet.",
            moderated_at=now,
            moderated_by_id=moderator.pk,
            review_requested_at=now,
            review_request="Det hör till ämnet.",
        )
        polis = make(
            map=old_map,
            number=3,
            text="Från Polis",
            status="rejected",
            rejection_reason="Modererades bort i Polis.",
            moderated_at=now,
        )
        executor = MigrationExecutor(connection)
        executor.migrate(after)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    [first] = Decision.objects.filter(kind="opinionmaps.statement", object_id=rejected.pk)
    assert first.action == "rejected" and first.reason == "Dubblett."
    assert first.decided_by == moderator and first.author == author
    assert first.organisation_id == module.process.organisation_id
    [waiting] = Decision.objects.filter(kind="opinionmaps.statement", object_id=asked.pk)
    assert waiting.review_pending and waiting.review_request == "Det hör till ämnet."
    assert Statement.objects.get(pk=asked.pk).status == Statement.Status.REJECTED
    assert not Decision.objects.filter(object_id=polis.pk).exists()
    other = role(UserFactory(), "moderator", module.process.organisation)
    assert _count(other, "moderation.reviews") == 1
    assert _count(other, "opinionmaps.statements") == 0
