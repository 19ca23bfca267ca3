"""Permission predicates (django-rules): role × organisation. Phase checks live with modules."""

from typing import Any

import rules

from . import roles


@rules.predicate
def is_administrator(user: Any) -> bool:
    return roles.is_administrator(user)


@rules.predicate
def is_official(user: Any, obj: Any = None) -> bool:
    return roles.has_role_for(user, ("official",), obj)


@rules.predicate
def is_moderator(user: Any, obj: Any = None) -> bool:
    return roles.has_role_for(user, ("moderator",), obj)


@rules.predicate
def is_staff_member(user: Any, obj: Any = None) -> bool:
    return roles.has_role_for(user, ("official", "moderator"), obj)


is_resident = rules.is_authenticated & rules.is_active

rules.add_perm("accounts.manage_roles", is_administrator)
rules.add_perm("organisations.change_organisation", is_administrator | is_official)
rules.add_perm("organisations.change_accessibilitystatement", is_administrator | is_official)
