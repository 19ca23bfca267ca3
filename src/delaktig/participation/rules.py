from typing import Any

import rules

from delaktig.accounts.predicates import (
    is_administrator,
    is_moderator,
    is_official,
    is_staff_member,
)


@rules.predicate
def is_public_process(user: Any, process: Any) -> bool:
    return bool(process is not None and process.is_public)


rules.add_perm("participation.view_staff_workspace", is_administrator | is_staff_member)
rules.add_perm("participation.view_process", is_public_process | is_administrator | is_staff_member)
rules.add_perm("participation.add_process", is_administrator | is_official)
rules.add_perm("participation.change_process", is_administrator | is_official)
rules.add_perm("participation.publish_feedback", is_administrator | is_official)
rules.add_perm("participation.view_figures", is_administrator | is_official | is_moderator)
rules.add_perm("participation.follow_process", rules.is_authenticated & is_public_process)
