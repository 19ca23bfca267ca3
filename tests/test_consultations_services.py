"""The consultation services: who may comment and when, comments on behalf of invited
organisations, agreeing (also 32 people at once, each in its own thread and database
connection: ``tests.concurrency.run_together``), passage keys across versions, themes and
answers, reminders to invited organisations, and publishing the compilation."""

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.utils import timezone

from delaktig.accounts.models import User
from delaktig.consultations import services
from delaktig.consultations.models import (
    Agreement,
    Answer,
    Comment,
    Consultation,
    Invitation,
    Stance,
    Theme,
)
from delaktig.consultations.workflow import ConsultationStatus
from delaktig.core.errors import (
    Conflict,
    DelaktigError,
    NotAllowedInPhase,
    PermissionDenied,
    ValidationFailed,
)
from delaktig.councils.models import Council, Membership
from delaktig.notifications.models import OutgoingEmail
from tests.concurrency import run_together
from tests.consultations_factories import (
    DRAFT,
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

ACCEPTED = services.AnswerText(Stance.ACCEPTED, "Vi gör så.", "Stycke 2.1 har ändrats.")
NOTED = services.AnswerText(Stance.NOTED, "Vi tar med det i handlingsplanen.")


@pytest.fixture
def frozen(time_machine: Any) -> datetime:
    time_machine.move_to(NOW, tick=False)
    return NOW


def refused(code: str, error: type[DelaktigError], call: Any, **kwargs: Any) -> DelaktigError:
    with pytest.raises(error) as caught:
        call(**kwargs)
    assert caught.value.code == code
    return caught.value


def answer_all(consultation: Consultation, official: User) -> Answer:
    ids = list(services.answerable_comments(consultation).values_list("pk", flat=True))
    return services.answer_save(
        actor=official, consultation=consultation, text=ACCEPTED, comment_ids=ids
    )


# --- Who may comment, and when ---------------------------------------------------------------


@pytest.mark.django_db
def test_residents_comment_only_while_the_comment_phase_runs(frozen: datetime) -> None:
    consultation = consultation_module(now=frozen)
    resident = UserFactory()
    assert resident.has_perm("consultations.add_comment", consultation)
    assert resident.has_perm("consultations.add_agreement", consultation)
    assert not AnonymousUser().has_perm("consultations.add_comment", consultation)
    assert not AnonymousUser().has_perm("consultations.add_agreement", consultation)
    made = services.comment_submit(
        actor=resident,
        consultation=consultation,
        paragraph=paragraph(consultation, "2.1"),
        text="  Skriv hur många som ska delta.  ",
        accept_rules=True,
    )
    assert made.text == "Skriv hur många som ska delta."
    assert made.author_name == resident.display_name and made.status == Comment.Status.PUBLISHED

    reporting = consultation_module(now=frozen, stage="report")
    assert not resident.has_perm("consultations.add_comment", reporting)
    assert not resident.has_perm("consultations.add_agreement", reporting)
    refused(
        "not_allowed_in_phase",
        NotAllowedInPhase,
        services.comment_submit,
        actor=resident,
        consultation=reporting,
        paragraph=paragraph(reporting, "2.1"),
        text="För sent.",
        accept_rules=True,
    )
    refused(
        "consultations.login_required",
        PermissionDenied,
        services.comment_submit,
        actor=AnonymousUser(),
        consultation=consultation,
        paragraph=None,
        text="Anonym.",
    )


@pytest.mark.django_db
def test_a_draft_that_is_not_out_yet_takes_no_comments(frozen: datetime) -> None:
    draft = consultation_module(now=frozen, source=None)
    assert draft.status == ConsultationStatus.DRAFT
    refused(
        "consultations.closed",
        Conflict,
        services.comment_submit,
        actor=UserFactory(),
        consultation=draft,
        paragraph=None,
        text="Tidigt.",
        accept_rules=True,
    )


@pytest.mark.django_db
def test_empty_and_too_long_comments_are_refused(frozen: datetime) -> None:
    consultation = consultation_module(now=frozen)
    resident = UserFactory()
    for text, code in (
        ("   \n ", "consultations.comment_empty"),
        ("x" * (services.COMMENT_MAX + 1), "consultations.comment_too_long"),
    ):
        error = refused(
            code,
            ValidationFailed,
            services.comment_submit,
            actor=resident,
            consultation=consultation,
            paragraph=None,
            text=text,
            accept_rules=True,
        )
        assert error.field == "text"
    longest = services.comment_submit(
        actor=resident,
        consultation=consultation,
        paragraph=None,
        text="x" * services.COMMENT_MAX,
        accept_rules=True,
    )
    assert longest.paragraph is None
    assert Comment.objects.count() == 1


@pytest.mark.django_db
def test_only_officials_of_the_organisation_manage_and_answer(frozen: datetime) -> None:
    consultation = consultation_module(now=frozen)
    official = official_of(consultation)
    other = role(UserFactory(), "official", OrganisationFactory())
    resident = UserFactory()
    for user, allowed in ((official, True), (other, False), (resident, False)):
        assert user.has_perm("consultations.manage_consultation", consultation) is allowed
        assert user.has_perm("consultations.answer_comment", consultation) is allowed
    refused(
        "permission_denied",
        PermissionDenied,
        services.version_save,
        actor=other,
        consultation=consultation,
        title="",
        source=DRAFT,
    )
    made = comment(consultation)
    refused(
        "permission_denied",
        PermissionDenied,
        services.answer_save,
        actor=resident,
        consultation=consultation,
        text=ACCEPTED,
        comment_ids=[made.pk],
    )


# --- Passages across versions ------------------------------------------------------------------

SECOND = DRAFT.replace(
    "## Mål\n\n", "## Mål\n\nEtt nytt mål om återkoppling kommer först.\n\n"
).replace("Regionen vill att fler ska vara med och påverka.", "Regionen vill att fler påverkar.")


@pytest.mark.django_db
def test_a_passage_keeps_its_key_and_its_comments_in_the_next_version(frozen: datetime) -> None:
    consultation = consultation_module(now=frozen)
    official = official_of(consultation)
    first = services.current_version(consultation)
    assert first is not None and first.number == 1
    numbers = list(first.paragraphs.values_list("number", flat=True))
    assert numbers == ["0.1", "1", "1.1", "1.2", "2", "2.1", "2.2", "3", "3.1", "3.2", "3.2.1"]
    old_goal = paragraph(consultation, "2.1")
    old_intro = paragraph(consultation, "1.1")
    made = comment(consultation, number="2.1")
    comment(consultation, number="2.1")
    comment(consultation, number="1.1")

    services.version_save(actor=official, consultation=consultation, title="", source=SECOND)
    # The working copy is numbered and keyed already, and residents still see version 1.
    assert services.current_version(consultation) == first
    second = services.version_publish(actor=official, consultation=consultation)
    assert second.number == 2 and services.current_version(consultation) == second
    new_goal = second.paragraphs.get(key=old_goal.key)
    assert new_goal.number == "2.2" and new_goal.text == old_goal.text
    edited = second.paragraphs.get(key=old_intro.key)
    assert edited.text == "Regionen vill att fler påverkar."
    added = second.paragraphs.get(number="2.1")
    assert added.key not in set(first.paragraphs.values_list("key", flat=True))
    assert services.comment_counts(consultation) == {old_goal.key: 2, old_intro.key: 1}
    assert made.paragraph == old_goal  # the comment stays on the passage as it was made

    # A paragraph of the old version is no longer what residents comment on.
    with pytest.raises(ValidationFailed) as caught:
        services.comment_submit(
            actor=UserFactory(),
            consultation=consultation,
            paragraph=old_goal,
            text="På den gamla versionen.",
            accept_rules=True,
        )
    assert caught.value.code == "consultations.paragraph_unknown"
    # A published version cannot be written over; a third version starts a new working copy.
    third = services.version_save(
        actor=official, consultation=consultation, title="Tredje", source=SECOND
    )
    assert third.number == 3 and third.published_at is None
    assert second.paragraphs.count() == 12


@pytest.mark.django_db
def test_publishing_needs_a_working_copy(frozen: datetime) -> None:
    consultation = consultation_module(now=frozen)
    official = official_of(consultation)
    refused(
        "consultations.no_working_copy",
        Conflict,
        services.version_publish,
        actor=official,
        consultation=consultation,
    )


# --- On behalf of an invited organisation ----------------------------------------------------


@pytest.mark.django_db
def test_the_named_contact_comments_for_the_organisation_by_a_verified_address(
    frozen: datetime,
) -> None:
    consultation = consultation_module(now=frozen)
    invited = invitation(consultation, "Funktionsrätt i länet", contact_email="Kontakt@Example.org")
    speaker = contact("kontakt@example.org")
    assert services.speaks_for(speaker, invited)
    assert services.invitations_for(user=speaker, consultation=consultation) == [invited]
    made = comment(consultation, author=speaker, invitation=invited)
    assert made.invitation == invited

    # The same address typed on another account, never verified there.
    unverified = UserFactory(email="kontakt@example.org", username="annan", verified=False)
    stranger = UserFactory()
    elsewhere = invitation(consultation_module(now=frozen), contact_email="kontakt@example.org")
    for user, target in ((unverified, invited), (stranger, invited), (speaker, elsewhere)):
        error = refused(
            "consultations.not_contact",
            PermissionDenied,
            services.comment_submit,
            actor=user,
            consultation=consultation,
            paragraph=None,
            text="För organisationen.",
            invitation=target,
            accept_rules=True,
        )
        assert error.params["name"] == target.name
    assert not services.speaks_for(AnonymousUser(), invited)
    assert Comment.objects.filter(invitation__isnull=False).count() == 1


@pytest.mark.django_db
def test_a_council_answers_by_its_chair_or_secretary(frozen: datetime) -> None:
    consultation = consultation_module(now=frozen)
    organisation = consultation.module.process.organisation
    secretary, chair, vice, member = (UserFactory() for _i in range(4))
    council = Council.objects.create(
        organisation=organisation,
        kind=Council.Kind.PENSIONERS,
        name="Pensionärsrådet",
        slug="pensionarsradet",
        secretary=secretary,
    )
    term = {"term_start": date(2030, 1, 1), "term_end": date(2032, 12, 31)}
    for user, kind in (
        (chair, Membership.Role.CHAIR),
        (vice, Membership.Role.VICE_CHAIR),
        (member, Membership.Role.MEMBER),
    ):
        Membership.objects.create(council=council, user=user, name=str(user), role=kind, **term)
    invited = invitation(consultation, "Pensionärsrådet", council=council, contact_email="")
    for user in (chair, secretary):
        assert services.speaks_for(user, invited)
        comment(consultation, author=user, invitation=invited)
    for user in (vice, member):
        assert not services.speaks_for(user, invited)
        refused(
            "consultations.not_contact",
            PermissionDenied,
            services.invitation_no_comments,
            actor=user,
            invitation=invited,
        )
    assert invited.comments.count() == 2
    assert services.answered_invitations(consultation) == {invited.pk}


@pytest.mark.django_db
def test_invited_organisations_are_listed_once_with_a_contact_and_a_future_deadline(
    frozen: datetime,
) -> None:
    consultation = consultation_module(now=frozen, source=None)
    official = official_of(consultation)
    deadline = timezone.localdate(frozen) + timedelta(days=10)

    def add(**values: Any) -> Invitation:
        return services.invitation_add(
            actor=official,
            consultation=consultation,
            values=services.InvitationValues(**{"deadline": deadline, **values}),
        )

    first = add(name=" Länets studieförbund ", contact_email="studie@example.org")
    assert first.name == "Länets studieförbund" and first.invited_at is None
    refused(
        "consultations.invitation_name_taken",
        ValidationFailed,
        add,
        name="Länets studieförbund",
        contact_email="x@example.org",
    )
    refused("consultations.invitation_contact_required", ValidationFailed, add, name="Utan kontakt")
    refused(
        "consultations.name_required", ValidationFailed, add, name="  ", contact_email="a@x.org"
    )
    refused(
        "consultations.deadline_passed",
        ValidationFailed,
        add,
        name="Sent",
        contact_email="s@example.org",
        deadline=timezone.localdate(frozen) - timedelta(days=1),
    )
    # Publishing the first version invites the list; one added later is invited at once.
    services.version_save(actor=official, consultation=consultation, title="", source=DRAFT)
    services.version_publish(actor=official, consultation=consultation)
    consultation.refresh_from_db()
    first.refresh_from_db()
    assert first.invited_at is not None
    later = add(name="Ungdomsförbundet", contact_email="unga@example.org")
    later.refresh_from_db()
    assert later.invited_at is not None
    invites = OutgoingEmail.objects.filter(template="consultation_invitation")
    assert sorted(invites.values_list("recipient", flat=True)) == [
        "studie@example.org",
        "unga@example.org",
    ]
    # An organisation that has answered stays on the list.
    services.invitation_no_comments(actor=contact("studie@example.org"), invitation=first)
    refused(
        "consultations.invitation_answered",
        Conflict,
        services.invitation_remove,
        actor=official,
        invitation=first,
    )
    services.invitation_remove(actor=official, invitation=later)
    assert list(consultation.invitations.all()) == [first]


# --- Agreeing ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_agreeing_counts_once_never_ones_own_and_can_be_taken_back(
    frozen: datetime, time_machine: Any
) -> None:
    consultation = consultation_module(now=frozen)
    author, reader, other = UserFactory(), UserFactory(), UserFactory()
    made = comment(consultation, author=author)
    assert services.comment_agree(actor=reader, comment=made, agree=True) == 1
    assert services.comment_agree(actor=reader, comment=made, agree=True) == 1
    assert services.comment_agree(actor=other, comment=made, agree=True) == 2
    refused(
        "consultations.own_comment",
        ValidationFailed,
        services.comment_agree,
        actor=author,
        comment=made,
        agree=True,
    )
    assert services.comment_agree(actor=reader, comment=made, agree=False) == 1
    assert services.comment_agree(actor=reader, comment=made, agree=False) == 1
    made.refresh_from_db()
    assert made.agreements_count == 1 == Agreement.objects.filter(comment=made).count()
    # Not with a comment waiting for a moderator, and not after the comment period.
    Comment.objects.filter(pk=made.pk).update(status=Comment.Status.HELD)
    refused(
        "consultations.closed",
        Conflict,
        services.comment_agree,
        actor=reader,
        comment=made,
        agree=True,
    )
    Comment.objects.filter(pk=made.pk).update(status=Comment.Status.PUBLISHED)
    time_machine.move_to(after_comments(consultation), tick=False)
    refused(
        "not_allowed_in_phase",
        NotAllowedInPhase,
        services.comment_agree,
        actor=reader,
        comment=made,
        agree=True,
    )


