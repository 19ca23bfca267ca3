"""Who may see and run participation processes (see docs/roles-and-permissions.md)."""

import rules

from delaktig.accounts.predicates import (
    is_administrator,
    is_moderator,
    is_official,
    is_organisation_official,
    is_organisation_staff,
)
from delaktig.accounts.roles import has_role_for
from delaktig.accounts.types import Visitor

from .models import Process, ProcessTemplate


@rules.predicate
def may_use_template(user: Visitor, template: ProcessTemplate | None) -> bool:
    """The platform's templates: any official; an organisation's: its own officials."""
    if template is None:
        return False
    return has_role_for(user, ("official",), None if template.organisation_id is None else template)


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
# Process templates. Add: on an organisation (or one of its processes), save a template for it.
# Change (edit, delete): an organisation's templates by its officials; the platform's by
# administrators. Use: start a process from it.
rules.add_perm("participation.add_processtemplate", is_organisation_official)
rules.add_perm("participation.change_processtemplate", is_organisation_official)
rules.add_perm("participation.use_processtemplate", may_use_template)
