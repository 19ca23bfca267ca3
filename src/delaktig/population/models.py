"""Population tables from SCB: people by region × age group × sex, for weighting surveys."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from delaktig.insights.suppression import AGE_GROUPS


class PopulationTable(models.Model):
    """One imported table, e.g. 'Folkmängd 31 december 2024' for the region's municipalities."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="population_tables",
    )
    name = models.CharField(_("namn"), max_length=200)
    year = models.PositiveSmallIntegerField(_("år"))
    source = models.CharField(
        _("källa"),
        max_length=300,
        blank=True,
        help_text=_("Till exempel SCB:s tabell BE0101N1 och hämtningsdatum."),
    )
    is_synthetic = models.BooleanField(
        _("påhittade siffror"),
        default=False,
        help_text=_("Markera om siffrorna inte är verklig statistik, till exempel i en demo."),
    )
    filename = models.CharField(_("filnamn"), max_length=255, blank=True)
    source_format = models.CharField(_("filformat"), max_length=20, blank=True)
    imported_at = models.DateTimeField(_("importerad"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("befolkningstabell")
        verbose_name_plural = _("befolkningstabeller")
        ordering = ["-year", "-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class PopulationCount(models.Model):
    table = models.ForeignKey(PopulationTable, on_delete=models.CASCADE, related_name="counts")
    # SCB's code: "00" the whole country, two digits a county, four digits a municipality.
    region_code = models.CharField(_("regionkod"), max_length=4)
    region_name = models.CharField(_("region"), max_length=100, blank=True)
    age_group = models.CharField(
        _("åldersgrupp"), max_length=10, choices=[(a, a) for a in AGE_GROUPS]
    )
    sex = models.CharField(
        _("kön"), max_length=10, choices=[("kvinna", _("Kvinna")), ("man", _("Man"))]
    )
    count = models.PositiveIntegerField(_("antal"))

    class Meta:
        verbose_name = _("befolkningsantal")
        verbose_name_plural = _("befolkningsantal")
        constraints = [
            models.UniqueConstraint(
                fields=["table", "region_code", "age_group", "sex"], name="population_cell_once"
            ),
            models.CheckConstraint(
                condition=Q(region_code__regex=r"^([0-9]{2}|[0-9]{4})$"),
                name="population_region_code_scb",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.age_group} {self.sex}: {self.count}"
