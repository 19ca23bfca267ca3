"""What the accounts app holds about a person: the account, e-mail addresses, e-ID links,
staff roles and the voluntary demographic profile."""

from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delaktig.core.contributions import (
    Contribution,
    LegalBasis,
    NotificationKind,
    PersonalData,
    contribute,
)

from .models import DemographicProfile, Role, User


def _export_account(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "email_addresses": list(
            EmailAddress.objects.filter(user=user).values("email", "verified", "primary")
        ),
        "e_id_logins": [
            {"provider": a.provider, "since": a.date_joined.isoformat()}
            for a in SocialAccount.objects.filter(user=user)
        ],
        "roles": [str(r) for r in Role.objects.filter(user=user).select_related("organisation")],
    }


def _erase_account(user: User) -> None:
    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    Role.objects.filter(user=user).delete()
    user.username = f"deleted-{user.pk}"
    user.email = ""
    user.first_name = ""
    user.last_name = ""
    user.display_name = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.deleted_at = user.deleted_at or timezone.now()
    user.set_unusable_password()
    user.save()


def _export_profile(user: User) -> dict[str, Any] | None:
    profile = DemographicProfile.objects.filter(user=user).select_related("municipality").first()
    if profile is None:
        return None
    return {
        "consent_given_at": profile.consent_given_at.isoformat(),
        "birth_year": profile.birth_year,
        "sex": profile.sex,
        "municipality": profile.municipality.code if profile.municipality else None,
    }


def _erase_profile(user: User) -> None:
    DemographicProfile.objects.filter(user=user).delete()


contribute(
    Contribution(
        app_label="accounts",
        notifications=(
            NotificationKind(
                key="accounts.security",
                order=90,
                name=_("Ditt konto"),
                description=_(
                    "Bekräftelse av e-postadress, återställning av lösenord och annat som rör "
                    "ditt kontos säkerhet."
                ),
                required=True,
            ),
        ),
        personal_data=(
            PersonalData(
                key="account",
                name=_("Konto, e-postadresser, e-legitimationskopplingar och roller"),
                purpose=_(
                    "Att du kan logga in, få e-post om det du följer och, för personal, "
                    "arbeta i sin roll."
                ),
                legal_basis=LegalBasis.CONTRACT,
                covers=(
                    "accounts.User",
                    "accounts.Role.user",
                    "account.EmailAddress.user",
                    "socialaccount.SocialAccount.user",
                ),
                export=_export_account,
                erase=_erase_account,
                on_erasure="de-personalised",
                kept_for=_(
                    "Tills du tar bort kontot. Kontots rad finns kvar utan namn och e-post, "
                    "eftersom det du publicerat pekar på den."
                ),
                erase_order=1000,
            ),
            PersonalData(
                key="demographic_profile",
                name=_("Frivilliga uppgifter om dig (födelseår, kön, kommun)"),
                purpose=_(
                    "Statistik över vilka som deltar, bara i grupper om minst fem och aldrig "
                    "kopplad till det du skriver."
                ),
                legal_basis=LegalBasis.CONSENT,
                covers=("accounts.DemographicProfile.user",),
                export=_export_profile,
                erase=_erase_profile,
                kept_for=_("Tills du tar bort uppgifterna eller kontot."),
            ),
        ),
    )
)
