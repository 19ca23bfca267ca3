import hashlib
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delaktig.accounts.roles import staff_organisation_ids
from delaktig.core.audit import audit_log
from delaktig.core.errors import PermissionDenied, ValidationFailed

from .models import Verification
from .personnummer import InvalidIdentityNumber, identity_hash, parse


def hash_key() -> bytes:
    configured = getattr(settings, "DELAKTIG_IDENTITY_HASH_KEY", "")
    if configured:
        return str(configured).encode()
    return hashlib.sha256(f"delaktig-identity:{settings.SECRET_KEY}".encode()).digest()


def hash_identity_number(text: str) -> str:
    try:
        number = parse(text, today=timezone.localdate())
    except InvalidIdentityNumber:
        raise ValidationFailed(
            _("Personnumret eller samordningsnumret är inte giltigt. Kontrollera siffrorna.")
        ) from None
    return identity_hash(number, key=hash_key())


def _save(*, user: Any, method: str, digest: str, municipality: Any, actor: Any) -> Verification:
    verification, _created = Verification.objects.update_or_create(
        user=user,
        defaults={
            "method": method,
            "identity_hash": digest,
            "municipality": municipality,
            "verified_at": timezone.now(),
            "verified_by": actor,
        },
    )
    return verification


def verification_by_official(
    *, actor: Any, user: Any, identity_number: str, municipality: Any
) -> Verification:
    """An official has seen proof of identity and folkbokföring, and records it."""
    if not actor.has_perm("identity.verify_resident", municipality):
        raise PermissionDenied()
    digest = hash_identity_number(identity_number)
    with transaction.atomic():
        verification = _save(
            user=user,
            method=Verification.Method.OFFICIAL,
            digest=digest,
            municipality=municipality,
            actor=actor,
        )
        # Logged under the verifying official's organisation, so its audit log shows it.
        organisation = (
            municipality.organisations.filter(
                pk__in=staff_organisation_ids(actor, ("official",))
            ).first()
            if municipality is not None
            else None
        )
        audit_log(
            actor=actor,
            action="identity.verify",
            target=verification,
            organisation=organisation,
            data={"municipality": getattr(municipality, "code", None)},
        )
    return verification


def verification_from_eid(*, user: Any, digest: str, municipality: Any) -> Verification:
    """An e-ID broker vouched for the person; ``digest`` is the keyed hash of the
    personnummer it sent (``hash_identity_number``), the number itself is never kept."""
    with transaction.atomic():
        return _save(
            user=user,
            method=Verification.Method.EID,
            digest=digest,
            municipality=municipality,
            actor=None,
        )
