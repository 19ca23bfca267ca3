"""Two people signing off the same assessment at the same moment: exactly one succeeds."""

import pytest

from delaktig.assessments import services
from delaktig.assessments.models import ImpactAssessment
from delaktig.core.errors import InvalidTransition
from delaktig.core.models import AuditEntry
from tests.concurrency import run_together
from tests.factories import (
    ImpactAssessmentFactory,
    UserFactory,
    complete_child_answers,
    role,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_sign_offs_give_one_sign_off() -> None:
    assessment = ImpactAssessmentFactory(answers=complete_child_answers())
    services.assessment_mark_ready(actor=assessment.prepared_by, assessment=assessment)
    managers = [role(UserFactory(), "official", assessment.organisation) for _ in range(4)]
    # Each manager has the page open: a copy of its own, read while the assessment was ready.
    copies = [ImpactAssessment.objects.get(pk=assessment.pk) for _ in managers]
    results, errors = run_together(
        [
            (
                lambda manager=manager, copy=copy: services.assessment_sign_off(
                    actor=manager, assessment=copy, note=f"Av {manager.pk}"
                )
            )
            for manager, copy in zip(managers, copies, strict=True)
        ]
    )
    assert len(results) == 1
    assert len(errors) == 3 and all(isinstance(e, InvalidTransition) for e in errors)
    assessment.refresh_from_db()
    assert assessment.status == "signed_off"
    assert assessment.signed_off_by == results[0].signed_off_by
    assert assessment.signoff_note == f"Av {assessment.signed_off_by.pk}"
    assert AuditEntry.objects.filter(action="assessment.sign_off").count() == 1
