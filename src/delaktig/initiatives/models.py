from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Initiative(models.Model):
    """A folkinitiativ: residents ask fullmäktige to hold a local referendum."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="initiatives",
    )
    title = models.CharField(_("rubrik"), max_length=200)
    question = models.TextField(_("frågan som ska folkomröstas"))
    initiators = models.CharField(_("initiativtagare"), max_length=200)
    submitted_on = models.DateField(_("inlämnat den"))
    entitled_voters = models.PositiveIntegerField(
        _("röstberättigade"), help_text=_("Antal röstberättigade enligt röstlängden.")
    )
    case_number = models.CharField(_("diarienummer"), max_length=40, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The count of its signatures (counting.count_signatures, without ``required``), made
    # when signatures are registered (services.signatures_register), so that a page does not
    # read every signature; None until then (the pages count the rows).
    counted = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("folkinitiativ")
        verbose_name_plural = _("folkinitiativ")
        ordering = ["-submitted_on", "-id"]
        indexes = [models.Index(fields=["-submitted_on", "-id"], name="initiative_newest_first")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("initiatives:detail", kwargs={"pk": self.pk})


class SignatureList(models.Model):
    class Kind(models.TextChoices):
        PAPER = "paper", _("Papperslista")
        DIGITAL = "digital", _("Digital lista")

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="lists")
    kind = models.CharField(_("typ"), max_length=10, choices=Kind.choices)
    label = models.CharField(
        _("beteckning"), max_length=100, help_text=_("Till exempel listans nummer.")
    )
    received_on = models.DateField(_("mottagen den"))

    class Meta:
        ordering = ["received_on", "id"]

    def __str__(self) -> str:
        return self.label


class Signature(models.Model):
    """One line on a list. The personnummer is kept only as a keyed hash."""

    signature_list = models.ForeignKey(
        SignatureList, on_delete=models.CASCADE, related_name="signatures"
    )
    signed_on = models.DateField(_("datum för underskrift"))
    identity_hash = models.CharField(max_length=64, db_index=True)
    valid = models.BooleanField(
        _("giltig"),
        default=True,
        help_text=_("Namn, adress och egenhändig namnteckning finns och går att läsa."),
    )
    invalid_reason = models.CharField(_("skäl till ogiltighet"), max_length=200, blank=True)

    class Meta:
        ordering = ["signed_on", "id"]

    def __str__(self) -> str:
        return f"{self.signature_list_id}:{self.signed_on}"