@pytest.mark.django_db(transaction=True)
def test_32_people_agreeing_at_once_count_exactly() -> None:
    consultation = consultation_module(now=timezone.now())
    made = comment(consultation, now=timezone.now())
    people = [UserFactory() for _i in range(32)]
    twice = people[:4]  # four press the button twice at once
    jobs = [
        (lambda person=person: services.comment_agree(actor=person, comment=made, agree=True))
        for person in [*people, *twice]
    ]
    results, errors = run_together(jobs)
    assert errors == [] and len(results) == 36
    made.refresh_from_db()
    assert made.agreements_count == 32 == Agreement.objects.filter(comment=made).count()
    assert max(results) == 32
    # And half of them taking it back at once.
    results, errors = run_together(
        [
            (lambda person=person: services.comment_agree(actor=person, comment=made, agree=False))
            for person in people[::2]
        ]
    )
    assert errors == []
    made.refresh_from_db()
    assert made.agreements_count == 16 == Agreement.objects.filter(comment=made).count()


# --- Themes and answers ------------------------------------------------------------------------


@pytest.mark.django_db
def test_one_answer_per_comment_and_an_answer_left_without_comments_is_removed(
    frozen: datetime,
) -> None:
    consultation = consultation_module(now=frozen)
    official = official_of(consultation)
    first, second, third = (comment(consultation) for _i in range(3))
    together = services.answer_save(
        actor=official, consultation=consultation, text=ACCEPTED, comment_ids=[first.pk, second.pk]
    )
    assert set(together.comments.all()) == {first, second}
    assert services.unanswered(consultation) == 1
    # The second gets an answer of its own: the first answer keeps the first comment.
    own = services.answer_save(
        actor=official, consultation=consultation, text=NOTED, comment_ids=[second.pk, third.pk]
    )
    assert list(together.comments.all()) == [first]
    assert set(own.comments.all()) == {second, third}
    # The first comment moves too: the answer it leaves answers nothing and is removed.
    services.answer_save(
        actor=official, consultation=consultation, text=NOTED, comment_ids=[first.pk]
    )
    assert not Answer.objects.filter(pk=together.pk).exists()
    assert services.unanswered(consultation) == 0
    # Changing an answer's text keeps its comments.
    changed = services.answer_update(
        actor=official,
        answer=own,
        text=services.AnswerText(Stance.PARTLY, " Delvis. ", " Stycke 2.1 "),
    )
    assert (changed.stance, changed.reason, changed.change) == ("partly", "Delvis.", "Stycke 2.1")
    assert set(changed.comments.all()) == {second, third}
    for text, code in (
        (services.AnswerText("maybe", "Skäl."), "consultations.stance_required"),
        (services.AnswerText(Stance.ACCEPTED, "  "), "consultations.reason_required"),
    ):
        refused(
            code,
            ValidationFailed,
            services.answer_save,
            actor=official,
            consultation=consultation,
            text=text,
            comment_ids=[first.pk],
        )
    refused(
        "consultations.nothing_selected",
        ValidationFailed,
        services.answer_save,
        actor=official,
        consultation=consultation,
        text=ACCEPTED,
        comment_ids=[],
    )


