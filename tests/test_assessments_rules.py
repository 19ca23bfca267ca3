"""Who may do what with impact assessments: the role × organisation × status matrix."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.factories import ImpactAssessmentFactory, OrganisationFactory, UserFactory, role

pytestmark = pytest.mark.django_db

PEOPLE = [
    "official_own",
    "official_other",
    "moderator_own",
    "administrator",
    "resident",
    "anonymous",
]


def person(kind: str, organisation: Any) -> Any:
    if kind == "official_own":
        return role(UserFactory(), "official", organisation)
    if kind == "official_other":
        return role(UserFactory(), "official", OrganisationFactory())
    if kind == "moderator_own":
        return role(UserFactory(), "moderator", organisation)
    if kind == "administrator":
        return role(UserFactory(), "administrator")
    if kind == "resident":
        return UserFactory()
    return AnonymousUser()


# perm → the people who have it, on a draft of the organisation.
ON_A_DRAFT = {
    "assessments.change_impactassessment": {"official_own", "administrator"},
    "assessments.signoff_impactassessment": {"official_own", "administrator"},
    "assessments.view_draft_impactassessment": {"official_own", "moderator_own", "administrator"},
    "assessments.view_impactassessment": {"official_own", "moderator_own", "administrator"},
}


@pytest.mark.parametrize("kind", PEOPLE)
@pytest.mark.parametrize("perm", sorted(ON_A_DRAFT))
def test_matrix_on_a_draft(kind: str, perm: str) -> None:
    assessment = ImpactAssessmentFactory()
    user = person(kind, assessment.organisation)
    assert user.has_perm(perm, assessment) is (kind in ON_A_DRAFT[perm])


@pytest.mark.parametrize("kind", PEOPLE)
def test_add_on_an_organisation(kind: str) -> None:
    organisation = OrganisationFactory()
    user = person(kind, organisation)
    expected = kind in {"official_own", "administrator"}
    assert user.has_perm("assessments.add_impactassessment", organisation) is expected


@pytest.mark.parametrize("kind", PEOPLE)
@pytest.mark.parametrize("published", [True, False])
def test_everyone_sees_a_signed_off_published_assessment(kind: str, published: bool) -> None:
    assessment = ImpactAssessmentFactory()
    manager = role(UserFactory(), "official", assessment.organisation)
    assessment.status = "signed_off"
    assessment.signed_off_by = manager
    assessment.signed_off_at = assessment.created
    assessment.published = published
    assessment.save()
    user = person(kind, assessment.organisation)
    staff = kind in {"official_own", "moderator_own", "administrator"}
    assert user.has_perm("assessments.view_impactassessment", assessment) is (published or staff)
    # Still only officials of the organisation may change or reopen it.
    assert user.has_perm("assessments.change_impactassessment", assessment) is (
        kind in {"official_own", "administrator"}
    )


@pytest.mark.parametrize("status", ["draft", "ready"])
def test_unsigned_assessments_are_not_public(status: str) -> None:
    assessment = ImpactAssessmentFactory(status=status)
    assert not UserFactory().has_perm("assessments.view_impactassessment", assessment)
    assert not AnonymousUser().has_perm("assessments.view_impactassessment", assessment)


def test_inactive_official_has_no_rights() -> None:
    assessment = ImpactAssessmentFactory()
    user = role(UserFactory(), "official", assessment.organisation)
    user.is_active = False
    user.save()
    assert not user.has_perm("assessments.change_impactassessment", assessment)
