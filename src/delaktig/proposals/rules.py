from typing import Any

import rules

from delaktig.accounts.predicates import is_administrator, is_official


@rules.predicate
def is_author(user: Any, proposal: Any) -> bool:
    return bool(proposal is not None and user.is_authenticated and proposal.author_id == user.pk)


@rules.predicate
def is_public_proposal(user: Any, proposal: Any) -> bool:
    return bool(proposal is not None and proposal.is_public)


rules.add_perm("proposals.handle_proposal", is_administrator | is_official)


@rules.predicate
def is_submitted(user: Any, proposal: Any) -> bool:
    return bool(proposal is not None and proposal.status != "draft")


# A draft is the author's own; staff see a proposal from the moment it is submitted.
rules.add_perm(
    "proposals.view_proposal",
    is_public_proposal | is_author | ((is_administrator | is_official) & is_submitted),
)
rules.add_perm("proposals.withdraw_proposal", is_author)
