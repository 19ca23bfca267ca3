from django.db import models
from django.utils.translation import gettext_lazy as _

from delaktig.organisations.models import Organisation


class Dump(models.Model):
    """The latest nightly ZIP of one dataset of one organisation (opendata/dumps.py)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="open_data_dumps"
    )
    dataset = models.CharField(_("datamängd"), max_length=80)
    file = models.FileField(_("fil"), upload_to="oppna-data/", max_length=300)
    size = models.PositiveBigIntegerField(_("storlek i byte"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    rows = models.JSONField(_("rader per fil"), default=dict)
    made_at = models.DateTimeField(_("skapad"))

    class Meta:
        verbose_name = _("nedladdning")
        verbose_name_plural = _("nedladdningar")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "dataset"], name="opendata_one_dump_per_dataset"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation.slug}/{self.dataset}.zip"