@pytest.mark.django_db
def test_an_answer_to_a_theme_answers_its_comments_but_not_removed_ones(frozen: datetime) -> None:
    consultation = consultation_module(now=frozen)
    official = official_of(consultation)
    theme = services.theme_save(actor=official, consultation=consultation, name="  Återkoppling ")
    assert theme.name == "Återkoppling"
    refused(
        "consultations.theme_name_taken",
        ValidationFailed,
        services.theme_save,
        actor=official,
        consultation=consultation,
        name="Återkoppling",
    )
    kept, removed, outside = (comment(consultation) for _i in range(3))
    moved = services.comments_set_theme(
        actor=official, consultation=consultation, comment_ids=[kept.pk, removed.pk], theme=theme
    )
    assert moved == 2
    Comment.objects.filter(pk=removed.pk).update(status=Comment.Status.REMOVED)
    answer = services.answer_save(
        actor=official, consultation=consultation, text=ACCEPTED, theme=theme
    )
    assert list(answer.comments.all()) == [kept] and answer.theme == theme
    assert services.unanswered(consultation) == 1  # the one outside the theme
    other = consultation_module(now=frozen)
    refused(
        "consultations.invalid_choice",
        ValidationFailed,
        services.answer_save,
        actor=official_of(other),
        consultation=other,
        text=ACCEPTED,
        theme=theme,
    )
    assert outside.answer is None


