"""The incident log: threats, harassment and violence against an organisation's officials and
elected representatives (issue 17).

An ``Incident`` is the employer's record of what happened to one person. Only the
organisation's security function and the people it is about (who reported it, the person
concerned) read it; the security function may share it, read-only, with another organisation's
security function in the same county (``IncidentShare``). Its life is ``workflow.py``:
reported → being handled → closed.

The categories follow Brå's survey of elected representatives, Politikernas
trygghetsundersökning (PTU): hot, trakasserier, våld, skadegörelse and stöld; the platform adds
hate online, unwanted contact and "annat" so that every report has a place.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from delaktig.insights.suppression import AGE_GROUPS

from .workflow import OPEN, STATUS_LABELS, Status

if TYPE_CHECKING:
    from delaktig.accounts.types import Visitor

STATUS_CHOICES = [(status.value, STATUS_LABELS[status]) for status in Status]
AGE_BAND_CHOICES = [(band, band) for band in AGE_GROUPS if band != "0–17"]


class Category(models.TextChoices):
    # Brå, Politikernas trygghetsundersökning: the kinds of exposure it asks about.
    THREAT = "hot", _("Hot")
    HARASSMENT = "trakasserier", _("Trakasserier")
    VIOLENCE = "vald", _("Våld")
    DAMAGE = "skadegorelse", _("Skadegörelse")
    THEFT = "stold", _("Stöld eller inbrott")
    # Added by the platform, so that every report has a place.
    HATE_ONLINE = "hat_pa_natet", _("Hat och kränkningar på nätet")
    STALKING = "oonskad_kontakt", _("Oönskad kontakt eller förföljelse")
    OTHER = "annat", _("Annat")


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("Öga mot öga")
    PHONE = "phone", _("Telefon")
    EMAIL = "email", _("E-post")
    SOCIAL_MEDIA = "social_media", _("Sociala medier")
    LETTER = "letter", _("Brev")
    PLATFORM = "platform", _("Här på plattformen")
    OTHER = "other", _("Annat")


class ConcernedRole(models.TextChoices):
    OFFICIAL = "official", _("Tjänsteperson")
    ELECTED = "elected", _("Förtroendevald")
    OTHER = "other", _("Annan")


class Sex(models.TextChoices):
    WOMAN = "kvinna", _("Kvinna")
    MAN = "man", _("Man")
    OTHER = "annat", _("Annat")
    UNDISCLOSED = "vill_inte_ange", _("Vill inte ange")


class Support(models.TextChoices):
    MANAGER = "manager", _("Samtal med chef")
    OCCUPATIONAL_HEALTH = "occupational_health", _("Företagshälsovård")
    SECURITY_MEASURES = "security_measures", _("Säkerhetsåtgärder")
    LEGAL_ADVICE = "legal_advice", _("Juridisk rådgivning")
    CRISIS_SUPPORT = "crisis_support", _("Krisstöd eller samtalsstöd")


class IncidentQuerySet(models.QuerySet["Incident"]):
    def open(self) -> "IncidentQuerySet":
        return self.filter(status__in=[s.value for s in OPEN])

    def about(self, user: "Visitor") -> "IncidentQuerySet":
        """The incidents ``user`` reported or is the person concerned in."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(reported_by=user.pk) | Q(concerned_user=user.pk))


class Incident(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    # Who reported it: the person concerned or a colleague on their behalf.
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rapporterad av"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    concerned_name = models.CharField(_("den utsattas namn"), max_length=200)
    concerned_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("den utsattas konto"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    concerned_role = models.CharField(
        _("den utsattas roll"), max_length=20, choices=ConcernedRole.choices
    )
    concerned_sex = models.CharField(_("kön"), max_length=20, choices=Sex.choices)
    concerned_age_band = models.CharField(
        _("åldersgrupp"), max_length=10, choices=AGE_BAND_CHOICES, blank=True
    )
    category = models.CharField(_("vad slags händelse"), max_length=20, choices=Category.choices)
    description = models.TextField(_("vad hände"))
    occurred_on = models.DateField(_("datum"))
    place = models.CharField(_("var"), max_length=200, blank=True)
    channel = models.CharField(_("hur"), max_length=20, choices=Channel.choices)
    process = models.ForeignKey(
        "participation.Process",
        verbose_name=_("deltagandeprocess"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("möte"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    police_reported = models.BooleanField(_("polisanmäld"), default=False)
    police_case_number = models.CharField(_("polisens diarienummer"), max_length=40, blank=True)
    support = models.JSONField(_("stöd som getts"), default=list, blank=True)
    support_text = models.TextField(_("stöd, beskrivning"), blank=True)
    follow_up = models.TextField(_("uppföljning"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=STATUS_CHOICES,
        default=Status.REPORTED.value,
        db_index=True,
    )
    closed_at = models.DateTimeField(_("avslutad"), null=True, blank=True)
    created = models.DateTimeField(_("rapporterad"), auto_now_add=True)
    updated = models.DateTimeField(_("ändrad"), auto_now=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidenter")
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]),
                name="incident_status_known",
            ),
            models.CheckConstraint(
                condition=Q(status=Status.CLOSED.value) | Q(closed_at__isnull=True),
                name="incident_closed_at_only_when_closed",
            ),
            models.CheckConstraint(
                condition=Q(police_reported=True) | Q(police_case_number=""),
                name="incident_case_number_only_when_reported",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        # Names no one and says nothing of what happened: the audit log shows it.
        return str(_("Incident %(number)s") % {"number": self.pk})

    def get_absolute_url(self) -> str:
        return reverse("incidents:detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def support_labels(self) -> list[str]:
        labels = dict(Support.choices)
        return [str(labels[key]) for key in self.support or [] if key in labels]


class IncidentShareQuerySet(models.QuerySet["IncidentShare"]):
    def active(self) -> "IncidentShareQuerySet":
        return self.filter(revoked_at__isnull=True)


class IncidentShare(models.Model):
    """An incident shared, read-only, with another organisation's security function."""

    incident = models.ForeignKey(
        Incident, verbose_name=_("incident"), on_delete=models.CASCADE, related_name="shares"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("delad med"),
        on_delete=models.CASCADE,
        related_name="shared_incidents",
    )
    reason = models.TextField(_("skäl"))
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delad av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    shared_at = models.DateTimeField(_("delad"), auto_now_add=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delningen upphävd av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("delningen upphävd"), null=True, blank=True)

    objects = IncidentShareQuerySet.as_manager()

    class Meta:
        verbose_name = _("delning av incident")
        verbose_name_plural = _("delningar av incidenter")
        ordering = ["shared_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "organisation"],
                condition=Q(revoked_at__isnull=True),
                name="incident_shared_once_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoked_by__isnull=True)
                | Q(revoked_at__isnull=False, revoked_by__isnull=False),
                name="incident_share_revoked_who_and_when",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident} → {self.organisation}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
