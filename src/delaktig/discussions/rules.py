from typing import Any

import rules

from delaktig.accounts.predicates import is_administrator, is_moderator, is_official


@rules.predicate
def module_allows_comment(user: Any, module: Any) -> bool:
    return bool(module is not None and module.allows("comment"))


rules.add_perm(
    "discussions.add_comment", rules.is_authenticated & rules.is_active & module_allows_comment
)
rules.add_perm("discussions.report_comment", rules.is_authenticated & rules.is_active)
rules.add_perm("discussions.moderate_comment", is_administrator | is_official | is_moderator)
