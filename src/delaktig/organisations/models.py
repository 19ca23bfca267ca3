"""Organisations (a region and its municipalities), their bodies and settings."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Municipality(models.Model):
    """A Swedish municipality, identified by its SCB kommunkod (4 digits, county first)."""

    code = models.CharField(_("kommunkod"), max_length=4, unique=True)
    name = models.CharField(_("namn"), max_length=100)

    class Meta:
        verbose_name = _("kommun")
        verbose_name_plural = _("kommuner")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{4}$"), name="municipality_code_4_digits"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def county_code(self) -> str:
        return self.code[:2]


class Organisation(models.Model):
    class Kind(models.TextChoices):
        REGION = "region", _("Region")
        MUNICIPALITY = "municipality", _("Kommun")

    name = models.CharField(_("namn"), max_length=150)
    slug = models.SlugField(_("kortnamn"), unique=True)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    # SCB: a region is identified by its county code (2 digits), a municipality by 4 digits.
    scb_code = models.CharField(_("SCB-kod"), max_length=4, unique=True)
    municipalities = models.ManyToManyField(
        Municipality,
        verbose_name=_("kommuner"),
        related_name="organisations",
        blank=True,
        help_text=_("Kommunerna som organisationen omfattar."),
    )
    # The organisation's own host name (``delta.ostersund.se``), which selects its look and the
    # scope of the public lists (``organisations.middleware``). Stored as written in DNS: lower
    # case, an internationalised name in its ASCII form (``xn--``), no port. Set by the
    # platform administrator (``services.organisation_host_save``, checked in ``hosts.py``).
    host = models.CharField(
        _("värdnamn"),
        max_length=253,
        blank=True,
        default="",
        help_text=_(
            "Organisationens egen webbadress utan https://, till exempel delta.ostersund.se. "
            "Tomt: organisationen nås bara på installationens gemensamma adress."
        ),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="region", scb_code__regex=r"^[0-9]{2}$"))
                | Q(kind="municipality", scb_code__regex=r"^[0-9]{4}$"),
                name="organisation_scb_code_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["host"], condition=~Q(host=""), name="organisation_unique_host"
            ),
            models.CheckConstraint(
                condition=Q(host__regex=r"^[a-z0-9.-]*$"), name="organisation_host_lower_ascii"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Body(models.Model):
    """A political body of an organisation: fullmäktige, styrelse or a nämnd."""

    class Kind(models.TextChoices):
        ASSEMBLY = "assembly", _("Fullmäktige")
        EXECUTIVE = "executive", _("Styrelse")
        COMMITTEE = "committee", _("Nämnd")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="bodies",
    )
    name = models.CharField(_("namn"), max_length=150)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)

    class Meta:
        verbose_name = _("organ")
        verbose_name_plural = _("organ")
        ordering = ["organisation", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="body_unique_name"),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(kind="assembly"),
                name="one_assembly_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.name


def default_channels() -> list[str]:
    return ["discussion"]


def default_languages() -> list[str]:
    return ["sv", "en"]


class OpenDataLicence(models.TextChoices):
    """The licences an organisation may choose for its open data (DCAT-AP-SE
    ``dcterms:license``)."""

    CC_BY = "cc-by-4.0", _("CC BY 4.0 (ange källan)")
    CC0 = "cc0-1.0", _("CC0 1.0 (fri användning)")


LICENCE_URIS: dict[str, str] = {
    OpenDataLicence.CC_BY: "http://creativecommons.org/licenses/by/4.0/",
    OpenDataLicence.CC0: "http://creativecommons.org/publicdomain/zero/1.0/",
}


def licence_uri(licence: str) -> str:
    """The licence's URI, as the DCAT catalogue and the API name it."""
    return LICENCE_URIS[licence]


