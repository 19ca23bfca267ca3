"""Who may do what with impact assessments.

Officials of the organisation (and administrators) write, mark ready, sign off and reopen.
Staff of the organisation (officials and moderators) may read drafts. Signed-off, published
assessments are public. The four-eyes rule for sign-off (not the person who wrote or last changed
it) depends on the assessment's history and is enforced in ``services.assessment_sign_off``.
"""

import rules

from delaktig.accounts.predicates import is_administrator, is_official, is_staff_member
from delaktig.accounts.types import Visitor

from .models import ImpactAssessment


@rules.predicate
def is_public_assessment(user: Visitor, assessment: ImpactAssessment | None) -> bool:
    return bool(assessment is not None and getattr(assessment, "is_public", False))


rules.add_perm(
    "assessments.view_impactassessment",
    is_public_assessment | is_administrator | is_staff_member,
)
# Drafts and the staff pages, with the history naming who did what.
rules.add_perm("assessments.view_draft_impactassessment", is_administrator | is_staff_member)
# On an organisation: may start an assessment for it.
rules.add_perm("assessments.add_impactassessment", is_administrator | is_official)
rules.add_perm("assessments.change_impactassessment", is_administrator | is_official)
rules.add_perm("assessments.signoff_impactassessment", is_administrator | is_official)