@pytest.mark.django_db
def test_proposed_themes_group_comments_by_what_they_say(frozen: datetime) -> None:
    consultation = consultation_module(now=frozen)
    official = official_of(consultation)
    refused(
        "consultations.too_few_for_themes",
        ValidationFailed,
        services.themes_propose,
        actor=official,
        consultation=consultation,
    )
    texts = [
        "Bussarna på landsbygden går för sällan till mötena.",
        "Fler bussar på kvällen så att man kan komma till mötena.",
        "Bussen från Sveg går inte på kvällen.",
        "Återkopplingen kommer för sent efter beslutet.",
        "Skicka återkopplingen med brev efter beslutet.",
        "Återkoppling efter beslutet behövs alltid.",
    ]
    made = [comment(consultation, text=text) for text in texts]
    themes = services.themes_propose(actor=official, consultation=consultation)
    assert len(themes) == 2
    groups = {
        frozenset(Comment.objects.filter(theme=t).values_list("pk", flat=True)) for t in themes
    }
    assert groups == {
        frozenset(c.pk for c in made[:3]),
        frozenset(c.pk for c in made[3:]),
    }
    assert all(t.name for t in themes)
    # Comments already in a theme are not proposed again.
    refused(
        "consultations.too_few_for_themes",
        ValidationFailed,
        services.themes_propose,
        actor=official,
        consultation=consultation,
    )
    assert Theme.objects.filter(consultation=consultation).count() == 2


