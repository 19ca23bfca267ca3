"""Who may see and answer surveys, build them, read their results and take out raw responses.

Staff permissions are asked about the survey or its process (either finds the organisation);
``surveys.view_survey`` and ``surveys.answer_survey`` about the survey.
"""

import rules

from delaktig.accounts.predicates import (
    is_administrator,
    is_moderator,
    is_official,
    is_organisation_staff,
    is_resident,
    phase_allows,
)
from delaktig.accounts.types import Visitor

from .models import Survey


@rules.predicate
def is_public_survey(user: Visitor, survey: Survey | None) -> bool:
    """The survey's process is public (published, open, closed or archived)."""
    return bool(survey is not None and survey.module.process.is_public)


@rules.predicate
def answers_with_account(user: Visitor, survey: Survey | None) -> bool:
    """Only logged-in people may answer: one response per account."""
    return bool(survey is not None and survey.access == Survey.Access.ACCOUNT)


rules.add_perm("surveys.view_survey", is_public_survey | is_organisation_staff)
# Starting a response; an invitation survey also needs the person's link (checked with it).
rules.add_perm(
    "surveys.answer_survey", phase_allows("answer") & (is_resident | ~answers_with_account)
)
rules.add_perm("surveys.change_survey", is_administrator | is_official)
rules.add_perm("surveys.view_results", is_administrator | is_official | is_moderator)
# Anonymised, but still one row per person: officials of the organisation only.
rules.add_perm("surveys.export_raw_responses", is_administrator | is_official)
