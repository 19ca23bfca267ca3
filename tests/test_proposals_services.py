from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from delaktig.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from delaktig.proposals import services
from delaktig.proposals.deadlines import add_one_year
from delaktig.proposals.models import Category, IntakeRule, Proposal, ProposalEvent, Support
from delaktig.proposals.workflow import Outcome
from tests.factories import (
    BodyFactory,
    MunicipalityFactory,
    OrganisationFactory,
    UserFactory,
    proposal_rules,
    role,
    submitted_days_ago,
    verified_resident,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def region() -> Any:
    organisation = OrganisationFactory()
    organisation.municipalities.add(MunicipalityFactory(code="2380", name="Östersund"))
    proposal_rules(organisation)
    return organisation


@pytest.fixture
def official(region: Any) -> Any:
    return role(UserFactory(), "official", region)


def submit(region: Any, author: Any | None = None, **kwargs: Any) -> Proposal:
    author = author or verified_resident(region.municipalities.get())
    draft = services.proposal_save_draft(
        actor=author,
        organisation=region,
        title="Fler bänkar",
        body="Sätt upp bänkar längs Storsjöstrand.",
        author_name="Kim",
        **kwargs,
    )
    assert draft.status == "draft" and not draft.is_public
    return services.proposal_submit(actor=author, proposal=draft)


def test_submit_needs_verified_resident(region: Any) -> None:
    with pytest.raises(PermissionDenied) as refused:
        submit(region, author=UserFactory())
    assert refused.value.code == "proposals.not_verified"
    elsewhere = verified_resident(MunicipalityFactory(code="1280", name="Malmö"))
    with pytest.raises(PermissionDenied) as refused:
        submit(region, author=elsewhere)
    assert refused.value.code == "proposals.not_resident"
    proposal = submit(region)
    assert proposal.status == "submitted" and not proposal.is_public


def test_disabled_organisation_refuses(region: Any) -> None:
    region.proposal_settings.enabled = False
    region.proposal_settings.save()
    with pytest.raises(PermissionDenied) as refused:
        submit(region)
    assert refused.value.code == "proposals.not_enabled"


def test_intake_publish_opens_support_period_with_threshold(region: Any, official: Any) -> None:
    proposal = services.proposal_publish(actor=official, proposal=submit(region))
    assert proposal.status == "collecting" and proposal.support_threshold == 3
    assert proposal.support_ends_at - proposal.published_at == timedelta(days=30)


def test_per_mille_threshold(region: Any) -> None:
    rules = region.proposal_settings
    rules.threshold_kind = "per_mille"
    rules.threshold_value = 1
    rules.population = 80_500
    assert rules.threshold() == 81


def test_category_skipping_support_goes_straight_on(region: Any, official: Any) -> None:
    minorities = Category.objects.create(
        organisation=region, name="Nationella minoriteter", skips_support=True
    )
    proposal = services.proposal_publish(
        actor=official, proposal=submit(region, category=minorities)
    )
    assert proposal.status == "lodged" and proposal.support_ends_at is None


def test_reject_at_intake_needs_rule_and_reason_and_tells_author(
    region: Any, official: Any, django_capture_on_commit_callbacks: Any
) -> None:
    rule = IntakeRule.objects.create(
        organisation=region,
        title="Myndighetsutövning",
        explanation="Enskilda ärenden prövas inte här.",
    )
    proposal = submit(region)
    with pytest.raises(ValidationFailed) as refused:
        services.proposal_reject(actor=official, proposal=proposal, rule=rule, reason=" ")
    assert (refused.value.code, refused.value.field) == ("proposals.reason_missing", "reason")
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_reject(
            actor=official, proposal=proposal, rule=rule, reason="Gäller ett bygglov."
        )
    proposal.refresh_from_db()
    assert proposal.status == "rejected" and not proposal.is_public
    assert [m.to for m in mail.outbox] == [[proposal.author.email]]


def test_supports_count_once_per_person_and_reach_threshold(
    region: Any, official: Any, django_capture_on_commit_callbacks: Any
) -> None:
    proposal = services.proposal_publish(actor=official, proposal=submit(region))
    municipality = region.municipalities.get()
    first = verified_resident(municipality)
    services.support_add(actor=first, proposal=proposal)
    services.support_add(actor=first, proposal=proposal)
    # The same person with a second account counts once.
    same_person = verified_resident(municipality)
    same_person.verification.identity_hash = first.verification.identity_hash
    same_person.verification.save()
    with pytest.raises(Conflict) as refused:
        services.support_add(actor=same_person, proposal=proposal)
    assert refused.value.code == "proposals.already_supported"
    proposal.refresh_from_db()
    assert proposal.support_count == 1
    second = verified_resident(municipality)
    services.support_add(actor=second, proposal=proposal)
    services.support_withdraw(actor=second, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.support_count == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.support_add(actor=second, proposal=proposal)
        services.support_add(actor=verified_resident(municipality), proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == "lodged" and proposal.support_count == 3
    assert proposal.threshold_reached_at is not None
    told = {address for message in mail.outbox for address in message.to}
    assert proposal.author.email in told and first.email in told
    with pytest.raises(Conflict) as refused:
        services.support_add(actor=verified_resident(municipality), proposal=proposal)
    assert refused.value.code == "proposals.support_closed"


def test_a_support_refused_for_the_person_says_why_and_stores_nothing(
    region: Any, official: Any, time_machine: Any
) -> None:
    proposal = services.proposal_publish(actor=official, proposal=submit(region))
    elsewhere = verified_resident(MunicipalityFactory(code="1280", name="Malmö"))
    for person, code in ((UserFactory(), "not_verified"), (elsewhere, "not_resident")):
        with pytest.raises(PermissionDenied) as refused:
            services.support_add(actor=person, proposal=proposal)
        assert refused.value.code == f"proposals.{code}"
    proposal.refresh_from_db()
    assert proposal.support_count == 0 and not proposal.supports.exists()
    # Where anyone verified may support, the person from elsewhere counts.
    region.proposal_settings.residents_only = False
    region.proposal_settings.save()
    proposal = Proposal.objects.select_related("organisation__proposal_settings").get(
        pk=proposal.pk
    )
    services.support_add(actor=elsewhere, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.support_count == 1
    assert proposal.supports.get().identity_hash == elsewhere.verification.identity_hash
    # Once the period is over, the person's own answer still comes first.
    time_machine.move_to(proposal.support_ends_at)
    with pytest.raises(PermissionDenied) as refused:
        services.support_add(actor=UserFactory(), proposal=proposal)
    assert refused.value.code == "proposals.not_verified"


def test_support_period_edges_and_expiry(region: Any, official: Any, time_machine: Any) -> None:
    proposal = services.proposal_publish(actor=official, proposal=submit(region))
    resident = verified_resident(region.municipalities.get())
    time_machine.move_to(proposal.support_ends_at - timedelta(seconds=1))
    services.support_add(actor=resident, proposal=proposal)
    assert services.proposals_expire() == 0
    time_machine.move_to(proposal.support_ends_at)
    with pytest.raises(Conflict) as refused:
        services.support_add(
            actor=verified_resident(region.municipalities.get()), proposal=proposal
        )
    assert refused.value.code == "proposals.support_closed"
    with pytest.raises(Conflict) as refused:
        services.support_withdraw(actor=resident, proposal=proposal)
    assert refused.value.code == "proposals.support_period_over"
    assert services.proposals_expire() == 1
    proposal.refresh_from_db()
    assert proposal.status == "expired" and proposal.support_count == 1
    assert services.proposals_expire() == 0


def test_a_threshold_reached_but_not_lodged_is_lodged_when_the_period_ends(
    region: Any, official: Any, time_machine: Any
) -> None:
    """A support that reaches the threshold lodges the proposal in a transaction after its
    own; should its process die in between, the end of the period lodges it, not expires it."""
    proposal = services.proposal_publish(actor=official, proposal=submit(region))
    assert proposal.support_threshold
    Proposal.objects.filter(pk=proposal.pk).update(support_count=proposal.support_threshold)
    time_machine.move_to(proposal.support_ends_at + timedelta(hours=1))
    assert services.proposals_expire() == 0
    proposal.refresh_from_db()
    assert proposal.status == "lodged"
    assert proposal.threshold_reached_at == proposal.support_ends_at
    assert proposal.events.filter(action="lodge").exists()


def test_withdraw_only_by_author_and_before_registration(region: Any, official: Any) -> None:
    proposal = submit(region)
    with pytest.raises(PermissionDenied):
        services.proposal_withdraw(actor=UserFactory(), proposal=proposal)
    withdrawn = services.proposal_withdraw(actor=proposal.author, proposal=proposal)
    assert withdrawn.status == "withdrawn"
    other = services.proposal_publish(actor=official, proposal=submit(region))
    lodged = Proposal.objects.filter(pk=other.pk)
    lodged.update(status="lodged")
    registered = services.proposal_register(actor=official, proposal=lodged.get())
    with pytest.raises(InvalidTransition):
        services.proposal_withdraw(actor=registered.author, proposal=registered)


def test_full_case_with_case_numbers_and_public_timeline(
    region: Any, official: Any, django_capture_on_commit_callbacks: Any
) -> None:
    region.proposal_settings.support_phase = False
    region.proposal_settings.case_number_format = "RS/{seq}/{year}"
    region.proposal_settings.save()
    committee = BodyFactory(organisation=region, name="Regionala utvecklingsnämnden")
    assembly = BodyFactory(organisation=region, name="Regionfullmäktige", kind="assembly")
    proposal = services.proposal_publish(actor=official, proposal=submit(region))
    assert proposal.status == "lodged"
    on = timezone.localdate() - timedelta(days=180)
    proposal = services.proposal_register(
        actor=official, proposal=submitted_days_ago(proposal, 200), registered_on=on
    )
    assert proposal.case_number == f"RS/1/{on.year}"
    second = services.proposal_publish(actor=official, proposal=submit(region))
    second = services.proposal_register(
        actor=official, proposal=submitted_days_ago(second, 200), registered_on=on
    )
    assert second.case_number == f"RS/2/{on.year}"
    proposal = services.proposal_refer(
        actor=official, proposal=proposal, body=committee, official=official
    )
    proposal = services.proposal_propose_decision(
        actor=official, proposal=proposal, text="Nämnden föreslår bifall."
    )
    with pytest.raises(ValidationFailed) as refused:
        services.proposal_decide(
            actor=official,
            proposal=proposal,
            outcome=Outcome.APPROVED,
            decided_on=on - timedelta(days=1),
            decided_by=assembly,
            minutes_reference="RF § 1",
            answer="Ja",
        )
    assert refused.value.code == "proposals.decided_before_registration"
    with django_capture_on_commit_callbacks(execute=True):
        proposal = services.proposal_decide(
            actor=official,
            proposal=proposal,
            outcome=Outcome.APPROVED,
            decided_on=on + timedelta(days=170),
            decided_by=assembly,
            minutes_reference="Regionfullmäktige § 88",
            answer="Bänkar sätts upp.",
        )
    assert proposal.status == "decided" and proposal.outcome == "bifall"
    steps = list(
        ProposalEvent.objects.filter(proposal=proposal).values_list("to_status", flat=True)
    )
    assert steps == [
        "submitted",
        "lodged",
        "registered",
        "referred",
        "decision_proposed",
        "decided",
    ]
    assert ProposalEvent.objects.filter(proposal=proposal, actor=official).count() == 5
    resident = UserFactory()
    with pytest.raises(PermissionDenied):
        services.proposal_register(actor=resident, proposal=second)


def test_write_off_only_after_reported_unfinished(region: Any, official: Any) -> None:
    region.proposal_settings.support_phase = False
    region.proposal_settings.save()
    proposal = services.proposal_publish(actor=official, proposal=submit(region))
    proposal = services.proposal_register(actor=official, proposal=proposal)
    with pytest.raises(InvalidTransition) as refused:
        services.proposal_write_off(
            actor=official,
            proposal=proposal,
            decided_on=timezone.localdate(),
            minutes_reference="§ 3",
        )
    assert refused.value.code == "proposals.write_off_before_report"
    assert (
        services.proposals_report_unfinished(
            actor=official,
            organisation=region,
            reported_on=timezone.localdate(),
            proposals=[proposal],
        )
        == 1
    )
    written_off = services.proposal_write_off(
        actor=official, proposal=proposal, decided_on=timezone.localdate(), minutes_reference="§ 3"
    )
    assert written_off.status == "written_off"


def test_reminders_go_once_per_step(
    region: Any, official: Any, django_capture_on_commit_callbacks: Any
) -> None:
    region.proposal_settings.support_phase = False
    region.proposal_settings.reminder_days = [60, 7]
    region.proposal_settings.save()
    proposal = services.proposal_publish(actor=official, proposal=submit(region))
    on = timezone.localdate() - timedelta(days=400)
    proposal = submitted_days_ago(proposal, 410)
    services.proposal_register(actor=official, proposal=proposal, registered_on=on)
    due = add_one_year(on)
    today = due - timedelta(days=61)
    assert services.case_reminders_send(today=today) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.case_reminders_send(today=today + timedelta(days=1)) == 1
    assert services.case_reminders_send(today=today + timedelta(days=2)) == 0
    assert official.email in mail.outbox[-1].to and "60" in mail.outbox[-1].subject
    assert services.case_reminders_send(today=due - timedelta(days=5)) == 1  # the 7-step
    assert services.case_reminders_send(today=due - timedelta(days=4)) == 0
    assert Support.objects.count() == 0
