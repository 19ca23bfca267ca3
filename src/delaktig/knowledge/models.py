"""The knowledge bank: an organisation's information and training package on threats, hate,
harassment and respectful debate, for its officials and elected representatives.

Sections (``Section``) hold parts (``Part``): a page written in Markdown, a link or an uploaded
PDF, each with an estimated time and an audience. A reader marks a part as gone through
(``Completion``, one row per person and part), which the region follows up per role and part.
"""

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .workflow import STATUS_LABELS, Status

STATUS_CHOICES = [(status.value, STATUS_LABELS[status]) for status in Status]

# The roles in an organisation that make a person a reader of its knowledge bank, and whose
# completions the follow-up counts. Officials, moderators and the security function are
# tjänstepersoner; elected representatives are förtroendevalda.
READER_ROLES = ("official", "moderator", "security", "elected")
OFFICIAL_ROLES = frozenset({"official", "moderator", "security"})


class Audience(models.TextChoices):
    OFFICIALS = "officials", _("Tjänstepersoner")
    ELECTED = "elected", _("Förtroendevalda")
    BOTH = "both", _("Tjänstepersoner och förtroendevalda")


class Kind(models.TextChoices):
    PAGE = "page", _("Sida")
    LINK = "link", _("Länk")
    DOCUMENT = "document", _("Dokument (PDF)")


def audiences_for(role_kinds: Iterable[str]) -> frozenset[str]:
    """The audiences a person with these roles in an organisation belongs to."""
    kinds = set(role_kinds)
    audiences = {Audience.BOTH.value}
    if kinds & OFFICIAL_ROLES:
        audiences.add(Audience.OFFICIALS.value)
    if "elected" in kinds:
        audiences.add(Audience.ELECTED.value)
    return frozenset(audiences)


class Section(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="knowledge_sections",
    )
    title = models.CharField(_("rubrik"), max_length=200)
    introduction = models.TextField(
        _("inledning"),
        blank=True,
        help_text=_("En eller två meningar om vad avsnittet tar upp."),
    )
    position = models.PositiveIntegerField(_("plats i ordningen"), default=0)
    created = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("avsnitt i kunskapsbanken")
        verbose_name_plural = _("avsnitt i kunskapsbanken")
        ordering = ["organisation", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "title"], name="knowledge_section_title_unique"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Part(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="knowledge_parts",
    )
    section = models.ForeignKey(
        Section, verbose_name=_("avsnitt"), on_delete=models.PROTECT, related_name="parts"
    )
    kind = models.CharField(_("slag av del"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("rubrik"), max_length=200)
    summary = models.CharField(
        _("kort beskrivning"),
        max_length=300,
        blank=True,
        help_text=_("Visas i listan över delar."),
    )
    body = models.TextField(_("text"), blank=True)
    url = models.URLField(_("adress"), max_length=500, blank=True)
    document = models.FileField(_("dokument"), upload_to="knowledge/%Y/", blank=True)
    document_name = models.CharField(_("dokumentets filnamn"), max_length=200, blank=True)
    document_size = models.PositiveIntegerField(_("dokumentets storlek"), default=0)
    minutes = models.PositiveSmallIntegerField(_("beräknad tid i minuter"))
    audience = models.CharField(
        _("för vem"), max_length=20, choices=Audience.choices, default=Audience.BOTH
    )
    is_public = models.BooleanField(
        _("visas för alla"),
        default=False,
        help_text=_(
            "Också invånare och besökare kan läsa delen, till exempel hur ni modererar. "
            "Annars läser bara organisationens personal och förtroendevalda den."
        ),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=STATUS_CHOICES, default=Status.DRAFT.value
    )
    position = models.PositiveIntegerField(_("plats i ordningen"), default=0)
    published_at = models.DateTimeField(_("publicerad"), null=True, blank=True)
    # When the content (text, address or document) last changed: a reader who went through the
    # part before that is told it has changed.
    content_changed_at = models.DateTimeField(_("innehållet ändrat"))
    created = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated = models.DateTimeField(_("ändrad"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("skapad av"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("senast ändrad av"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("del i kunskapsbanken")
        verbose_name_plural = _("delar i kunskapsbanken")
        ordering = ["section__position", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=Kind.PAGE) & ~Q(body=""))
                | (Q(kind=Kind.LINK) & ~Q(url=""))
                | (Q(kind=Kind.DOCUMENT) & ~Q(document="")),
                name="knowledge_part_has_its_content",
            ),
            models.CheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=600), name="knowledge_part_minutes"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]), name="knowledge_part_status"
            ),
            models.CheckConstraint(
                condition=Q(audience__in=Audience.values), name="knowledge_part_audience"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:part", kwargs={"slug": self.organisation.slug, "pk": self.pk})

    def get_staff_url(self) -> str:
        return reverse("knowledge_staff:part_edit", kwargs={"pk": self.pk})

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED.value

    def is_for(self, audiences: frozenset[str]) -> bool:
        """Is the part meant for someone in ``audiences`` (see :func:`audiences_for`)?"""
        return self.audience == Audience.BOTH.value or self.audience in audiences


class Completion(models.Model):
    """A person has gone through a part: one row per person and part."""

    part = models.ForeignKey(
        Part, verbose_name=_("del"), on_delete=models.CASCADE, related_name="completions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="knowledge_completions",
    )
    completed_at = models.DateTimeField(_("genomgången"))

    holds_personal_data = True

    class Meta:
        verbose_name = _("genomgången del")
        verbose_name_plural = _("genomgångna delar")
        constraints = [
            models.UniqueConstraint(fields=["part", "user"], name="knowledge_completion_once")
        ]

    def __str__(self) -> str:
        return f"{self.part} · {self.completed_at:%Y-%m-%d}"
