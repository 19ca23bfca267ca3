"""Riskguiden's services: the three steps, the workflow, four eyes, re-assessment, marks."""

from typing import Any

import pytest
from tests.factories import OrganisationFactory, ProcessFactory, UserFactory, role

from delaktig.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from delaktig.core.models import AuditEntry
from delaktig.councils.models import Council
from delaktig.riskguide import services
from delaktig.riskguide.levels import Level, level
from delaktig.riskguide.models import ContentiousMark, RiskAnalysis
from delaktig.riskguide.workflow import MACHINE, Action, Status

from .helpers import complete_draft, meeting, official, risk_row, signed_off

pytestmark = pytest.mark.django_db


@pytest.fixture
def process() -> Any:
    return ProcessFactory(status="open")


@pytest.fixture
def author(process: Any) -> Any:
    return official(process.organisation, "Ada Författare")


@pytest.fixture
def reviewer(process: Any) -> Any:
    return official(process.organisation, "Rut Granskare")


def _actions(analysis: RiskAnalysis) -> list[str]:
    return list(
        AuditEntry.objects.filter(target_type="riskguide.riskanalysis", target_id=str(analysis.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


@pytest.mark.parametrize(
    ("likelihood", "consequence", "expected"),
    [(1, 1, Level.LOW), (1, 3, Level.LOW), (2, 2, Level.MEDIUM), (2, 3, Level.MEDIUM),
     (2, 4, Level.HIGH), (3, 3, Level.HIGH), (3, 4, Level.VERY_HIGH), (4, 4, Level.VERY_HIGH)],
)  # fmt: skip
def test_the_level_follows_the_product(likelihood: int, consequence: int, expected: Level) -> None:
    assert level(likelihood, consequence) is expected
    assert level(consequence, likelihood) is expected


def test_a_level_outside_the_scale_is_refused() -> None:
    with pytest.raises(ValueError):
        level(0, 5)


def test_the_state_machine() -> None:
    assert MACHINE.allowed_actions(Status.DRAFT) == [Action.SUBMIT]
    assert set(MACHINE.allowed_actions(Status.SUBMITTED)) == {Action.SEND_BACK, Action.SIGN_OFF}
    assert MACHINE.allowed_actions(Status.SIGNED_OFF) == [Action.FLAG]
    assert MACHINE.allowed_actions(Status.NEEDS_REASSESSMENT) == [Action.REVISE]
    assert not MACHINE.allows(Status.DRAFT, Action.SIGN_OFF)


def test_an_analysis_is_about_exactly_one_thing(process: Any, author: Any) -> None:
    with pytest.raises(ValidationFailed) as missing:
        services.analysis_create(actor=author, title="R")
    assert missing.value.code == "riskguide.subject_missing"
    council = Council.objects.create(
        organisation=process.organisation, kind="annat", name="Rådet", slug="radet", mandate="M"
    )
    with pytest.raises(ValidationFailed) as two:
        services.analysis_create(actor=author, title="R", process=process, council=council)
    assert two.value.code == "riskguide.subject_not_one"
    analysis = services.analysis_create(actor=author, title="  R  ", council=council)
    assert analysis.title == "R" and analysis.organisation == process.organisation
    assert analysis.subject == council and analysis.subject_kind == "council"


def test_only_officials_of_the_organisation_start_one(process: Any) -> None:
    for kind, other in (("official", True), ("moderator", False), ("security", False)):
        user = role(UserFactory(), kind, OrganisationFactory() if other else process.organisation)
        with pytest.raises(PermissionDenied):
            services.analysis_create(actor=user, title="R", process=process)


def test_the_three_steps_and_the_audit(process: Any, author: Any) -> None:
    analysis = complete_draft(author, process=process)
    risks = list(analysis.risks.all())
    assert [r.description for r in risks] == ["Hotfulla mejl till handläggarna", "Bråk i foajén"]
    assert [(r.likelihood, r.consequence, r.level) for r in risks] == [
        (3, 4, Level.VERY_HIGH),
        (1, 2, Level.LOW),
    ]
    assert all(r.owner == "Säkerhetssamordnare" for r in risks)
    assert _actions(analysis) == ["riskanalysis.create"] + ["riskanalysis.save"] * 3


def test_step_one_changes_and_removes_risks_in_order(process: Any, author: Any) -> None:
    analysis = complete_draft(author, process=process)
    first, second = analysis.risks.all()
    services.analysis_save_risks(
        actor=author,
        analysis=analysis,
        risks=[
            risk_row("Bråk i entrén", id=second.pk, kind="conflict", exposed="place"),
            risk_row("Hot", id=first.pk, remove=True),
            risk_row("Hatiska kommentarer om landsbygden", kind="hate", exposed="group"),
        ],
    )
    assert [(r.description, r.position) for r in analysis.risks.all()] == [
        ("Bråk i entrén", 1),
        ("Hatiska kommentarer om landsbygden", 2),
    ]
    # The rating of a risk that was only reworded is kept.
    assert analysis.risks.get(pk=second.pk).likelihood == 1


def test_bad_rows_change_nothing(process: Any, author: Any) -> None:
    analysis = complete_draft(author, process=process)
    for rows, code in (
        ([risk_row(""), risk_row("Ny")], "riskguide.risk_invalid"),
        ([risk_row("Ny", kind="meteor")], "riskguide.risk_invalid"),
        ([risk_row("Ny", id=999_999)], "riskguide.risk_unknown"),
    ):
        with pytest.raises(ValidationFailed) as error:
            services.analysis_save_risks(actor=author, analysis=analysis, risks=rows)
        assert error.value.code == code
    assert analysis.risks.count() == 2
    with pytest.raises(ValidationFailed):
        services.analysis_save_ratings(
            actor=author, analysis=analysis, ratings={analysis.risks.first().pk: (5, 1)}
        )


def test_submitting_needs_every_step(process: Any, author: Any) -> None:
    analysis = services.analysis_create(actor=author, title="R", process=process)
    with pytest.raises(ValidationFailed) as none:
        services.analysis_submit(actor=author, analysis=analysis)
    assert none.value.code == "riskguide.no_risks"
    services.analysis_save_risks(actor=author, analysis=analysis, risks=[risk_row()])
    with pytest.raises(ValidationFailed) as unrated:
        services.analysis_submit(actor=author, analysis=analysis)
    assert unrated.value.code == "riskguide.not_rated"
    assert "Hotfulla mejl" in unrated.value.message
    risk = analysis.risks.get()
    services.analysis_save_ratings(actor=author, analysis=analysis, ratings={risk.pk: (2, 2)})
    with pytest.raises(ValidationFailed) as unowned:
        services.analysis_submit(actor=author, analysis=analysis)
    assert unowned.value.code == "riskguide.no_measures"
    analysis.refresh_from_db()
    assert analysis.status == Status.DRAFT


def test_the_author_may_not_sign_off_and_a_second_official_may(
    process: Any, author: Any, reviewer: Any
) -> None:
    analysis = complete_draft(author, process=process)
    services.analysis_submit(actor=author, analysis=analysis)
    with pytest.raises(PermissionDenied) as refused:
        services.analysis_sign_off(actor=author, analysis=analysis)
    assert refused.value.code == "riskguide.four_eyes"
    assert "annan tjänsteperson" in refused.value.message
    other = role(UserFactory(), "official", OrganisationFactory())
    with pytest.raises(PermissionDenied):
        services.analysis_sign_off(actor=other, analysis=analysis)
    signed = services.analysis_sign_off(actor=reviewer, analysis=analysis, note=" Bra. ")
    assert signed.status == Status.SIGNED_OFF
    assert signed.signed_off_by == reviewer and signed.signoff_note == "Bra."
    assert _actions(analysis)[-2:] == ["riskanalysis.submit", "riskanalysis.sign_off"]
    with pytest.raises(InvalidTransition):
        services.analysis_sign_off(actor=reviewer, analysis=analysis)


def test_whoever_changed_the_content_may_not_sign_off(
    process: Any, author: Any, reviewer: Any
) -> None:
    analysis = complete_draft(author, process=process)
    risk = analysis.risks.first()
    services.analysis_save_ratings(actor=reviewer, analysis=analysis, ratings={risk.pk: (4, 4)})
    services.analysis_save_details(
        actor=author, analysis=analysis, title="Ny rubrik", background=""
    )
    services.analysis_submit(actor=author, analysis=analysis)
    analysis.refresh_from_db()
    assert analysis.last_edited_by == author
    with pytest.raises(PermissionDenied) as refused:
        services.analysis_sign_off(actor=reviewer, analysis=analysis)
    assert refused.value.code == "riskguide.four_eyes"
    third = official(process.organisation)
    assert services.analysis_sign_off(actor=third, analysis=analysis).is_signed_off


def test_send_back_flag_and_revise(process: Any, author: Any, reviewer: Any) -> None:
    analysis = complete_draft(author, process=process)
    services.analysis_submit(actor=author, analysis=analysis)
    with pytest.raises(ValidationFailed):
        services.analysis_send_back(actor=reviewer, analysis=analysis, reason=" ")
    services.analysis_send_back(actor=reviewer, analysis=analysis, reason="Fler risker")
    analysis.refresh_from_db()
    assert analysis.status == Status.DRAFT
    services.analysis_submit(actor=author, analysis=analysis)
    services.analysis_sign_off(actor=reviewer, analysis=analysis)
    with pytest.raises(InvalidTransition):
        services.analysis_save_details(actor=author, analysis=analysis, title="X", background="")
    services.analysis_flag(actor=author, analysis=analysis, reason="Nytt beslut")
    analysis.refresh_from_db()
    assert analysis.status == Status.NEEDS_REASSESSMENT
    assert analysis.reassessment_cause == "Nytt beslut"
    revised = services.analysis_revise(actor=author, analysis=analysis)
    assert revised.status == Status.DRAFT and revised.signed_off_by is None
    # A new round: the reviewer who did not write anything in it may sign off again.
    services.analysis_submit(actor=author, analysis=revised)
    assert services.analysis_sign_off(actor=reviewer, analysis=revised).is_signed_off


def test_an_incident_marks_signed_off_analyses_for_reassessment(
    process: Any, author: Any, reviewer: Any
) -> None:
    signed = signed_off(author, reviewer, process=process)
    draft = complete_draft(author, process=process)
    elsewhere = signed_off(
        author, reviewer, process=ProcessFactory(organisation=process.organisation)
    )
    count = services.analyses_mark_for_reassessment(
        process_id=process.pk, cause="Hot mot en handläggare vid mötet"
    )
    assert count == 1
    signed.refresh_from_db()
    draft.refresh_from_db()
    elsewhere.refresh_from_db()
    assert signed.status == Status.NEEDS_REASSESSMENT
    assert signed.reassessment_cause == "Hot mot en handläggare vid mötet"
    assert draft.status == Status.DRAFT and elsewhere.status == Status.SIGNED_OFF
    entry = AuditEntry.objects.filter(action="riskanalysis.flag", target_id=str(signed.pk)).get()
    assert entry.actor is None and entry.data["cause"] == "Hot mot en handläggare vid mötet"
    # Nothing more to mark, and nothing without a process or meeting.
    assert services.analyses_mark_for_reassessment(process_id=process.pk, cause="Igen") == 0
    assert services.analyses_mark_for_reassessment(cause="Inget") == 0


def test_an_incident_at_a_meeting(process: Any, author: Any, reviewer: Any) -> None:
    event = meeting(process.organisation)
    signed = signed_off(author, reviewer, meeting=event)
    assert services.analyses_mark_for_reassessment(meeting_id=event.pk, cause="Störning") == 1
    signed.refresh_from_db()
    assert signed.status == Status.NEEDS_REASSESSMENT


def test_measures_are_marked_done_after_sign_off(process: Any, author: Any, reviewer: Any) -> None:
    signed = signed_off(author, reviewer, process=process)
    risk = signed.risks.first()
    assert services.risk_set_done(actor=reviewer, risk=risk, done=True).done
    moderator = role(UserFactory(), "moderator", process.organisation)
    with pytest.raises(PermissionDenied):
        services.risk_set_done(actor=moderator, risk=risk, done=False)
    assert "riskanalysis.measure_done" in _actions(signed)


def test_a_contentious_mark_once_per_process(process: Any, author: Any) -> None:
    mark = services.contentious_mark_create(actor=author, process=process, reason="Stängning")
    assert mark.organisation == process.organisation
    with pytest.raises(ValidationFailed) as again:
        services.contentious_mark_create(actor=author, process=process, reason="Igen")
    assert again.value.code == "riskguide.already_marked"
    with pytest.raises(ValidationFailed):
        services.contentious_mark_create(actor=author, reason="Inget")
    with pytest.raises(PermissionDenied):
        services.contentious_mark_create(
            actor=role(UserFactory(), "security", process.organisation),
            meeting=meeting(process.organisation),
            reason="R",
        )
    services.contentious_mark_remove(actor=author, mark=mark)
    assert not ContentiousMark.objects.exists()
    assert AuditEntry.objects.filter(action="riskguide.unmark_contentious").count() == 1
