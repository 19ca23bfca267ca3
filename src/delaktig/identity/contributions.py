"""What the identity app holds: a verified identity, kept as a keyed hash of the personnummer."""

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from delaktig.accounts.types import User
from delaktig.core.contributions import (
    Contribution,
    LegalBasis,
    PersonalData,
    Retention,
    contribute,
    keep,
    staff_records,
)
from delaktig.organisations.models import Organisation

from . import errors
from .models import RegisterEntry, Verification, VerificationCode


def _export(user: User) -> dict[str, Any] | None:
    verification = Verification.objects.filter(user=user).select_related("municipality").first()
    if verification is None:
        return None
    return {
        "method": verification.method,
        "municipality": verification.municipality.code if verification.municipality else None,
        "birth_date": verification.birth_date.isoformat() if verification.birth_date else None,
        "verified_at": verification.verified_at.isoformat(),
    }


def _erase(user: User) -> None:
    Verification.objects.filter(user=user).delete()


def _export_register(user: User) -> dict[str, Any] | None:
    verification = Verification.objects.filter(user=user).first()
    if verification is None:
        return None
    entry = (
        RegisterEntry.objects.filter(identity_hash=verification.identity_hash)
        .select_related("municipality")
        .first()
    )
    if entry is None:
        return None
    return {"municipality": entry.municipality.code, "imported_at": entry.imported_at.isoformat()}


def _expire_register(organisation: Organisation, days: int, now: datetime) -> int:
    """Entries from an extract older than ``days``, for the organisation's municipalities."""
    deleted, _ = RegisterEntry.objects.filter(
        municipality__in=organisation.municipalities.all(),
        imported_at__lt=now - timedelta(days=days),
    ).delete()
    return deleted


def _export_codes(user: User) -> list[dict[str, Any]]:
    return [
        {
            "issued_at": c.issued_at.isoformat(),
            "used_at": c.used_at.isoformat() if c.used_at else None,
            "municipality": c.municipality.code,
            "birth_date": c.birth_date.isoformat() if c.birth_date else None,
        }
        for c in VerificationCode.objects.filter(used_by=user).select_related("municipality")
    ]


def _erase_codes(user: User) -> None:
    """A used code has done its work; the audit log keeps that an official issued one."""
    VerificationCode.objects.filter(used_by=user).delete()


def _expire_codes(organisation: Organisation, days: int, now: datetime) -> int:
    """Codes used, or expired unused, more than ``days`` ago, in the organisation's
    municipalities."""
    cutoff = now - timedelta(days=days)
    deleted, _ = VerificationCode.objects.filter(
        Q(used_at__lt=cutoff) | Q(used_at__isnull=True, expires_at__lt=cutoff),
        municipality__in=organisation.municipalities.all(),
    ).delete()
    return deleted


contribute(
    Contribution(
        app_label="identity",
        errors=errors.MESSAGES,
        personal_data=(
            PersonalData(
                key="verification",
                name=_(
                    "Verifierad identitet och födelsedatum (personnumret bara som nyckelad "
                    "hashning)"
                ),
                purpose=_(
                    "Att bara folkbokförda kan stödja förslag, och bara en gång per person. "
                    "Födelsedatumet sparas för att kontrollera åldersgränser när man röstar, "
                    "till exempel i en medborgarbudget för unga."
                ),
                legal_basis=LegalBasis.LOCAL_GOVERNMENT,
                covers=("identity.Verification.user",),
                export=_export,
                erase=_erase,
                kept_for=_(
                    "Tills du tar bort kontot; en ny inloggning med e-legitimation förnyar den."
                ),
            ),
            PersonalData(
                key="population_register",
                name=_("Folkbokföringsort från folkbokföringsregistret"),
                purpose=_(
                    "Att visa att den som loggar in med e-legitimation är folkbokförd i "
                    "organisationens kommuner, när e-legitimationen inte säger det."
                ),
                legal_basis=LegalBasis.LOCAL_GOVERNMENT,
                covers=("identity.RegisterEntry",),
                export=_export_register,
                # The extract is the authority's copy of the register, keyed by a hash and not
                # by account; the next import replaces it.
                erase=keep,
                on_erasure="kept",
                retention=Retention(
                    key="population_register",
                    name=_("Uppgifter från folkbokföringsregistret"),
                    starts=_("Räknas från importen. Importera ett nytt utdrag innan dess."),
                    default_days=90,
                    apply=_expire_register,
                    min_days=1,
                ),
            ),
            PersonalData(
                key="verification_codes",
                name=_("Verifieringskoder från en tjänsteperson"),
                purpose=_(
                    "Att den som saknar e-legitimation kan verifiera sig efter en kontroll av "
                    "legitimationen på plats. Koden bär födelsedatumet från kontrollen till "
                    "verifieringen."
                ),
                legal_basis=LegalBasis.LOCAL_GOVERNMENT,
                covers=("identity.VerificationCode", "identity.VerificationCode.used_by"),
                export=_export_codes,
                erase=_erase_codes,
                retention=Retention(
                    key="verification_codes",
                    name=_("Verifieringskoder"),
                    starts=_("Räknas från att koden användes eller gick ut."),
                    default_days=90,
                    apply=_expire_codes,
                    min_days=1,
                ),
            ),
            staff_records(
                key="identity_staff",
                fields=("identity.Verification.verified_by", "identity.VerificationCode.issued_by"),
            ),
        ),
    )
)
