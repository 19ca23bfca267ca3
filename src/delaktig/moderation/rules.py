"""Who moderates, who may ask for a review, and who writes the organisation's rules and terms
(see docs/roles-and-permissions.md)."""

from typing import Any

import rules

from delaktig.accounts.predicates import is_organisation_official, is_organisation_staff
from delaktig.accounts.types import Visitor


@rules.predicate
def is_decision_author(user: Visitor, decision: Any) -> bool:
    return bool(decision is not None and user.is_authenticated and decision.author_id == user.pk)


@rules.predicate
def decided_by_someone_else(user: Visitor, decision: Any) -> bool:
    """A review is made by another moderator than the one who decided (screening decides as
    nobody)."""
    return bool(decision is not None and decision.decided_by_id != user.pk)


# Any text in the organisation: hide, reject, publish, see what screening found.
rules.add_perm("moderation.moderate_item", is_organisation_staff)
rules.add_perm("moderation.request_review", is_decision_author)
rules.add_perm("moderation.review_decision", is_organisation_staff & decided_by_someone_else)
rules.add_perm("moderation.change_conversationrules", is_organisation_official)
rules.add_perm("moderation.change_screeningterm", is_organisation_official)
