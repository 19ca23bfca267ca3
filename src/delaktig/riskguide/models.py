"""Risk and conflict analyses in SKR's three steps (Riskguiden), and contentious marks.

A ``RiskAnalysis`` is about exactly one process, meeting or council. Its ``Risk`` rows carry
all three steps: what could happen and to whom (step 1), how likely and how serious (step 2),
measures and who owns them (step 3). A ``ContentiousMark`` says that a process or a meeting may
stir strong feelings or conflict, so it should have a signed-off analysis. Staff only.
"""

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .levels import LEVEL_LABELS, Level, level
from .workflow import EDITABLE, STATUS_LABELS, Status

if TYPE_CHECKING:
    from delaktig.accounts.types import Visitor

STATUS_CHOICES = [(status.value, STATUS_LABELS[status]) for status in Status]

_ONE_SUBJECT = (
    Q(process__isnull=False, meeting__isnull=True, council__isnull=True)
    | Q(process__isnull=True, meeting__isnull=False, council__isnull=True)
    | Q(process__isnull=True, meeting__isnull=True, council__isnull=False)
)


class SubjectKind(models.TextChoices):
    PROCESS = "process", _("Deltagandeprocess")
    MEETING = "meeting", _("Möte")
    COUNCIL = "council", _("Råd")


class RiskAnalysisQuerySet(models.QuerySet["RiskAnalysis"]):
    def for_reader(self, user: "Visitor") -> "RiskAnalysisQuerySet":
        """The analyses of the organisations where ``user`` is an official, a moderator or
        the security function; all, for an administrator."""
        from delaktig.accounts.roles import is_administrator, staff_organisation_ids

        if is_administrator(user):
            return self.all()
        kinds = ("official", "moderator", "security")
        return self.filter(organisation_id__in=staff_organisation_ids(user, kinds))


