"""Who may comment, report and moderate in a discussion (see docs/roles-and-permissions.md)."""

from typing import Any

import rules

from delaktig.accounts.predicates import is_organisation_staff, is_resident, phase_allows
from delaktig.accounts.types import Visitor

# A comment is written while a running phase of the discussion allows "comment".
rules.add_perm("discussions.add_comment", is_resident & phase_allows("comment"))
rules.add_perm("discussions.report_comment", is_resident)
rules.add_perm("discussions.moderate_comment", is_organisation_staff)


@rules.predicate
def is_comment_author(user: Visitor, comment: Any) -> bool:
    return bool(comment is not None and user.is_authenticated and comment.author_id == user.pk)


# The author of a hidden comment may ask a moderator to look at the decision again.
rules.add_perm("discussions.request_comment_review", is_comment_author)