class OrganisationSettings(models.Model):
    """Local rules and contact details. Each organisation sets these itself."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="settings"
    )
    enabled_modules = models.JSONField(
        _("aktiverade kanaler"),
        default=default_channels,
        help_text=_("Vilka deltagandeformer organisationen använder."),
    )
    content_languages = models.JSONField(
        _("språk för innehåll"),
        default=default_languages,
        help_text=_("Språk som innehåll erbjuds på, utöver svenska."),
    )
    contact_email = models.EmailField(
        _("e-post för kontakt"),
        blank=True,
        help_text=_(
            "Publiceras som kontakt för organisationens öppna data (API:t och katalogen för "
            "Sveriges dataportal). Använd en funktionsadress, inte en persons."
        ),
    )
    contact_phone = models.CharField(_("telefon"), max_length=40, blank=True)
    website = models.URLField(_("webbplats"), blank=True)
    open_data_licence = models.CharField(
        _("licens för öppna data"),
        max_length=20,
        choices=OpenDataLicence.choices,
        default=OpenDataLicence.CC_BY,
        help_text=_(
            "Villkoren för att återanvända det som publiceras som öppna data (API, nedladdningar "
            "och katalogen för Sveriges dataportal)."
        ),
    )

    class Meta:
        verbose_name = _("inställningar")
        verbose_name_plural = _("inställningar")

    def __str__(self) -> str:
        return str(self.organisation)


def enabled_module_kinds(organisation: Organisation) -> list[str] | None:
    """The participation modules an organisation has switched on; None if it set none."""
    settings_row = OrganisationSettings.objects.filter(organisation=organisation).first()
    return None if settings_row is None else list(settings_row.enabled_modules)


class AccessibilityStatement(models.Model):
    """Tillgänglighetsredogörelse as lag (2018:1937) and DIGG's model require."""

    class Compliance(models.TextChoices):
        FULL = "full", _("helt förenlig")
        PARTIAL = "partial", _("delvis förenlig")
        NONE = "none", _("inte förenlig")

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="accessibility_statement"
    )
    service_name = models.CharField(_("tjänstens namn"), max_length=150, default="Delaktig")
    compliance = models.CharField(
        _("förenlighet med lagkraven"),
        max_length=10,
        choices=Compliance.choices,
        default=Compliance.PARTIAL,
    )
    non_accessible_content = models.TextField(
        _("innehåll som inte är tillgängligt"),
        blank=True,
        help_text=_("Vad som brister, varför, och vilket alternativ som finns. Markdown."),
    )
    assessment_method = models.TextField(
        _("hur vi har testat webbplatsen"),
        help_text=_("Metod, till exempel egen granskning med automatiska och manuella tester."),
    )
    assessed_on = models.DateField(_("bedömningsdatum"))
    feedback_email = models.EmailField(_("e-post för synpunkter och tillgängliga versioner"))
    feedback_phone = models.CharField(_("telefon för synpunkter"), max_length=40, blank=True)
    updated = models.DateTimeField(_("senast uppdaterad"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    DIGG_COMPLAINT_URL = "https://www.digg.se/tdosanmalan"

    class Meta:
        verbose_name = _("tillgänglighetsredogörelse")
        verbose_name_plural = _("tillgänglighetsredogörelser")

    def __str__(self) -> str:
        return f"{self.service_name} – {self.organisation}"

    def get_absolute_url(self) -> str:
        return reverse("organisations:accessibility", kwargs={"slug": self.organisation.slug})


class RetentionRule(models.Model):
    """How long an organisation keeps one kind of personal data (gallring), in days.

    The kinds and their defaults are declared by the apps in the platform registry
    (``delaktig.core.contributions.Retention``); a row exists only where the organisation
    chose its own time.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="retention_rules"
    )
    key = models.CharField(max_length=80)
    days = models.PositiveIntegerField(_("dagar"))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("gallringsregel")
        verbose_name_plural = _("gallringsregler")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="one_retention_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.key} {self.days}"


def logo_path(instance: "Branding", filename: str) -> str:
    """Where a logo is stored: its version in the name, so that a new logo is a new address."""
    return f"organisations/{instance.organisation.slug}/logo-{instance.version}.png"


class Branding(models.Model):
    """An organisation's own look: its logo and two colours, applied through the stylesheet
    ``/organisation/<slug>/profil.css`` (``views.brand_stylesheet``).

    The colours are checked for contrast before they are saved (``colours.py``); the logo is
    stored re-encoded as PNG without metadata (``core.images``), never as uploaded.
    """

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="branding"
    )
    primary_colour = models.CharField(
        _("huvudfärg"),
        max_length=7,
        blank=True,
        help_text=_(
            "Sidhuvudets bakgrund, länkar och knappar, till exempel #00457a. Tomt: "
            "plattformens egen färg."
        ),
    )
    accent_colour = models.CharField(
        _("accentfärg"),
        max_length=7,
        blank=True,
        help_text=_("Markeringar och diagram, till exempel #7a2e00. Tomt: plattformens egen färg."),
    )
    logo = models.FileField(_("logotyp"), upload_to=logo_path, blank=True)
    logo_alt = models.CharField(
        _("alternativtext för logotypen"),
        max_length=200,
        blank=True,
        help_text=_("Vad logotypen föreställer, för den som inte ser den. Krävs med logotyp."),
    )
    logo_width = models.PositiveIntegerField(null=True, blank=True)
    logo_height = models.PositiveIntegerField(null=True, blank=True)
    # Goes up with every save: the stylesheet's and the logo's addresses carry it, so that a
    # browser may keep them for a year and still sees a change at once.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("profil")
        verbose_name_plural = _("profiler")
        constraints = [
            models.CheckConstraint(
                condition=Q(primary_colour="") | Q(primary_colour__regex=r"^#[0-9a-f]{6}$"),
                name="branding_primary_colour_hex",
            ),
            models.CheckConstraint(
                condition=Q(accent_colour="") | Q(accent_colour__regex=r"^#[0-9a-f]{6}$"),
                name="branding_accent_colour_hex",
            ),
        ]

    def __str__(self) -> str:
        return str(self.organisation)

    @property
    def has_colours(self) -> bool:
        return bool(self.primary_colour or self.accent_colour)

    def stylesheet_url(self) -> str:
        url = reverse("organisations:brand_stylesheet", kwargs={"slug": self.organisation.slug})
        return f"{url}?v={self.version}"

    def logo_url(self) -> str:
        return reverse(
            "organisations:logo",
            kwargs={"slug": self.organisation.slug, "version": self.version},
        )
