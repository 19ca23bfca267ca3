"""Who holds which role where. Loaded once per user object and cached on it."""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from delaktig.organisations.models import Organisation

from .models import Role


def role_set(user: Any) -> frozenset[tuple[str, int | None]]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_delaktig_roles", None)
    if cached is None:
        cached = frozenset(Role.objects.filter(user=user).values_list("kind", "organisation_id"))
        user._delaktig_roles = cached
    return cached


def organisation_id_of(obj: Any) -> int | None:
    """The organisation a thing belongs to: an organisation, a process, or anything in one."""
    if obj is None:
        return None
    from delaktig.organisations.models import Organisation

    if isinstance(obj, Organisation):
        return obj.pk
    for path in ("organisation_id", "process", "module"):
        value = getattr(obj, path, None)
        if value is None:
            continue
        if path == "organisation_id":
            return int(value)
        return organisation_id_of(value)
    return None


def is_administrator(user: Any) -> bool:
    return ("administrator", None) in role_set(user) or bool(getattr(user, "is_superuser", False))


def has_role_for(user: Any, kinds: tuple[str, ...], obj: Any) -> bool:
    if is_administrator(user):
        return True
    organisation_id = organisation_id_of(obj)
    roles = role_set(user)
    if obj is None:
        return any(kind in kinds for kind, _ in roles)
    return any((kind, organisation_id) in roles for kind in kinds)


def staff_organisation_ids(
    user: Any, kinds: tuple[str, ...] = ("official", "moderator")
) -> set[int]:
    return {org for kind, org in role_set(user) if kind in kinds and org is not None}


def official_organisations(user: Any) -> "QuerySet[Organisation]":
    """The organisations a person may act for as an official: all, for an administrator."""
    from delaktig.organisations.models import Organisation

    if is_administrator(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=staff_organisation_ids(user, ("official",)))