# --- Reminders to invited organisations -------------------------------------------------------


@pytest.mark.django_db
def test_reminders_go_once_a_week_before_the_deadline_and_not_to_those_who_answered(
    frozen: datetime,
) -> None:
    consultation = consultation_module(now=frozen)
    today = timezone.localdate(frozen)
    invited = {"invited_at": frozen - timedelta(days=10)}
    due = invitation(consultation, "Väntar", deadline=today + timedelta(days=7), **invited)
    later = invitation(consultation, "Senare", deadline=today + timedelta(days=8), **invited)
    commented = invitation(consultation, "Har svarat", deadline=today, **invited)
    nothing = invitation(
        consultation, "Inget att invända", deadline=today, no_comments_at=frozen, **invited
    )
    passed = invitation(consultation, "För sent", deadline=today - timedelta(days=1), **invited)
    not_invited = invitation(consultation, "Inte inbjuden", deadline=today)
    # Invited yesterday with five days to go: the invitation itself is still fresh.
    just_invited = invitation(
        consultation,
        "Nyss inbjuden",
        deadline=today + timedelta(days=5),
        invited_at=frozen - timedelta(days=1),
    )
    speaker = contact(commented.contact_email)
    comment(consultation, author=speaker, invitation=commented)

    assert services.invitations_remind(frozen) == 1
    assert services.invitations_remind(frozen + timedelta(hours=1)) == 0
    reminders = OutgoingEmail.objects.filter(template="consultation_reminder")
    assert list(reminders.values_list("recipient", flat=True)) == [due.contact_email]
    due.refresh_from_db()
    assert due.reminded_at == frozen
    for other in (later, commented, nothing, passed, not_invited, just_invited):
        other.refresh_from_db()
        assert other.reminded_at is None, other.name
    # The next day the one eight days away is due too.
    assert services.invitations_remind(frozen + timedelta(days=1)) == 1
    assert reminders.count() == 2
    # Three days after its invitation, the one invited yesterday is reminded.
    assert services.invitations_remind(frozen + timedelta(days=2)) == 1
    assert reminders.count() == 3


