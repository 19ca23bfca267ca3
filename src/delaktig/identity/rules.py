import rules

from delaktig.accounts import roles
from delaktig.accounts.types import Visitor
from delaktig.organisations.models import Municipality


@rules.predicate
def is_official_for_municipality(user: Visitor, municipality: Municipality | None) -> bool:
    """An official of an organisation that covers the municipality (or any, if none given)."""
    if roles.is_administrator(user):
        return True
    organisation_ids = roles.staff_organisation_ids(user, ("official",))
    if not organisation_ids:
        return False
    if municipality is None:
        return True
    return municipality.organisations.filter(pk__in=organisation_ids).exists()


rules.add_perm("identity.verify_resident", is_official_for_municipality)
