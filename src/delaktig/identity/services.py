import hashlib
import hmac
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from delaktig.accounts.roles import staff_organisation_ids
from delaktig.accounts.types import User
from delaktig.core.audit import audit_log
from delaktig.core.errors import RateLimited, ValidationFailed, require_perm
from delaktig.organisations.models import Municipality, Organisation

from .models import Verification, VerificationCode
from .personnummer import InvalidIdentityNumber, identity_hash, parse


def hash_key() -> bytes:
    configured = getattr(settings, "DELAKTIG_IDENTITY_HASH_KEY", "")
    if configured:
        return str(configured).encode()
    return hashlib.sha256(f"delaktig-identity:{settings.SECRET_KEY}".encode()).digest()


def identity_of(text: str) -> tuple[str, date]:
    """The keyed hash of a personnummer or samordningsnummer and the birth date it gives (for
    a samordningsnummer the real day, without the 60). Raises ValidationFailed if invalid."""
    try:
        number = parse(text, today=timezone.localdate())
    except InvalidIdentityNumber:
        raise ValidationFailed("identity.invalid_number", field="identity_number") from None
    return identity_hash(number, key=hash_key()), number.birth_date


def hash_identity_number(text: str) -> str:
    """The keyed hash alone, for callers that do not need the birth date."""
    return identity_of(text)[0]


def _save(
    *,
    user: User,
    method: str,
    digest: str,
    birth_date: date | None,
    municipality: Municipality | None,
    actor: User | None,
) -> Verification:
    verification, _created = Verification.objects.update_or_create(
        user=user,
        defaults={
            "method": method,
            "identity_hash": digest,
            "birth_date": birth_date,
            "municipality": municipality,
            "verified_at": timezone.now(),
            "verified_by": actor,
        },
    )
    return verification


def _acting_organisation(actor: User, municipality: Municipality | None) -> Organisation | None:
    """The verifying official's organisation that covers the municipality, so that its audit
    log shows the action."""
    if municipality is None:
        return None
    return municipality.organisations.filter(
        pk__in=staff_organisation_ids(actor, ("official",))
    ).first()


def verification_by_official(
    *, actor: User, user: User, identity_number: str, municipality: Municipality
) -> Verification:
    """An official has seen proof of identity and folkbokföring, and records it."""
    require_perm(actor, "identity.verify_resident", municipality)
    digest, birth_date = identity_of(identity_number)
    with transaction.atomic():
        verification = _save(
            user=user,
            method=Verification.Method.OFFICIAL,
            digest=digest,
            birth_date=birth_date,
            municipality=municipality,
            actor=actor,
        )
        audit_log(
            actor=actor,
            action="identity.verify",
            target=verification,
            organisation=_acting_organisation(actor, municipality),
            data={"municipality": getattr(municipality, "code", None)},
        )
    return verification


def verification_from_eid(
    *, user: User, digest: str, birth_date: date | None, municipality: Municipality | None
) -> Verification:
    """An e-ID broker vouched for the person; ``digest`` is the keyed hash of the
    personnummer it sent and ``birth_date`` the birth date in it (``identity_of``), the number
    itself is never kept."""
    with transaction.atomic():
        return _save(
            user=user,
            method=Verification.Method.EID,
            digest=digest,
            birth_date=birth_date,
            municipality=municipality,
            actor=None,
        )


# --- One-time codes for residents without e-ID ---

# No 0/O, 1/I/L: a code is read off a slip of paper and typed on a phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12  # about 59 bits
# Wrong codes a person may enter before being asked to wait.
CODE_ATTEMPTS = (5, 15 * 60)


def normalise_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def _code_hash(code: str) -> str:
    return hmac.new(hash_key(), f"code:{normalise_code(code)}".encode(), "sha256").hexdigest()


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def verification_code_issue(
    *, actor: User, identity_number: str, municipality: Municipality
) -> tuple[VerificationCode, str]:
    """An official has seen proof of identity and folkbokföring of someone without e-ID and
    gives them a one-time code. Returns the code in clear once; only its hash is kept."""
    require_perm(actor, "identity.verify_resident", municipality)
    digest, birth_date = identity_of(identity_number)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    now = timezone.now()
    with transaction.atomic():
        issued = VerificationCode.objects.create(
            code_hash=_code_hash(code),
            identity_hash=digest,
            birth_date=birth_date,
            municipality=municipality,
            issued_by=actor,
            issued_at=now,
            expires_at=now + timedelta(days=settings.DELAKTIG_VERIFICATION_CODE_DAYS),
        )
        audit_log(
            actor=actor,
            action="identity.code_issue",
            target=issued,
            organisation=_acting_organisation(actor, municipality),
            data={"municipality": municipality.code, "expires_at": issued.expires_at.isoformat()},
        )
    return issued, format_code(code)


def verification_code_redeem(*, actor: User, code: str) -> Verification:
    """The person enters the code in their own account and becomes verified, once."""
    attempts_key = f"identity:code-attempts:{actor.pk}"
    limit, window = CODE_ATTEMPTS
    if int(cache.get(attempts_key, 0)) >= limit:
        raise RateLimited("identity.too_many_code_attempts", field="code")
    now = timezone.now()
    with transaction.atomic():
        issued = (
            VerificationCode.objects.select_for_update()
            .filter(code_hash=_code_hash(code), used_at__isnull=True, expires_at__gt=now)
            .first()
        )
        if issued is None:
            cache.add(attempts_key, 0, window)
            cache.incr(attempts_key)
            raise ValidationFailed("identity.invalid_code", field="code")
        current = Verification.objects.filter(user=actor).first()
        if current is not None and current.identity_hash != issued.identity_hash:
            raise ValidationFailed("identity.other_person", field="code")
        issued.used_at = now
        issued.used_by = actor
        issued.save(update_fields=["used_at", "used_by"])
        return _save(
            user=actor,
            method=Verification.Method.CODE,
            digest=issued.identity_hash,
            # A code issued before birth dates were kept has none; the same person's
            # earlier verification may know it.
            birth_date=issued.birth_date or (current.birth_date if current else None),
            municipality=issued.municipality,
            actor=issued.issued_by,
        )
