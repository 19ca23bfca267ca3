"""Who holds which role where. Loaded once per user object and cached on it."""

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from delaktig.organisations.models import Organisation

from .models import Role
from .types import Visitor


def role_set(user: Visitor | None) -> frozenset[tuple[str, int | None]]:
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached: frozenset[tuple[str, int | None]] | None = getattr(user, "_delaktig_roles", None)
    if cached is None:
        cached = frozenset(Role.objects.filter(user=user).values_list("kind", "organisation_id"))
        user.__dict__["_delaktig_roles"] = cached
    return cached


def organisation_id_of(obj: object) -> int | None:
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


def is_administrator(user: Visitor | None) -> bool:
    return ("administrator", None) in role_set(user) or bool(getattr(user, "is_superuser", False))


def has_role_for(user: Visitor | None, kinds: tuple[str, ...], obj: object) -> bool:
    if is_administrator(user):
        return True
    organisation_id = organisation_id_of(obj)
    roles = role_set(user)
    if obj is None:
        return any(kind in kinds for kind, _ in roles)
    return any((kind, organisation_id) in roles for kind in kinds)


def holds_role_for(user: Visitor | None, kinds: tuple[str, ...], obj: object) -> bool:
    """:func:`has_role_for` without the administrator's reach: only a ``Role`` row of one of
    ``kinds`` for the object's organisation (for any organisation, with no object) counts. For
    roles whose reading is confined on purpose, such as the security function's."""
    roles = role_set(user)
    if obj is None:
        return any(kind in kinds for kind, _ in roles)
    organisation_id = organisation_id_of(obj)
    return any((kind, organisation_id) in roles for kind in kinds)


def translator_languages(user: Visitor | None, obj: object) -> frozenset[str]:
    """The languages ``user`` translates into for the object's organisation (translator role)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached: dict[int | None, frozenset[str]] | None = getattr(user, "_delaktig_languages", None)
    if cached is None:
        cached = {}
        rows = Role.objects.filter(user=user, kind="translator").values_list(
            "organisation_id", "languages"
        )
        for organisation_id, languages in rows:
            cached[organisation_id] = frozenset(str(code) for code in languages or ())
        user.__dict__["_delaktig_languages"] = cached
    return cached.get(organisation_id_of(obj), frozenset())


def staff_organisation_ids(
    user: Visitor | None, kinds: tuple[str, ...] = ("official", "moderator")
) -> set[int]:
    return {org for kind, org in role_set(user) if kind in kinds and org is not None}


def official_organisations(user: Visitor | None) -> "QuerySet[Organisation]":
    """The organisations a person may act for as an official: all, for an administrator."""
    from delaktig.organisations.models import Organisation

    if is_administrator(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=staff_organisation_ids(user, ("official",)))


def official_organisations_or_403(user: Visitor | None) -> "QuerySet[Organisation]":
    """:func:`official_organisations`, refusing (403) a person who is an official nowhere: the
    first step of a staff page that works on the organisations the person acts for."""
    organisations = official_organisations(user)
    if not organisations.exists():
        raise PermissionDenied
    return organisations
