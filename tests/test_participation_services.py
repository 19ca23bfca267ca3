from typing import Any

import pytest
from django.core import mail

from delaktig.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from delaktig.core.models import AuditEntry
from delaktig.discussions.models import Comment
from delaktig.participation import services
from delaktig.participation.models import Follow, ProcessTransition
from delaktig.participation.workflow import Action
from tests.factories import (
    BodyFactory,
    CommentFactory,
    ModuleFactory,
    MunicipalityFactory,
    OrganisationFactory,
    ProcessFactory,
    UserFactory,
    role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def official() -> Any:
    return role(UserFactory(), "official", OrganisationFactory())


def test_publish_logs_transition_and_audit(official: Any) -> None:
    process = ProcessFactory(
        organisation=official.roles.get().organisation, status="draft", published_at=None
    )
    result = services.process_publish(actor=official, process=process)
    assert result.status == "published"
    assert result.published_at is not None
    transition = ProcessTransition.objects.get(process=process)
    assert (transition.from_status, transition.to_status, transition.actor) == (
        "draft",
        "published",
        official,
    )
    assert AuditEntry.objects.filter(action="process.publish", actor=official).exists()


def _fields(organisation: Any, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "organisation": organisation,
        "title": "Nya busslinjer i Krokom",
        "summary": "Vi planerar om busstrafiken.",
        "purpose": "Underlag till trafikplanen.",
        "input_use": "Synpunkterna redovisas för nämnden.",
        "decision_maker": "Regionala utvecklingsnämnden",
        "ladder_step": 2,
        "question": "Hur reser du?",
    }
    return {**fields, **overrides}


def test_create_makes_a_draft_with_a_free_address_and_its_links(official: Any) -> None:
    organisation = official.roles.get().organisation
    ProcessFactory(slug="nya-busslinjer-i-krokom")
    town: Any = MunicipalityFactory()
    process = services.process_create(
        actor=official, municipalities=[town], **_fields(organisation)
    )
    assert (process.status, process.slug) == ("draft", "nya-busslinjer-i-krokom-2")
    assert process.created_by == official and list(process.municipalities.all()) == [town]
    assert AuditEntry.objects.filter(action="process.create", actor=official).exists()
    with pytest.raises(PermissionDenied):
        services.process_create(actor=UserFactory(), **_fields(organisation))
    with pytest.raises(ValidationFailed, match="participation.body_of_other_organisation"):
        services.process_create(
            actor=official, responsible_body=BodyFactory(), **_fields(organisation)
        )


def test_update_changes_the_stored_row_and_cannot_move_it_elsewhere(official: Any) -> None:
    organisation = official.roles.get().organisation
    process = services.process_create(actor=official, **_fields(organisation))
    unchanged = {
        name: getattr(process, name)
        for name in ("easy_read_summary", "body", "language", "target_group_analysis")
    }
    links: dict[str, list[Any]] = {
        name: []
        for name in ("target_groups", "municipalities", "perspectives", "sdg_goals", "sdg_targets")
    }
    fields = _fields(
        organisation, title="Nya busslinjer", slug="", decision_expected=None, **unchanged, **links
    )
    updated = services.process_update(
        actor=official, process=process, responsible_body=None, **fields
    )
    assert (updated.title, updated.slug) == ("Nya busslinjer", "nya-busslinjer")
    elsewhere = OrganisationFactory()
    with pytest.raises(PermissionDenied):
        services.process_update(
            actor=official,
            process=process,
            responsible_body=None,
            **{**fields, "organisation": elsewhere},
        )
    process.refresh_from_db()
    assert process.organisation == organisation


def test_transition_not_in_table_is_refused(official: Any) -> None:
    process = ProcessFactory(organisation=official.roles.get().organisation, status="draft")
    with pytest.raises(InvalidTransition):
        services.process_close(actor=official, process=process)
    with pytest.raises(InvalidTransition):
        services.process_archive(actor=official, process=process)
    assert not ProcessTransition.objects.exists()


def test_closed_process_cannot_be_archived_without_feedback(official: Any) -> None:
    process = ProcessFactory(organisation=official.roles.get().organisation, status="closed")
    with pytest.raises(InvalidTransition, match="participation.archive_before_feedback"):
        services.process_archive(actor=official, process=process)
    with pytest.raises(ValidationFailed, match="participation.feedback_missing"):
        services.process_publish_feedback(actor=official, process=process)
    process.refresh_from_db()
    assert process.status == "closed"


def test_official_of_another_organisation_is_refused(official: Any) -> None:
    process = ProcessFactory(status="draft")
    with pytest.raises(PermissionDenied):
        services.process_publish(actor=official, process=process)
    resident = UserFactory()
    with pytest.raises(PermissionDenied):
        services.process_publish(actor=resident, process=process)


def test_publishing_feedback_emails_participants_and_followers_once(
    official: Any, django_capture_on_commit_callbacks: Any
) -> None:
    organisation = official.roles.get().organisation
    process = ProcessFactory(organisation=organisation, status="closed")
    module = ModuleFactory(process=process)
    commenter = UserFactory(email="commenter@example.se")
    follower = UserFactory(email="follower@example.se")
    both = UserFactory(email="both@example.se")
    CommentFactory(module=module, author=commenter)
    CommentFactory(module=module, author=commenter)
    CommentFactory(module=module, author=both)
    Follow.objects.create(user=follower, process=process)
    Follow.objects.create(user=both, process=process)
    unrelated = ProcessFactory(organisation=organisation)
    CommentFactory(
        module=ModuleFactory(process=unrelated), author=UserFactory(email="x@example.se")
    )

    services.feedback_save(
        actor=official, process=process, heard="Vi hörde", decided="Beslut", reasons="Skäl"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.process_publish_feedback(actor=official, process=process)

    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["both@example.se", "commenter@example.se", "follower@example.se"]
    assert all(process.title in message.subject for message in mail.outbox)
    assert all(process.get_absolute_url() in message.body for message in mail.outbox)
    process.refresh_from_db()
    assert process.status == "feedback_published"
    assert process.feedback.published_at is not None


def test_deleted_accounts_are_not_emailed(
    official: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from delaktig.accounts.services import account_delete

    process = ProcessFactory(organisation=official.roles.get().organisation, status="closed")
    gone = UserFactory()
    CommentFactory(module=ModuleFactory(process=process), author=gone)
    account_delete(user=gone)
    services.feedback_save(actor=official, process=process, heard="a", decided="b", reasons="c")
    with django_capture_on_commit_callbacks(execute=True):
        services.process_publish_feedback(actor=official, process=process)
    assert mail.outbox == []
    assert Comment.objects.filter(author=gone).exists()


def test_double_transition_applies_once(official: Any) -> None:
    process = ProcessFactory(organisation=official.roles.get().organisation, status="open")
    stale_copy = type(process).objects.get(pk=process.pk)
    services.process_transition(actor=official, process=process, action=Action.CLOSE)
    with pytest.raises(InvalidTransition):
        services.process_transition(actor=official, process=stale_copy, action=Action.CLOSE)
    assert ProcessTransition.objects.filter(process=process).count() == 1


def test_phase_must_match_module_type(official: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    process = ProcessFactory(organisation=official.roles.get().organisation)
    module = ModuleFactory(process=process)
    now = timezone.now()
    with pytest.raises(ValidationFailed):
        services.phase_create(
            actor=official,
            process=process,
            module=module,
            phase_type="voting",
            name="x",
            starts_at=now,
            ends_at=now + timedelta(days=1),
        )
    with pytest.raises(ValidationFailed):
        services.phase_create(
            actor=official,
            process=process,
            module=module,
            phase_type="discussion",
            name="x",
            starts_at=now,
            ends_at=now - timedelta(days=1),
        )
    phase = services.phase_create(
        actor=official,
        process=process,
        module=module,
        phase_type="discussion",
        name="x",
        starts_at=now,
        ends_at=now + timedelta(days=1),
    )
    assert phase.pk


def test_follow_is_idempotent() -> None:
    process = ProcessFactory()
    user = UserFactory()
    services.follow_set(actor=user, process=process, follow=True)
    services.follow_set(actor=user, process=process, follow=True)
    assert Follow.objects.filter(user=user, process=process).count() == 1
    services.follow_set(actor=user, process=process, follow=False)
    assert not Follow.objects.exists()


@pytest.mark.django_db
def test_a_demo_process_is_built_from_its_content_table() -> None:
    from delaktig.participation.demo import process_from_spec
    from tests.factories import MunicipalityFactory, OrganisationFactory, UserFactory, role

    region = OrganisationFactory()
    region.municipalities.add(MunicipalityFactory(code="2380"))
    official = role(UserFactory(), "official", region)
    spec = {
        "slug": "vard",
        "title": "Vården",
        "summary": "Kort",
        "ladder_step": 3,
        "purpose": "Syfte",
        "input_use": "Underlag",
        "decision_maker": "Nämnden",
        "goals": [3],
        "unknown_key": "ignored",
    }
    process = process_from_spec(actor=official, organisation=region, spec=spec)
    assert (process.slug, process.title, process.ladder_step) == ("vard", "Vården", 3)
    assert list(process.municipalities.values_list("code", flat=True)) == ["2380"]
    assert list(process.sdg_goals.values_list("number", flat=True)) == [3]
    assert process.responsible_body is None