class RiskAnalysis(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="risk_analyses",
    )
    title = models.CharField(_("rubrik"), max_length=200)
    background = models.TextField(
        _("bakgrund"),
        blank=True,
        help_text=_("Vad analysen gäller, och vad som redan har hänt, kort."),
    )
    process = models.ForeignKey(
        "participation.Process",
        verbose_name=_("deltagandeprocess"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risk_analyses",
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        verbose_name=_("möte"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risk_analyses",
    )
    council = models.ForeignKey(
        "councils.Council",
        verbose_name=_("råd"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risk_analyses",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=STATUS_CHOICES,
        default=Status.DRAFT.value,
        db_index=True,
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("upprättad av"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("senast ändrad av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated = models.DateTimeField(_("ändrad"), auto_now=True)
    # Who signed off stays on record: accounts are anonymised, never deleted, so PROTECT.
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("godkänd av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(_("godkänd"), null=True, blank=True)
    signoff_note = models.TextField(_("kommentar vid godkännandet"), blank=True)
    # Why it needs re-assessment (an incident, or an official's reason); kept until revised.
    reassessment_cause = models.TextField(_("skäl att bedöma om"), blank=True)

    objects = RiskAnalysisQuerySet.as_manager()

    class Meta:
        verbose_name = _("riskanalys")
        verbose_name_plural = _("riskanalyser")
        ordering = ["-updated", "-id"]
        permissions = [("signoff_riskanalysis", "Can sign off a risk analysis")]
        constraints = [
            models.CheckConstraint(condition=_ONE_SUBJECT, name="riskanalysis_one_subject"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]),
                name="riskanalysis_status_known",
            ),
            models.CheckConstraint(
                condition=Q(status=Status.DRAFT.value)
                | Q(status=Status.SUBMITTED.value)
                | Q(signed_off_by__isnull=False, signed_off_at__isnull=False),
                name="riskanalysis_signed_off_has_who_and_when",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("riskguide:detail", kwargs={"pk": self.pk})

    @property
    def subject(self) -> Any:
        return self.process or self.meeting or self.council

    @property
    def subject_kind(self) -> SubjectKind:
        if self.process_id is not None:
            return SubjectKind.PROCESS
        if self.meeting_id is not None:
            return SubjectKind.MEETING
        return SubjectKind.COUNCIL

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def is_signed_off(self) -> bool:
        return self.status == Status.SIGNED_OFF.value

    def was_written_by(self, user: "Visitor") -> bool:
        """Did ``user`` write or last change this analysis (and so may not sign it off)?"""
        return getattr(user, "pk", None) in {self.prepared_by_id, self.last_edited_by_id}


class Risk(models.Model):
    class Kind(models.TextChoices):
        THREAT = "threat", _("Hot")
        HARASSMENT = "harassment", _("Trakasserier")
        VIOLENCE = "violence", _("Våld")
        HATE = "hate", _("Hat")
        DISRUPTION = "disruption", _("Störning av mötet eller dialogen")
        CONFLICT = "conflict", _("Konflikt mellan grupper")
        OTHER = "other", _("Annat")

    class Exposed(models.TextChoices):
        OFFICIALS = "officials", _("Tjänstepersoner som leder arbetet")
        ELECTED = "elected", _("Förtroendevalda")
        PARTICIPANTS = "participants", _("Deltagare och invånare")
        GROUP = "group", _("En viss grupp")
        PLACE = "place", _("En plats")

    analysis = models.ForeignKey(RiskAnalysis, on_delete=models.CASCADE, related_name="risks")
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    # Step 1: what could happen and to whom.
    description = models.CharField(_("vad kan hända"), max_length=300)
    kind = models.CharField(_("slag av risk"), max_length=20, choices=Kind.choices)
    exposed = models.CharField(_("vem utsätts"), max_length=20, choices=Exposed.choices)
    exposed_detail = models.CharField(_("vilken grupp eller plats"), max_length=200, blank=True)
    # Step 2: how likely and how serious.
    likelihood = models.PositiveSmallIntegerField(_("sannolikhet"), null=True, blank=True)
    consequence = models.PositiveSmallIntegerField(_("konsekvens"), null=True, blank=True)
    # Step 3: measures and who owns them.
    measures = models.TextField(_("åtgärder"), blank=True)
    owner = models.CharField(_("ansvarig"), max_length=200, blank=True)
    due = models.DateField(_("klart senast"), null=True, blank=True)
    done = models.BooleanField(_("genomförd"), default=False)

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risker")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__isnull=True) | Q(likelihood__gte=1, likelihood__lte=4),
                name="risk_likelihood_1_to_4",
            ),
            models.CheckConstraint(
                condition=Q(consequence__isnull=True) | Q(consequence__gte=1, consequence__lte=4),
                name="risk_consequence_1_to_4",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def is_rated(self) -> bool:
        return self.likelihood is not None and self.consequence is not None

    @property
    def level(self) -> Level | None:
        if self.likelihood is None or self.consequence is None:
            return None
        return level(self.likelihood, self.consequence)

    @property
    def level_label(self) -> str:
        current = self.level
        return "" if current is None else str(LEVEL_LABELS[current])


class ContentiousMark(models.Model):
    """A process or meeting that "kan väcka starka känslor eller konflikter"."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    process = models.OneToOneField(
        "participation.Process",
        verbose_name=_("deltagandeprocess"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contentious_mark",
    )
    meeting = models.OneToOneField(
        "meetings.Meeting",
        verbose_name=_("möte"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contentious_mark",
    )
    reason = models.TextField(_("varför"))
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("markerad av"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    marked_at = models.DateTimeField(_("markerad"), auto_now_add=True)
    # When the officials were reminded that no signed-off analysis exists (once per mark).
    reminded_at = models.DateTimeField(_("påmint"), null=True, blank=True)

    class Meta:
        verbose_name = _("markering som känslig")
        verbose_name_plural = _("markeringar som känslig")
        ordering = ["-marked_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(process__isnull=False, meeting__isnull=True)
                | Q(process__isnull=True, meeting__isnull=False),
                name="contentiousmark_process_or_meeting",
            )
        ]

    def __str__(self) -> str:
        return str(self.subject)

    @property
    def subject(self) -> Any:
        return self.process or self.meeting

    @property
    def subject_kind(self) -> SubjectKind:
        return SubjectKind.PROCESS if self.process_id is not None else SubjectKind.MEETING
