"""Verified identity: who a resident is, known without keeping their personnummer."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Verification(models.Model):
    class Method(models.TextChoices):
        OFFICIAL = "official", _("Kontrollerad av tjänsteperson")
        EID = "eid", _("E-legitimation")

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