# --- The compilation --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_compilation_waits_for_the_comment_period_and_every_answer(
    frozen: datetime, time_machine: Any
) -> None:
    consultation = consultation_module(now=frozen)
    official = official_of(consultation)
    first = comment(consultation)
    second = comment(consultation, number=None)
    refused(
        "consultations.still_open",
        Conflict,
        services.compilation_publish,
        actor=official,
        consultation=consultation,
        summary="",
    )
    services.answer_save(
        actor=official, consultation=consultation, text=ACCEPTED, comment_ids=[first.pk]
    )
    time_machine.move_to(after_comments(consultation), tick=False)
    error = refused(
        "consultations.unanswered",
        ValidationFailed,
        services.compilation_publish,
        actor=official,
        consultation=consultation,
        summary="",
    )
    assert error.params["count"] == 1
    refused(
        "permission_denied",
        PermissionDenied,
        services.compilation_publish,
        actor=UserFactory(),
        consultation=consultation,
        summary="",
    )
    answer = services.answer_save(
        actor=official, consultation=consultation, text=NOTED, comment_ids=[second.pk]
    )
    published = services.compilation_publish(
        actor=official, consultation=consultation, summary="  Två synpunkter kom in. "
    )
    assert published.status == ConsultationStatus.PUBLISHED
    assert published.summary == "Två synpunkter kom in."
    assert published.published_by == official and published.compilation is not None
    frozen_record = published.compilation
    # Once published, the answers are the record: they cannot change.
    refused(
        "consultations.already_published",
        Conflict,
        services.answer_update,
        actor=official,
        answer=answer,
        text=ACCEPTED,
    )
    refused(
        "consultations.already_published",
        Conflict,
        services.answer_save,
        actor=official,
        consultation=published,
        text=ACCEPTED,
        comment_ids=[second.pk],
    )
    refused(
        "consultations.already_published",
        Conflict,
        services.compilation_publish,
        actor=official,
        consultation=published,
        summary="Igen.",
    )
    answer.refresh_from_db()
    assert answer.reason == NOTED.reason
    published.refresh_from_db()
    assert published.compilation == frozen_record and published.summary == "Två synpunkter kom in."
    # Everyone who commented hears of it once.
    told = OutgoingEmail.objects.filter(template="consultation_compilation")
    assert told.count() == 2


