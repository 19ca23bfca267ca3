"""Who may do what with proposals (see docs/roles-and-permissions.md)."""

from typing import Any

import rules

from delaktig.accounts.predicates import is_organisation_official, is_resident
from delaktig.accounts.types import Visitor

from .workflow import Status


@rules.predicate
def is_author(user: Visitor, proposal: Any) -> bool:
    return bool(proposal is not None and user.is_authenticated and proposal.author_id == user.pk)


@rules.predicate
def is_public_proposal(user: Visitor, proposal: Any) -> bool:
    return bool(proposal is not None and proposal.is_public)


@rules.predicate
def is_draft(user: Visitor, proposal: Any) -> bool:
    return bool(proposal is not None and proposal.status == Status.DRAFT)


@rules.predicate
def is_submitted(user: Visitor, proposal: Any) -> bool:
    return bool(proposal is not None and proposal.status != Status.DRAFT)


# The case, from intake to decision, and the organisation's local rules: its officials.
rules.add_perm("proposals.handle_proposal", is_organisation_official)
# Correcting registration and decision data (rättelse), with a reason shown in the timeline,
# and removing personal data from the text before it is published (maskning).
rules.add_perm("proposals.correct_proposal", is_organisation_official)
rules.add_perm("proposals.redact_proposal", is_organisation_official)
# A draft is the author's own; staff see a proposal from the moment it is submitted.
rules.add_perm(
    "proposals.view_proposal",
    is_public_proposal | is_author | (is_organisation_official & is_submitted),
)
# Residents write and support proposals; the services also ask for a verified identity and,
# where the organisation says so, folkbokföring in one of its municipalities.
rules.add_perm("proposals.add_proposal", is_resident)
rules.add_perm("proposals.change_proposal", is_author & is_draft)
rules.add_perm("proposals.submit_proposal", is_author)
rules.add_perm("proposals.withdraw_proposal", is_author)
rules.add_perm("proposals.support_proposal", is_resident)
