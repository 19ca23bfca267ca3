"""Impact assessment services: each transition, four eyes, required sections, reopening."""

from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from delaktig.assessments import services
from delaktig.assessments.models import ImpactAssessment
from delaktig.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from delaktig.core.models import AuditEntry
from delaktig.followup.models import ActionPlan, Activity, FocusArea, Strategy
from tests.factories import (
    ImpactAssessmentFactory,
    OrganisationFactory,
    ProcessFactory,
    UserFactory,
    complete_child_answers,
    role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _swedish() -> Any:
    with translation.override("sv"):
        yield


def official(organisation: Any) -> Any:
    return role(UserFactory(), "official", organisation)


def make_activity(organisation: Any, title: str = "Fler mötesplatser för unga") -> Activity:
    strategy = Strategy.objects.create(
        organisation=organisation,
        title="Strategi för demokrati",
        slug=f"strategi-{organisation.pk}-{Strategy.objects.count()}",
        summary="S",
        start_year=2024,
        end_year=2027,
    )
    plan = ActionPlan.objects.create(
        strategy=strategy, title="Handlingsplan", slug="plan", start_year=2024, end_year=2025
    )
    area = FocusArea.objects.create(plan=plan, title="Unga", position=1)
    return Activity.objects.create(area=area, title=title, position=2)


def ready(assessment: ImpactAssessment) -> ImpactAssessment:
    """Fill in every section as its author and mark it ready."""
    author = assessment.prepared_by
    services.assessment_save_answers(
        actor=author, assessment=assessment, answers=complete_child_answers()
    )
    return services.assessment_mark_ready(actor=author, assessment=assessment)


# --- create ---------------------------------------------------------------------------------------


def test_create_a_draft_about_an_activity() -> None:
    organisation = OrganisationFactory()
    author = official(organisation)
    activity = make_activity(organisation)
    assessment = services.assessment_create(
        actor=author,
        organisation=organisation,
        kind="child",
        title="  Barnkonsekvensanalys: mötesplatser  ",
        decision_summary="Nämnden beslutar i juni.",
        activity=activity,
    )
    assessment.refresh_from_db()
    assert assessment.status == "draft"
    assert assessment.title == "Barnkonsekvensanalys: mötesplatser"
    assert (assessment.activity, assessment.process) == (activity, None)
    assert assessment.template_version == assessment.template.version == 1
    assert assessment.prepared_by == author == assessment.last_edited_by
    assert assessment.answers == {}
    entry = AuditEntry.objects.get(action="assessment.create")
    assert (entry.actor, entry.organisation, entry.target_id) == (
        author,
        organisation,
        str(assessment.pk),
    )
    assert entry.data["activity"] == activity.pk


def test_create_a_free_standing_assessment() -> None:
    organisation = OrganisationFactory()
    assessment = services.assessment_create(
        actor=official(organisation), organisation=organisation, kind="environment", title="T"
    )
    assert assessment.process is None and assessment.activity is None


def test_create_refuses_both_a_process_and_an_activity() -> None:
    organisation = OrganisationFactory()
    with pytest.raises(ValidationFailed):
        services.assessment_create(
            actor=official(organisation),
            organisation=organisation,
            kind="child",
            title="T",
            process=ProcessFactory(organisation=organisation),
            activity=make_activity(organisation),
        )
    assert not ImpactAssessment.objects.exists()


def test_create_refuses_another_organisations_process_or_unknown_kind() -> None:
    organisation = OrganisationFactory()
    author = official(organisation)
    with pytest.raises(ValidationFailed):
        services.assessment_create(
            actor=author,
            organisation=organisation,
            kind="child",
            title="T",
            process=ProcessFactory(),
        )
    with pytest.raises(ValidationFailed):
        services.assessment_create(actor=author, organisation=organisation, kind="x", title="T")
    with pytest.raises(ValidationFailed):
        services.assessment_create(actor=author, organisation=organisation, kind="child", title=" ")


def test_create_needs_an_official_of_that_organisation() -> None:
    organisation = OrganisationFactory()
    for actor in (official(OrganisationFactory()), role(UserFactory(), "moderator", organisation)):
        with pytest.raises(PermissionDenied):
            services.assessment_create(
                actor=actor, organisation=organisation, kind="child", title="T"
            )


def test_the_database_refuses_both_links() -> None:
    organisation = OrganisationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ImpactAssessmentFactory(
            organisation=organisation,
            process=ProcessFactory(organisation=organisation),
            activity=make_activity(organisation),
        )


# --- save answers --------------------------------------------------------------------------------


def test_save_answers_records_who_changed_what() -> None:
    assessment = ImpactAssessmentFactory()
    colleague = official(assessment.organisation)
    saved = services.assessment_save_answers(
        actor=colleague,
        assessment=assessment,
        answers={"affected": "Barn 13–17 år", "articles": ["art12", "art31"]},
        title="Ny rubrik",
    )
    saved.refresh_from_db()
    assert saved.answers == {"affected": "Barn 13–17 år", "articles": ["art12", "art31"]}
    assert saved.title == "Ny rubrik"
    assert saved.last_edited_by == colleague
    assert saved.prepared_by == assessment.prepared_by
    entry = AuditEntry.objects.get(action="assessment.save")
    assert entry.data["changed"] == ["affected", "articles", "title"]


def test_invalid_choices_save_nothing_and_say_which_section() -> None:
    assessment = ImpactAssessmentFactory(answers={"affected": "Före"})
    with pytest.raises(ValidationFailed, match="assessments.answers_invalid") as raised:
        services.assessment_save_answers(
            actor=assessment.prepared_by,
            assessment=assessment,
            answers={
                "affected": "Efter",
                "articles": ["art12", "art999"],
                "children_asked": "kanske",
            },
        )
    assert set(raised.value.params["problems"]) == {"articles", "children_asked"}
    assert "alternativen" in raised.value.params["problems"]["articles"]
    assessment.refresh_from_db()
    assert assessment.answers == {"affected": "Före"}
    assert not AuditEntry.objects.filter(action="assessment.save").exists()


def test_only_drafts_can_be_edited() -> None:
    assessment = ready(ImpactAssessmentFactory())
    with pytest.raises(InvalidTransition, match="assessments.not_editable"):
        services.assessment_save_answers(
            actor=assessment.prepared_by, assessment=assessment, answers={"affected": "Ändrat"}
        )
    assessment.refresh_from_db()
    assert assessment.answers["affected"] != "Ändrat"


def test_moderator_and_other_organisation_may_not_edit() -> None:
    assessment = ImpactAssessmentFactory()
    for actor in (
        role(UserFactory(), "moderator", assessment.organisation),
        official(OrganisationFactory()),
        UserFactory(),
    ):
        with pytest.raises(PermissionDenied):
            services.assessment_save_answers(
                actor=actor, assessment=assessment, answers={"affected": "X"}
            )


# --- mark ready ----------------------------------------------------------------------------------


def test_mark_ready_lists_what_is_missing() -> None:
    assessment = ImpactAssessmentFactory(decision_summary="")
    answers = complete_child_answers()
    del answers["children_views"]
    del answers["best_interests"]
    services.assessment_save_answers(
        actor=assessment.prepared_by, assessment=assessment, answers=answers
    )
    with pytest.raises(ValidationFailed, match="assessments.missing_sections") as raised:
        services.assessment_mark_ready(actor=assessment.prepared_by, assessment=assessment)
    missing = raised.value.params["missing"]
    assert missing == ["decision_summary", "children_views", "best_interests"]
    message = raised.value.message
    assert "Barnens egna åsikter" in message and "Bedömning av barnets bästa" in message
    assert "Beslutet som förbereds" in message
    assessment.refresh_from_db()
    assert assessment.status == "draft"


def test_optional_sections_may_stay_empty() -> None:
    assessment = ImpactAssessmentFactory()
    answers = complete_child_answers()
    for key in ("articles_comment", "compensating_measures", "feedback_to_children"):
        del answers[key]
    services.assessment_save_answers(
        actor=assessment.prepared_by, assessment=assessment, answers=answers
    )
    marked = services.assessment_mark_ready(actor=assessment.prepared_by, assessment=assessment)
    assert marked.status == "ready"
    assert AuditEntry.objects.filter(action="assessment.mark_ready").count() == 1


def test_mark_ready_twice_is_refused() -> None:
    assessment = ready(ImpactAssessmentFactory())
    with pytest.raises(InvalidTransition):
        services.assessment_mark_ready(actor=assessment.prepared_by, assessment=assessment)


# --- sign off ------------------------------------------------------------------------------------


def test_a_colleague_signs_off() -> None:
    assessment = ready(ImpactAssessmentFactory())
    manager = official(assessment.organisation)
    before = timezone.now()
    signed = services.assessment_sign_off(
        actor=manager, assessment=assessment, note="Bra underlag.", publish=True
    )
    signed.refresh_from_db()
    assert signed.status == "signed_off"
    assert signed.signed_off_by == manager
    assert signed.signed_off_at is not None and signed.signed_off_at >= before
    assert signed.signoff_note == "Bra underlag."
    assert signed.is_public
    assert AuditEntry.objects.get(action="assessment.sign_off").actor == manager


def test_sign_off_without_publishing() -> None:
    assessment = ready(ImpactAssessmentFactory())
    signed = services.assessment_sign_off(
        actor=official(assessment.organisation), assessment=assessment, publish=False
    )
    assert signed.status == "signed_off" and not signed.is_public
    assert not ImpactAssessment.objects.public().exists()


def test_four_eyes_the_author_may_not_sign_off() -> None:
    assessment = ready(ImpactAssessmentFactory())
    with pytest.raises(PermissionDenied, match="assessments.four_eyes"):
        services.assessment_sign_off(actor=assessment.prepared_by, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.status == "ready" and assessment.signed_off_by is None


def test_four_eyes_the_last_editor_may_not_sign_off_either() -> None:
    assessment = ImpactAssessmentFactory()
    editor = official(assessment.organisation)
    services.assessment_save_answers(
        actor=editor, assessment=assessment, answers=complete_child_answers()
    )
    services.assessment_mark_ready(actor=assessment.prepared_by, assessment=assessment)
    with pytest.raises(PermissionDenied, match="assessments.four_eyes"):
        services.assessment_sign_off(actor=editor, assessment=assessment)
    # The author may not either; a third official may.
    with pytest.raises(PermissionDenied, match="assessments.four_eyes"):
        services.assessment_sign_off(actor=assessment.prepared_by, assessment=assessment)
    third = official(assessment.organisation)
    assert services.assessment_sign_off(actor=third, assessment=assessment).status == "signed_off"


def test_four_eyes_also_binds_administrators() -> None:
    organisation = OrganisationFactory()
    admin = role(UserFactory(), "administrator")
    assessment = ImpactAssessmentFactory(
        organisation=organisation, prepared_by=admin, last_edited_by=admin
    )
    ready(assessment)
    with pytest.raises(PermissionDenied, match="assessments.four_eyes"):
        services.assessment_sign_off(actor=admin, assessment=assessment)


def test_the_database_refuses_a_self_sign_off() -> None:
    assessment = ImpactAssessmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ImpactAssessment.objects.filter(pk=assessment.pk).update(
            status="signed_off",
            signed_off_by=assessment.prepared_by,
            signed_off_at=timezone.now(),
        )


def test_the_database_refuses_signed_off_without_who_and_when() -> None:
    assessment = ImpactAssessmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ImpactAssessment.objects.filter(pk=assessment.pk).update(status="signed_off")


def test_a_draft_cannot_be_signed_off() -> None:
    assessment = ImpactAssessmentFactory(answers=complete_child_answers())
    with pytest.raises(InvalidTransition):
        services.assessment_sign_off(actor=official(assessment.organisation), assessment=assessment)


def test_sign_off_needs_an_official_of_the_organisation() -> None:
    assessment = ready(ImpactAssessmentFactory())
    for actor in (
        official(OrganisationFactory()),
        role(UserFactory(), "moderator", assessment.organisation),
        UserFactory(),
    ):
        with pytest.raises(PermissionDenied):
            services.assessment_sign_off(actor=actor, assessment=assessment)


def test_a_second_sign_off_of_a_signed_off_assessment_is_refused() -> None:
    """Two managers open the page at the same time; the second click finds it signed off."""
    assessment = ready(ImpactAssessmentFactory())
    first, second = official(assessment.organisation), official(assessment.organisation)
    seen_by_second = ImpactAssessment.objects.get(pk=assessment.pk)  # loaded while still ready
    services.assessment_sign_off(actor=first, assessment=assessment, note="Först")
    assert seen_by_second.status == "ready"  # the stale copy still says ready
    with pytest.raises(InvalidTransition):
        services.assessment_sign_off(actor=second, assessment=seen_by_second, note="Sist")
    assessment.refresh_from_db()
    assert (assessment.signed_off_by, assessment.signoff_note) == (first, "Först")
    assert AuditEntry.objects.filter(action="assessment.sign_off").count() == 1


def test_signed_off_is_read_only() -> None:
    assessment = ready(ImpactAssessmentFactory())
    services.assessment_sign_off(actor=official(assessment.organisation), assessment=assessment)
    with pytest.raises(InvalidTransition, match="assessments.not_editable"):
        services.assessment_save_answers(
            actor=official(assessment.organisation), assessment=assessment, answers={}
        )
    with pytest.raises(InvalidTransition):
        services.assessment_mark_ready(actor=assessment.prepared_by, assessment=assessment)


# --- reopen --------------------------------------------------------------------------------------


def test_reopen_a_signed_off_assessment_clears_the_sign_off() -> None:
    assessment = ready(ImpactAssessmentFactory())
    manager = official(assessment.organisation)
    services.assessment_sign_off(actor=manager, assessment=assessment, note="OK")
    reopened = services.assessment_reopen(
        actor=assessment.prepared_by, assessment=assessment, reason="Nya siffror från SCB."
    )
    reopened.refresh_from_db()
    assert reopened.status == "draft"
    assert (reopened.signed_off_by, reopened.signed_off_at, reopened.signoff_note) == (
        None,
        None,
        "",
    )
    assert not reopened.is_public
    entry = AuditEntry.objects.get(action="assessment.reopen")
    assert entry.data["reason"] == "Nya siffror från SCB."
    assert entry.data["from"] == "signed_off"
    assert entry.data["signed_off_by"] == manager.pk and entry.data["signoff_note"] == "OK"
    # Editable again.
    services.assessment_save_answers(
        actor=assessment.prepared_by, assessment=reopened, answers={"affected": "Alla barn"}
    )


def test_reopen_a_ready_assessment() -> None:
    assessment = ready(ImpactAssessmentFactory())
    reopened = services.assessment_reopen(
        actor=official(assessment.organisation), assessment=assessment, reason="Komplettera."
    )
    assert reopened.status == "draft"


def test_reopen_needs_a_reason_and_something_to_reopen() -> None:
    assessment = ready(ImpactAssessmentFactory())
    with pytest.raises(ValidationFailed):
        services.assessment_reopen(actor=assessment.prepared_by, assessment=assessment, reason=" ")
    assessment.refresh_from_db()
    assert assessment.status == "ready"
    draft = ImpactAssessmentFactory()
    with pytest.raises(InvalidTransition):
        services.assessment_reopen(actor=draft.prepared_by, assessment=draft, reason="Varför?")


def test_reopen_needs_an_official() -> None:
    assessment = ready(ImpactAssessmentFactory())
    with pytest.raises(PermissionDenied):
        services.assessment_reopen(
            actor=role(UserFactory(), "moderator", assessment.organisation),
            assessment=assessment,
            reason="R",
        )


def test_four_eyes_a_co_author_followed_by_an_empty_save_may_not_sign_off() -> None:
    # B writes the content; A saves again without changing anything and marks it ready.
    assessment = ImpactAssessmentFactory()
    author = assessment.prepared_by
    co_author = official(assessment.organisation)
    services.assessment_save_answers(
        actor=co_author, assessment=assessment, answers=complete_child_answers()
    )
    services.assessment_save_answers(
        actor=author, assessment=assessment, answers=complete_child_answers()
    )
    services.assessment_mark_ready(actor=author, assessment=assessment)
    with pytest.raises(PermissionDenied, match="assessments.four_eyes"):
        services.assessment_sign_off(actor=co_author, assessment=assessment)
    third = official(assessment.organisation)
    services.assessment_sign_off(actor=third, assessment=assessment)
