"""Verified identity: who a resident is, known without keeping their personnummer."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Verification(models.Model):
    class Method(models.TextChoices):
        OFFICIAL = "official", _("Kontrollerad av tjänsteperson")
        EID = "eid", _("E-legitimation")
        CODE = "code", _("Kod från tjänsteperson")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verification"
    )
    method = models.CharField(_("sätt"), max_length=20, choices=Method.choices)
    # HMAC of the normalised personnummer or samordningsnummer; the number is never stored.
    identity_hash = models.CharField(max_length=64, db_index=True)
    municipality = models.ForeignKey(
        "organisations.Municipality",
        verbose_name=_("folkbokförd i"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # From the personnummer when it was checked, for age limits (a youth budget votes from 13).
    # Null for verifications made before it was kept: the age is unknown.
    birth_date = models.DateField(_("född"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verifierad"))
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("verifiering")
        verbose_name_plural = _("verifieringar")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.get_method_display()}"


class RegisterEntry(models.Model):
    """One person's municipality of folkbokföring from a population-register extract.

    Imported from a file (a Navet or SPAR extract) by ``manage.py import_population_register``.
    The personnummer is hashed with the same key as verifications on import and never stored.
    An import replaces the whole register, so people who moved away drop out.
    """

    holds_personal_data = True

    identity_hash = models.CharField(max_length=64, unique=True)
    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    imported_at = models.DateTimeField()

    class Meta:
        verbose_name = _("folkbokföringsuppgift")
        verbose_name_plural = _("folkbokföringsuppgifter")

    def __str__(self) -> str:
        return f"{self.identity_hash[:8]}…: {self.municipality_id}"


class VerificationCode(models.Model):
    """A one-time code an official issues after checking a person's identity in person, for
    someone without e-ID (most people under 18 have no BankID). The person enters it in their
    own account to become verified. Only keyed hashes of the code and the personnummer are
    kept, never either in clear."""

    holds_personal_data = True

    code_hash = models.CharField(max_length=64, unique=True)
    identity_hash = models.CharField(max_length=64)
    municipality = models.ForeignKey(
        "organisations.Municipality",
        verbose_name=_("folkbokförd i"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The birth date of the person the official checked, copied to the verification.
    birth_date = models.DateField(_("född"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("verifieringskod")
        verbose_name_plural = _("verifieringskoder")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("issued_at")),
                name="verification_code_expires_after_issue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pk}: {self.municipality_id}"
