from typing import Any

from django.db import transaction
from django.utils import timezone

from delaktig.core import contributions
from delaktig.organisations.models import Municipality

from .models import DemographicProfile, User


def demographic_profile_save(
    *, user: User, birth_year: int | None, sex: str, municipality: Municipality | None
) -> DemographicProfile:
    profile, _ = DemographicProfile.objects.update_or_create(
        user=user,
        defaults={
            "birth_year": birth_year,
            "sex": sex,
            "municipality": municipality,
            "consent_given_at": timezone.now(),
        },
    )
    return profile


def demographic_profile_delete(*, user: User) -> None:
    DemographicProfile.objects.filter(user=user).delete()


def personal_data_export(*, user: User) -> dict[str, Any]:
    """Everything the platform holds about a person, as JSON-ready data (GDPR art. 15, 20).

    Each app declares its kinds of personal data in the platform registry; this function
    knows none of them by name.
    """
    return {data.key: data.export(user) for data in contributions.personal_data()}


def account_delete(*, user: User) -> None:
    """Delete an account. What the person published stays as a public record, de-personalised.

    Every app's declared erasure runs in one transaction; the user row is kept last (comments,
    proposals and questions point at it) but holds nothing personal any more.
    """
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        for data in contributions.erasures():
            data.erase(user)