@pytest.mark.django_db
def test_a_draft_has_no_compilation_to_publish(frozen: datetime, time_machine: Any) -> None:
    draft = consultation_module(now=frozen, source=None)
    time_machine.move_to(after_comments(draft), tick=False)
    refused(
        "consultations.not_open",
        Conflict,
        services.compilation_publish,
        actor=official_of(draft),
        consultation=draft,
        summary="",
    )


# --- The demo ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_has_a_compiled_consultation_and_one_open_for_comments() -> None:
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    strategy = Consultation.objects.get(module__process__slug="demokratistrategi-2027-2030-samrad")
    process = strategy.module.process
    assert process.ladder_step == 2 and process.status == "open"
    assert strategy.status == ConsultationStatus.PUBLISHED and strategy.compilation is not None
    now = timezone.now()
    comment_phase = strategy.module.phases.get(phase_type="comment")
    assert (
        comment_phase.ends_at < now
        and strategy.module.phases.get(phase_type="report").starts_at <= now
    )
    assert not services.commenting_open(strategy)
    first, second = services.published_versions(strategy)
    assert (first.number, second.number) == (1, 2) and second.changes
    assert first.published_at is not None and second.published_at is not None
    assert comment_phase.starts_at <= first.published_at < second.published_at <= now
    # Paragraph 3.2 on feedback was rewritten: the same passage, new words, its comments kept.
    old, new = first.paragraphs.get(number="3.2"), second.paragraphs.get(number="3.2")
    assert old.key == new.key and old.text != new.text
    assert services.comment_counts(strategy)[old.key] == 3
    assert second.paragraphs.filter(number="3.5").exists()
    assert not first.paragraphs.filter(number="3.5").exists()
    comments = strategy.comments.all()
    assert comments.count() == 10 and services.unanswered(strategy) == 0
    assert all(comment_phase.starts_at <= c.created < comment_phase.ends_at for c in comments)
    assert set(strategy.answers.values_list("stance", flat=True)) == set(Stance.values)
    assert comments.filter(agreements_count__gt=0).exists()
    organisations = set(
        comments.exclude(invitation=None).values_list("invitation__name", flat=True)
    )
    assert organisations == {"Regionala pensionärsrådet", "Funktionsrättsföreningen i länet"}
    silent = strategy.invitations.exclude(pk__in=services.answered_invitations(strategy))
    assert [i.name for i in silent] == ["Studieförbunden i Jämtlands län"]
    assert all(i.deadline < timezone.localdate() for i in strategy.invitations.all())
    tester = User.objects.get(email="invanare@demo.delaktig.se")
    assert not Comment.objects.filter(author=tester).exists()

    # The guidelines are out for consultation: the tester comments on paragraph 3.2.
    guidelines = Consultation.objects.get(module__process__slug="principer-for-medborgardialog")
    assert guidelines.status == ConsultationStatus.OPEN and services.commenting_open(guidelines)
    current = services.current_version(guidelines)
    assert current is not None
    made = services.comment_submit(
        actor=tester,
        consultation=guidelines,
        paragraph=current.paragraphs.get(number="3.2"),
        text="Sex veckor är bra, men skriv att återkopplingen ska vara begriplig.",
        accept_rules=True,
    )
    assert made.status == Comment.Status.PUBLISHED
    sami = guidelines.invitations.get()
    assert sami.council is not None and sami.deadline >= timezone.localdate()
