"""What the consultations app contributes to the platform: a person's comments and agreements
in the export and the account deletion, the staff inbox's two queues, the Mina sidor section,
moderation of comments, the reminder job and the e-mail kinds."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from delaktig.accounts.inbox import queue_counts
from delaktig.accounts.services import account_delete, personal_data_export
from delaktig.consultations import contributions, services
from delaktig.consultations.models import COMMENT_KIND, Agreement, Comment, Consultation, Stance
from delaktig.core import contributions as registry
from delaktig.core.errors import PermissionDenied
from delaktig.moderation import services as moderation
from delaktig.moderation.models import Decision
from tests.consultations_factories import (
    NOW,
    after_comments,
    comment,
    consultation_module,
    contact,
    invitation,
    official_of,
    paragraph,
)
from tests.factories import OrganisationFactory, UserFactory, role

pytestmark = pytest.mark.django_db

ANSWER = services.AnswerText(Stance.PARTLY, "Vi skriver om stycket.", "Stycke 2.1 ändras.")


@pytest.fixture
def frozen(time_machine: Any) -> datetime:
    time_machine.move_to(NOW, tick=False)
    return NOW


def _counts(user: Any) -> dict[str, int]:
    return {entry.queue.key: entry.count for entry in queue_counts(user)}


def _queue(key: str) -> registry.InboxQueue:
    return next(q for q in registry.inbox_queues() if q.key == key)


def _mine(user: Any) -> list[registry.WorkItem]:
    return list(contributions.MINE[0].items(user))


def _publish(consultation: Consultation, time_machine: Any) -> Consultation:
    """Answer every comment and publish the compilation once the comment period is over."""
    official = official_of(consultation)
    ids = list(services.answerable_comments(consultation).values_list("pk", flat=True))
    if ids:
        services.answer_save(
            actor=official, consultation=consultation, text=ANSWER, comment_ids=ids
        )
    time_machine.move_to(after_comments(consultation), tick=False)
    return services.compilation_publish(actor=official, consultation=consultation, summary="")


# --- Personal data ---------------------------------------------------------------------------


def test_comments_and_agreements_are_exported(frozen: datetime) -> None:
    consultation = consultation_module(now=frozen)
    person = contact("kansliet@example.org")
    invited = invitation(consultation, "Funktionsrätt i länet", contact_email=person.email)
    own = comment(consultation, author=person, number="2.1", text="Skriv om målet.")
    comment(consultation, author=person, number=None, invitation=invited, text="För föreningen.")
    other = comment(consultation, text="Någon annans synpunkt.")
    services.comment_agree(actor=person, comment=other, agree=True)
    exported = personal_data_export(user=person)
    comments = exported["consultation_comments"]
    assert [(c["passage"], c["text"], c["on_behalf_of"]) for c in comments] == [
        ("2.1", "Skriv om målet.", None),
        (None, "För föreningen.", "Funktionsrätt i länet"),
    ]
    first = comments[0]
    assert first["document"] == consultation.title
    assert first["process"] == consultation.module.process.title
    assert first["created"] == own.created.isoformat()
    assert [a["comment"] for a in exported["consultation_agreements"]] == ["Någon annans synpunkt."]
    assert personal_data_export(user=UserFactory())["consultation_comments"] == []


def test_deleting_the_account_keeps_the_comments_without_the_name_and_counts_agreements_down(
    frozen: datetime,
) -> None:
    consultation = consultation_module(now=frozen)
    person, neighbour = UserFactory(display_name="Kim K."), UserFactory()
    own = comment(consultation, author=person, text="Min synpunkt står kvar.")
    services.comment_agree(actor=neighbour, comment=own, agree=True)
    liked = [comment(consultation) for _i in range(3)]
    for item in liked:
        services.comment_agree(actor=person, comment=item, agree=True)
        services.comment_agree(actor=neighbour, comment=item, agree=True)
    account_delete(user=person)
    own.refresh_from_db()
    assert own.text == "Min synpunkt står kvar."
    assert own.author is None and own.author_name == ""
    # Agreements with the person's own comment by others stay.
    assert own.agreements_count == 1
    for item in liked:
        item.refresh_from_db()
        assert item.agreements_count == 1 == Agreement.objects.filter(comment=item).count()
    assert not Agreement.objects.filter(user=person).exists()


# --- The staff inbox ---------------------------------------------------------------------------


def test_unanswered_comments_wait_in_the_inbox_of_the_organisations_officials(
    frozen: datetime, time_machine: Any
) -> None:
    consultation = consultation_module(now=frozen)
    official = official_of(consultation)
    elsewhere = role(UserFactory(), "official", OrganisationFactory())
    first = comment(consultation)
    comment(consultation, now=frozen + timedelta(hours=2))
    removed = comment(consultation)
    Comment.objects.filter(pk=removed.pk).update(status=Comment.Status.REMOVED)
    queue = _queue("consultations.unanswered")
    items = queue.items(official)
    assert [(i.title, str(i.detail)) for i in items] == [
        (consultation.title, f"{consultation.module.process.title} · 2 synpunkter utan svar")
    ]
    assert items[0].url == reverse(
        "consultations:answering", kwargs={"module_pk": consultation.module_id}
    )
    assert items[0].when == first.created
    assert _counts(official)["consultations.unanswered"] == 1
    assert _counts(elsewhere)["consultations.unanswered"] == 0
    assert queue.items(elsewhere) == []
    services.answer_save(
        actor=official, consultation=consultation, text=ANSWER, comment_ids=[first.pk]
    )
    assert "1 synpunkt utan svar" in str(queue.items(official)[0].detail)
    _publish(consultation, time_machine)
    assert queue.items(official) == [] and _counts(official)["consultations.unanswered"] == 0


def test_organisations_past_their_deadline_without_an_answer_are_overdue(
    frozen: datetime,
) -> None:
    consultation = consultation_module(now=frozen)
    official = official_of(consultation)
    today = timezone.localdate(frozen)
    late = invitation(consultation, "Studieförbunden", deadline=today - timedelta(days=1))
    invitation(consultation, "I tid", deadline=today)
    invitation(
        consultation, "Inget att invända", deadline=today - timedelta(days=2), no_comments_at=frozen
    )
    answered = invitation(consultation, "Har svarat", deadline=today - timedelta(days=3))
    comment(consultation, author=contact(answered.contact_email), invitation=answered)
    removed = invitation(consultation, "Borttagen synpunkt", deadline=today - timedelta(days=4))
    gone = comment(consultation, author=contact(removed.contact_email), invitation=removed)
    Comment.objects.filter(pk=gone.pk).update(status=Comment.Status.REMOVED)
    queue = _queue("consultations.overdue")
    items = queue.items(official)
    assert [i.title for i in items] == ["Borttagen synpunkt", "Studieförbunden"]
    assert all(i.urgent for i in items)
    assert items[1].url == reverse(
        "consultations:invitations", kwargs={"module_pk": consultation.module_id}
    )
    assert items[1].when == late.deadline and consultation.title in str(items[1].detail)
    assert _counts(official)["consultations.overdue"] == 2
    assert queue.items(role(UserFactory(), "official", OrganisationFactory())) == []


def test_the_inbox_counts_take_one_query_each(frozen: datetime) -> None:
    official = official_of(consultation_module(now=frozen))
    for key in ("consultations.unanswered", "consultations.overdue"):
        count = _queue(key).count
        assert count is not None
        count(official)  # the person's roles are read once and kept
        with CaptureQueriesContext(connection) as queries:
            count(official)
        assert len(queries) == 1, key


# --- Mina sidor ------------------------------------------------------------------------------


def test_mina_sidor_lists_the_persons_comments_answered_only_once_published(
    frozen: datetime, time_machine: Any
) -> None:
    consultation = consultation_module(now=frozen)
    person = UserFactory()
    comment(consultation, author=person, number="2.1")
    comment(consultation, author=person, number="3", now=frozen + timedelta(hours=1))
    comment(consultation, author=person, number=None, now=frozen + timedelta(hours=2))
    comment(consultation)  # someone else's
    items = _mine(person)
    # Each link names its passage, so that it reads alone (a screen reader's list of links).
    assert [i.title for i in items] == [
        f"{consultation.title}, hela dokumentet",
        f"{consultation.title}, avsnitt 3",
        f"{consultation.title}, stycke 2.1",
    ]
    assert {str(i.detail) for i in items} == {"Inte besvarad än"}
    # Each leads to the comment itself on its passage's page.
    mine = list(Comment.objects.filter(author=person).order_by("-created", "-pk"))
    key = paragraph(consultation, "2.1").key
    passage = reverse(
        "consultations:paragraph", kwargs={"module_pk": consultation.module_id, "key": key}
    )
    assert items[2].url == f"{passage}?synpunkt={mine[2].pk}#synpunkt-{mine[2].pk}"
    whole = reverse("consultations:whole", kwargs={"module_pk": consultation.module_id})
    assert items[0].url == f"{whole}?synpunkt={mine[0].pk}#synpunkt-{mine[0].pk}"
    # Answered, but the answer is the authority's only once the compilation is published.
    official = official_of(consultation)
    services.answer_save(
        actor=official,
        consultation=consultation,
        text=ANSWER,
        comment_ids=list(services.answerable_comments(consultation).values_list("pk", flat=True)),
    )
    assert all(str(i.detail) == "Inte besvarad än" for i in _mine(person))
    _publish(consultation, time_machine)
    items = _mine(person)
    assert all(str(i.detail) == "Besvarad" for i in items)
    # The comment's page shows its answer now, and links to the compilation.
    page = Client().get(items[2].url).content.decode()
    assert f'id="synpunkt-{mine[2].pk}"' in page and "Svar:" in page
    compilation = reverse("consultations:compilation", kwargs={"module_pk": consultation.module_id})
    assert compilation in page
    assert _mine(UserFactory()) == []


def test_mina_sidor_lists_invitations_the_person_answers_for_until_answered(
    frozen: datetime,
) -> None:
    consultation = consultation_module(now=frozen)
    person = contact("ordforande@example.org")
    invited = invitation(consultation, "Pensionärsföreningen", contact_email=person.email)
    invitation(consultation, "Någon annans förening")
    items = _mine(person)
    assert [(i.title, i.url) for i in items] == [
        (
            f"Remissvar från Pensionärsföreningen: {consultation.title}",
            reverse(
                "consultations:invitation",
                kwargs={"module_pk": consultation.module_id, "invitation_pk": invited.pk},
            ),
        )
    ]
    assert "Pensionärsföreningen" in str(items[0].detail)
    services.invitation_no_comments(actor=person, invitation=invited)
    assert _mine(person) == []


# --- Moderation, the job and the e-mail kinds ----------------------------------------------


def test_a_moderator_of_the_organisation_removes_a_comment_and_puts_it_back(
    frozen: datetime,
) -> None:
    consultation = consultation_module(now=frozen)
    moderator = role(UserFactory(), "moderator", consultation.module.process.organisation)
    made = comment(consultation, number="2.1", text="Olämplig text.")
    kind = registry.moderated_kind(COMMENT_KIND)
    assert kind.text(made) == "Olämplig text." and kind.author(made) == made.author
    assert kind.organisation_id(made) == consultation.module.process.organisation_id
    assert kind.url(made) == reverse(
        "consultations:paragraph",
        kwargs={"module_pk": consultation.module_id, "key": made.paragraph.key},
    )
    decision = moderation.decision_withhold(
        actor=moderator,
        kind=COMMENT_KIND,
        item=made,
        action=Decision.Action.REJECTED,
        rule="harassment",
        reason="Trakasserier.",
    )
    made.refresh_from_db()
    assert made.status == Comment.Status.REMOVED
    assert services.comment_counts(consultation) == {}
    moderation.decision_release(actor=moderator, kind=COMMENT_KIND, item=made, seen=decision.pk)
    made.refresh_from_db()
    assert made.status == Comment.Status.PUBLISHED
    assert services.comment_counts(consultation) == {made.paragraph.key: 1}
    # A moderator of another organisation may not.
    stranger = role(UserFactory(), "moderator", OrganisationFactory())
    with pytest.raises(PermissionDenied):
        moderation.decision_withhold(
            actor=stranger,
            kind=COMMENT_KIND,
            item=made,
            action=Decision.Action.REJECTED,
            rule="harassment",
            reason="Nej.",
        )


def test_screening_holds_a_comment_out_of_view() -> None:
    held = Decision(action=Decision.Action.HELD)
    rejected = Decision(action=Decision.Action.REJECTED)
    consultation = consultation_module(now=timezone.now())
    made = comment(consultation, now=timezone.now())
    services.comment_withhold(made, held)
    made.refresh_from_db()
    assert made.status == Comment.Status.HELD
    services.comment_withhold(made, rejected)
    made.refresh_from_db()
    assert made.status == Comment.Status.REMOVED
    services.comment_release(made)
    made.refresh_from_db()
    assert made.status == Comment.Status.PUBLISHED


def test_the_reminder_job_runs_daily_and_the_emails_have_declared_kinds() -> None:
    job = next(j for j in registry.jobs() if j.key == "consultations.remind_invitations")
    assert job.every == "day" and job.run == services.invitations_remind
    assert job.run(NOW) == 0
    feedback = registry.notification_kind("consultations.feedback")
    assert not feedback.required and "samrådsredogörelsen" in str(feedback.description)
    assert registry.notification_kind("consultations.invitation").required


def test_consultations_are_translatable_on_the_workbench(frozen: datetime) -> None:
    consultation = consultation_module(now=frozen)
    kind = registry.translatable_kind("consultations.consultation")
    assert kind.scope is not None and kind.label is not None
    found = list(kind.scope(Consultation.objects.all()))
    assert found == [consultation]
    assert kind.url(consultation) == consultation.get_absolute_url()
    assert kind.label(consultation).endswith(consultation.title)
    assert Consultation.translated_fields == ("title", "introduction")
