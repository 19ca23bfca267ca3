"""The shared permission predicates (django-rules): role × organisation × phase.

Every app's ``rules.py`` builds its ``app.verb_model`` permissions from these and from
predicates about its own objects (the author of a proposal, a member of a network). A role
predicate takes the object the permission is asked about and finds its organisation through
:func:`delaktig.accounts.roles.has_role_for`; :func:`phase_allows` asks the object's
participation module whether a running phase allows the action (a module declares its phases and
actions in its ``modules.py``).

    rules.add_perm("discussions.add_comment", is_resident & phase_allows("comment"))
    rules.add_perm("councils.change_referral", is_administrator | is_official)
"""

from typing import Any

import rules
from rules.predicates import Predicate

from delaktig.core.errors import NotAllowedInPhase, require_perm

from . import roles
from .types import Visitor


@rules.predicate
def is_administrator(user: Visitor) -> bool:
    return roles.is_administrator(user)


@rules.predicate
def is_official(user: Visitor, obj: Any = None) -> bool:
    """An official of the organisation the object belongs to (of any, with no object)."""
    return roles.has_role_for(user, ("official",), obj)


@rules.predicate
def is_moderator(user: Visitor, obj: Any = None) -> bool:
    return roles.has_role_for(user, ("moderator",), obj)


@rules.predicate
def is_security(user: Visitor, obj: Any = None) -> bool:
    """The security function (säkerhetsfunktion) of the object's organisation. Administrators
    are not included: the incident log is for the security role and the person concerned."""
    return roles.holds_role_for(user, ("security",), obj)


@rules.predicate
def is_elected(user: Visitor, obj: Any = None) -> bool:
    """An elected representative (förtroendevald) of the object's organisation."""
    return roles.holds_role_for(user, ("elected",), obj)


@rules.predicate
def is_translator(user: Visitor, obj: Any = None) -> bool:
    """A translator of the object's organisation (into the languages their role names)."""
    return roles.holds_role_for(user, ("translator",), obj)


@rules.predicate
def is_staff_member(user: Visitor, obj: Any = None) -> bool:
    """An official or a moderator of the object's organisation."""
    return roles.has_role_for(user, ("official", "moderator"), obj)


# Anyone with an active account: residents take part, whatever else they are.
is_resident = rules.is_authenticated & rules.is_active

# Who runs an organisation's work: its officials, and the platform's administrators.
is_organisation_official = is_administrator | is_official
# Who looks after what is said: officials, moderators and administrators.
is_organisation_staff = is_administrator | is_staff_member


def _module_of(obj: Any) -> Any:
    """The participation module ``obj`` is or belongs to (``.module``), or None."""
    if obj is None:
        return None
    if callable(getattr(obj, "allows", None)) and hasattr(obj, "module_type"):
        return obj
    return getattr(obj, "module", None)


def phase_allows(action: str) -> Predicate:
    """True while a running phase of the object's module allows ``action``.

    The object is a participation module or anything with a ``module`` (a comment, a meeting,
    a referral). An object outside any process (``module`` is None) is not in a phase: combine
    with :data:`outside_process` where that is allowed.
    """

    def check(user: Visitor, obj: Any = None) -> bool:
        module = _module_of(obj)
        return bool(module is not None and module.allows(action))

    return Predicate(check, name=f"phase_allows:{action}")


@rules.predicate
def outside_process(user: Visitor, obj: Any = None) -> bool:
    """The object belongs to no participation module (a meeting of a council, for one)."""
    return obj is not None and getattr(obj, "module_id", None) is None


def require_phase(obj: Any, action: str) -> None:
    """Raise :class:`NotAllowedInPhase` unless a running phase of ``obj``'s module allows
    ``action``. An object outside any process is not held to a phase."""
    module = _module_of(obj)
    if module is not None and not module.allows(action):
        raise NotAllowedInPhase()


def require_perm_in_phase(actor: Any, perm: str, obj: Any, *, action: str) -> None:
    """:func:`~delaktig.core.errors.require_perm` for a phase action, saying which part is
    missing: no phase that allows ``action`` is running (409, "not now"), or the person may not
    (403). The permission itself includes ``phase_allows(action)``; this only picks the error.
    """
    require_phase(obj, action)
    require_perm(actor, perm, obj)
