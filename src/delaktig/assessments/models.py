"""Impact assessments (konsekvensanalyser) made while a decision is prepared.

The questions live in code (``kinds.py``), the answers in ``ImpactAssessment.answers``. An
assessment may concern a participation process, a follow-up activity, or neither (a decision
that stands on its own), but never both. Its life is ``workflow.py``: draft → ready → signed off.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .kinds import KIND_CHOICES, Section, Template, display_answer, template_for
from .workflow import EDITABLE, STATUS_LABELS, Status

if TYPE_CHECKING:
    from delaktig.accounts.types import Visitor

STATUS_CHOICES = [(status.value, STATUS_LABELS[status]) for status in Status]


class ImpactAssessmentQuerySet(models.QuerySet["ImpactAssessment"]):
    def public(self) -> "ImpactAssessmentQuerySet":
        """Signed off and published: public documents anyone may read."""
        return self.filter(status=Status.SIGNED_OFF.value, published=True)

    def for_staff(self, user: "Visitor") -> "ImpactAssessmentQuerySet":
        """Everything of the organisations where ``user`` is staff (official or moderator)."""
        from delaktig.accounts.roles import is_administrator, staff_organisation_ids

        if is_administrator(user):
            return self.all()
        return self.filter(organisation_id__in=staff_organisation_ids(user))


class ImpactAssessment(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="impact_assessments",
    )
    kind = models.CharField(_("slag av analys"), max_length=20, choices=KIND_CHOICES)
    title = models.CharField(_("rubrik"), max_length=200)
    decision_summary = models.TextField(
        _("beslutet som förbereds"),
        blank=True,
        help_text=_("Vilket beslut gäller det, vem beslutar och ungefär när?"),
    )
    process = models.ForeignKey(
        "participation.Process",
        verbose_name=_("deltagandeprocess"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="impact_assessments",
    )
    activity = models.ForeignKey(
        "followup.Activity",
        verbose_name=_("aktivitet"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="impact_assessments",
    )
    answers = models.JSONField(_("svar"), default=dict, blank=True)
    template_version = models.PositiveSmallIntegerField(_("mallens version"))
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
    published = models.BooleanField(
        _("visas på webbplatsen när den är godkänd"),
        default=True,
        help_text=_("En godkänd analys är en allmän handling och visas normalt för alla."),
    )

    objects = ImpactAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("konsekvensanalys")
        verbose_name_plural = _("konsekvensanalyser")
        ordering = ["-updated", "-id"]
        permissions = [("signoff_impactassessment", "Can sign off an impact assessment")]
        constraints = [
            models.CheckConstraint(
                condition=Q(process__isnull=True) | Q(activity__isnull=True),
                name="assessment_process_or_activity",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.SIGNED_OFF.value)
                | Q(signed_off_by__isnull=False, signed_off_at__isnull=False),
                name="assessment_signed_off_has_who_and_when",
            ),
            models.CheckConstraint(
                condition=Q(status=Status.SIGNED_OFF.value)
                | Q(signed_off_by__isnull=True, signed_off_at__isnull=True),
                name="assessment_sign_off_only_when_signed_off",
            ),
            # Four eyes: whoever wrote or last changed it does not sign it off.
            models.CheckConstraint(
                condition=Q(signed_off_by__isnull=True)
                | (~Q(signed_off_by=F("prepared_by")) & ~Q(signed_off_by=F("last_edited_by"))),
                name="assessment_four_eyes",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]),
                name="assessment_status_known",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "kind", "status"]),
            # The public list: signed off and published, the latest signed off first.
            models.Index(
                fields=["-signed_off_at", "-id"],
                condition=Q(status=Status.SIGNED_OFF.value, published=True),
                name="assessment_public_newest",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("assessments:detail", kwargs={"pk": self.pk})

    def get_staff_url(self) -> str:
        return reverse("assessments_staff:detail", kwargs={"pk": self.pk})

    @property
    def template(self) -> Template:
        return template_for(self.kind)

    @property
    def is_public(self) -> bool:
        return self.status == Status.SIGNED_OFF.value and self.published

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def is_ready(self) -> bool:
        """Waiting for someone to sign it off."""
        return self.status == Status.READY

    @property
    def is_signed_off(self) -> bool:
        return self.status == Status.SIGNED_OFF.value

    @property
    def template_changed(self) -> bool:
        """The template has a newer version than the one this assessment was written with."""
        return self.template_version != self.template.version

    def sections_with_answers(self) -> list[tuple[Section, list[str] | str]]:
        """Each section of the template with its answer as people read it."""
        answers = self.answers or {}
        return [(s, display_answer(s, answers.get(s.key))) for s in self.template.sections]

    def was_written_by(self, user: "Visitor") -> bool:
        """Did ``user`` write or last change this assessment (and so may not sign it off)?"""
        return getattr(user, "pk", None) in {self.prepared_by_id, self.last_edited_by_id}
