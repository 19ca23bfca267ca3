"""Who may see and run participation processes (see docs/roles-and-permissions.md)."""

import rules

from delaktig.accounts.predicates import (
    is_administrator,
    is_moderator,
    is_official,
    is_organisation_official,
    is_organisation_staff,
)
from delaktig.accounts.types import Visitor

from .models import Process


@rules.predicate
def is_public_process(user: Visitor, process: Process | None) -> bool:
    return bool(process is not None and process.is_public)


rules.add_perm("participation.view_process", is_public_process | is_organisation_staff)
# On an organisation: may start a process for it.
rules.add_perm("participation.add_process", is_organisation_official)
# Edit, run through its life cycle (publish, open, close, archive), add modules and phases.
rules.add_perm("participation.change_process", is_organisation_official)
rules.add_perm("participation.publish_feedback", is_organisation_official)
rules.add_perm("participation.view_figures", is_administrator | is_official | is_moderator)
rules.add_perm("participation.follow_process", rules.is_authenticated & is_public_process)
