"""E-ID login: an OpenID Connect broker vouches for the person; we keep a keyed hash."""

import logging
from typing import Any

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.http import HttpRequest

from delaktig.accounts.types import User
from delaktig.core.errors import ValidationFailed

from .residency import municipality_for
from .services import identity_of, verification_from_eid

logger = logging.getLogger(__name__)


def claims_of(sociallogin: Any) -> dict[str, Any]:
    """Claims from the ID token and the userinfo endpoint (userinfo wins)."""
    data = sociallogin.account.extra_data or {}
    merged: dict[str, Any] = {}
    for part in ("id_token", "userinfo"):
        if isinstance(data.get(part), dict):
            merged.update(data[part])
    if not merged and isinstance(data, dict):
        merged.update(data)
    return merged


def verify_from_claims(user: User, claims: dict[str, Any]) -> bool:
    number = claims.get(settings.DELAKTIG_EID_NATIONAL_ID_CLAIM)
    if not number:
        logger.warning(
            "e-ID broker sent no %s claim; check DELAKTIG_EID_PRESET",
            settings.DELAKTIG_EID_NATIONAL_ID_CLAIM,
        )
        return False
    try:
        digest, birth_date = identity_of(str(number))
    except ValidationFailed:
        logger.warning("e-ID broker sent an invalid identity number claim")
        return False
    municipality = municipality_for(digest=digest, claims=claims)
    verification_from_eid(
        user=user, digest=digest, birth_date=birth_date, municipality=municipality
    )
    return True


class EidAdapter(DefaultSocialAccountAdapter):
    def save_user(self, request: HttpRequest, sociallogin: Any, form: Any = None) -> Any:
        user = super().save_user(request, sociallogin, form)
        verify_from_claims(user, claims_of(sociallogin))
        return user

    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        # A returning person: refresh the verification (municipality may have changed).
        if sociallogin.is_existing:
            verify_from_claims(sociallogin.user, claims_of(sociallogin))
