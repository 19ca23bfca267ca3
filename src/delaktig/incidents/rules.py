"""Who may do what with the incident log.

Reading an incident is confined on purpose: the security function (säkerhetsfunktion) of the
incident's organisation, the person who reported it and the person concerned, and the security
function of an organisation it was shared with (read-only). Administrators, officials and
moderators are not included: ``is_security`` does not reach administrators
(``roles.holds_role_for``). Anyone who holds a role in an organisation (official, elected,
moderator, security) may report an incident to it.
"""

from typing import Any

import rules

from delaktig.accounts.predicates import is_resident, is_security
from delaktig.accounts.roles import holds_role_for
from delaktig.accounts.types import Visitor

REPORTING_ROLES = ("official", "elected", "moderator", "security")


@rules.predicate
def holds_a_role(user: Visitor, obj: Any = None) -> bool:
    """An official, elected representative, moderator or security function of the object's
    organisation (of any, with no object). Administrators only through a role of their own."""
    return holds_role_for(user, REPORTING_ROLES, obj)


@rules.predicate
def is_reporter_or_concerned(user: Visitor, incident: Any = None) -> bool:
    pk = getattr(user, "pk", None)
    return bool(
        pk is not None
        and incident is not None
        and pk
        in {getattr(incident, "reported_by_id", None), getattr(incident, "concerned_user_id", None)}
    )


@rules.predicate
def is_security_shared_with(user: Visitor, incident: Any = None) -> bool:
    """The security function of an organisation the incident is shared with, while shared."""
    shares = getattr(incident, "shares", None)
    if shares is None or incident is None or incident.pk is None:
        return False
    from delaktig.accounts.roles import staff_organisation_ids

    mine = staff_organisation_ids(user, ("security",))
    return bool(mine) and shares.active().filter(organisation_id__in=mine).exists()


# On an organisation: may report an incident to it.
rules.add_perm("incidents.add_incident", is_resident & holds_a_role)
# On an incident: may read it.
rules.add_perm(
    "incidents.view_incident",
    is_resident & (is_security | is_reporter_or_concerned | is_security_shared_with),
)
# On an incident: handle it (status, police report, support, follow-up) and change its details.
rules.add_perm("incidents.change_incident", is_security)
# On an incident: share it with, and revoke it from, another organisation's security function.
rules.add_perm("incidents.share_incident", is_security)
# On an organisation: the log, its yearly statistics and its exports.
rules.add_perm("incidents.view_incidentlog", is_security)
rules.add_perm("incidents.export_incident", is_security)
