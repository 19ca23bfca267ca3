"""Medborgarbudget: ideas, the ballot, who has voted, the anonymous ballots and paper entry.

Ballot secrecy rests on keeping two things apart:

- :class:`Voter` is the voting register (röstlängd): that a person (by the keyed hash of their
  personnummer) has used their vote, digitally or on paper. It never says how.
- :class:`Ballot` is the choice, with a receipt code and no person, no time and a random
  primary key (so neither the row order nor a sequence number lines it up with the register).
  While the vote is open a digital ballot carries ``key``, a keyed hash of the voter's identity
  made with a secret that is not in the database, so that the voter can change their ballot;
  counting erases every key, after which nobody can link a ballot to a person.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from delaktig.participation.models import ProcessModule
from delaktig.translations.models import TranslatedModel

from .workflow import (
    BUDGET_STATUS_LABELS,
    PROJECT_STATUS_LABELS,
    BudgetStatus,
    ProjectStatus,
)

PROJECT_KIND = "budgeting.project"


class Method(models.TextChoices):
    KNAPSACK = "knapsack", _("Budgetröstsedel: välj förslag som ryms i budgeten")
    APPROVAL = "approval", _("Godkännanderöstning: välj upp till ett antal förslag")
    RANKED = "ranked", _("Rangordning: numrera förslagen i den ordning du föredrar dem")


class Channel(models.TextChoices):
    DIGITAL = "digital", _("Digitalt")
    PAPER = "paper", _("På papper")


class Budget(TranslatedModel):
    """The budget of one participation module of kind ``budget``, and its local voting rule."""

    module = models.OneToOneField(ProcessModule, on_delete=models.CASCADE, related_name="budget")
    amount = models.PositiveBigIntegerField(_("budget i kronor"))
    method = models.CharField(
        _("röstningsmetod"), max_length=20, choices=Method.choices, default=Method.KNAPSACK
    )
    max_choices = models.PositiveSmallIntegerField(
        _("högst antal val"),
        null=True,
        blank=True,
        help_text=_("Hur många förslag en röstsedel får ta upp (godkännande och rangordning)."),
    )
    min_age = models.PositiveSmallIntegerField(_("lägsta ålder"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("högsta ålder"), null=True, blank=True)
    municipalities = models.ManyToManyField(
        "organisations.Municipality",
        verbose_name=_("folkbokförd i"),
        blank=True,
        related_name="+",
        help_text=_("Tomt: alla kommuner i organisationen."),
    )
    rules_text = models.TextField(
        _("reglerna i klartext"),
        blank=True,
        help_text=_("Vem får rösta, hur rösterna räknas och vad som händer med vinnarna."),
    )
    population_table = models.ForeignKey(
        "population.PopulationTable",
        verbose_name=_("befolkningstabell"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=[(s.value, label) for s, label in BUDGET_STATUS_LABELS.items()],
        default=BudgetStatus.DRAFT.value,
    )
    ballot_fixed_at = models.DateTimeField(null=True, blank=True)
    counted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The stored count (``services.result_data``): the tally, the rounds and the figures.
    result = models.JSONField(null=True, blank=True)

    translated_fields = ("rules_text",)
    markdown_fields = ("rules_text",)

    class Meta:
        verbose_name = _("medborgarbudget")
        verbose_name_plural = _("medborgarbudgetar")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(min_age__lte=models.F("max_age")),
                name="budget_age_range",
            ),
        ]

    def __str__(self) -> str:
        return self.module.title

    def source_language(self) -> str:
        return self.module.process.language


class Category(TranslatedModel):
    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("kategori"), max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    translated_fields = ("name",)

    class Meta:
        verbose_name = _("kategori")
        verbose_name_plural = _("kategorier")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "name"], name="budget_category_once"),
        ]

    def __str__(self) -> str:
        return self.name

    def source_language(self) -> str:
        return self.budget.module.process.language


class Project(TranslatedModel):
    """An idea, and once it is on the ballot, a project residents vote on."""

    holds_personal_data = True

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="projects")
    # The number printed on the ballot, given when the ballot is fixed.
    number = models.PositiveSmallIntegerField(_("nummer på röstsedeln"), null=True, blank=True)
    # The published tie-break order, drawn when the ballot is fixed: a lower lot wins a tie.
    lot = models.PositiveIntegerField(_("lottnummer"), null=True, blank=True)
    title = models.CharField(_("rubrik"), max_length=150)
    description = models.TextField(_("beskrivning"), max_length=4000)
    location = models.CharField(
        _("plats"), max_length=200, blank=True, help_text=_("Var ska det göras?")
    )
    area = models.ForeignKey(
        "organisations.Municipality",
        verbose_name=_("kommun"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("kategori"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
    )
    cost_estimate = models.PositiveIntegerField(
        _("uppskattad kostnad i kronor"), null=True, blank=True
    )
    # The officials' assessment, public.
    cost = models.PositiveIntegerField(_("bedömd kostnad i kronor"), null=True, blank=True)
    feasibility = models.TextField(_("bedömning"), blank=True)
    reason = models.TextField(
        _("skäl"), blank=True, help_text=_("Varför förslaget inte går till omröstning.")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=[(s.value, label) for s, label in PROJECT_STATUS_LABELS.items()],
        default=ProjectStatus.SUBMITTED.value,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    author_name = models.CharField(_("förslagsställare"), max_length=150, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # What happened: the plan activity that carries out a winning project.
    activity = models.ForeignKey(
        "followup.Activity",
        verbose_name=_("aktivitet i handlingsplanen"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="budget_projects",
    )

    translated_fields = ("title", "description", "feasibility", "reason")

    class Meta:
        verbose_name = _("förslag")
        verbose_name_plural = _("förslag")
        ordering = ["number", "pk"]
        # The budget page's order (selectors.public_projects: numbered first, then the newest;
        # ascending is NULLS LAST in PostgreSQL's index, as in the query).
        indexes = [
            models.Index(fields=["budget", "number", "-created", "id"], name="budget_idea_order")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "number"],
                condition=Q(number__isnull=False),
                name="budget_project_number_once",
            ),
            models.UniqueConstraint(
                fields=["budget", "lot"], condition=Q(lot__isnull=False), name="budget_lot_once"
            ),
            models.CheckConstraint(
                condition=~Q(status=ProjectStatus.NOT_ON_BALLOT.value) | ~Q(reason=""),
                name="budget_project_left_off_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=ProjectStatus.ON_BALLOT.value) | Q(cost__gt=0),
                name="budget_project_on_ballot_has_cost",
            ),
        ]

    @property
    def module(self) -> ProcessModule:
        """The budget's participation module: the organisation a permission about the idea is
        asked for (``moderation.moderate_item``) is found through it."""
        return self.budget.module

    def __str__(self) -> str:
        return self.title

    def source_language(self) -> str:
        return self.budget.module.process.language

    @property
    def is_public(self) -> bool:
        return self.status != ProjectStatus.HELD


class Voter(models.Model):
    """The voting register: one row per person who has voted, never how they voted."""

    holds_personal_data = True

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="voters")
    # The keyed hash of the personnummer (as ``identity.Verification``); emptied when the
    # result is published, after which the row only counts.
    identity_hash = models.CharField(max_length=64, blank=True)
    channel = models.CharField(_("sätt"), max_length=10, choices=Channel.choices)
    voted_on = models.DateField(_("röstade"))
    # Only with the voter's consent, for the statistics of who voted.
    age_group = models.CharField(max_length=10, blank=True)
    sex = models.CharField(max_length=20, blank=True)
    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A paper voter is entered in the register by the official who checked their identity.
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("röstande")
        verbose_name_plural = _("röstlängd")
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "identity_hash"],
                condition=~Q(identity_hash=""),
                name="budget_one_vote_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.budget_id}: {self.get_channel_display()}"


class PaperBatch(models.Model):
    """Paper ballots from one place (a library, a youth centre), entered twice by two officials."""

    class Status(models.TextChoices):
        ENTERING = "entering", _("Förs in")
        MISMATCH = "mismatch", _("Inmatningarna skiljer sig")
        ACCEPTED = "accepted", _("Godkänd och räknad")

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="paper_batches")
    place = models.CharField(_("plats"), max_length=150)
    # How many paper voters were entered in the register at the place, from the voter list.
    voters = models.PositiveIntegerField(_("antal röstande enligt röstlängden"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ENTERING
    )
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("omgång röstsedlar på papper")
        verbose_name_plural = _("omgångar röstsedlar på papper")
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return self.place


class PaperEntry(models.Model):
    """One official's entry of a batch: every ballot's code and choices, as read off the paper."""

    batch = models.ForeignKey(PaperBatch, on_delete=models.CASCADE, related_name="entries")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # [[receipt code, [project numbers …] or null for a spoilt ballot], …]
    rows = models.JSONField(default=list)
    submitted_at = models.DateTimeField()

    class Meta:
        verbose_name = _("inmatning")
        verbose_name_plural = _("inmatningar")
        constraints = [
            models.UniqueConstraint(fields=["batch", "entered_by"], name="paper_entry_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}: {self.entered_by_id}"


class PaperCode(models.Model):
    """A receipt code printed on a paper ballot; the ballot's stub is the voter's receipt."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="paper_codes")
    code = models.CharField(max_length=14)
    printed_at = models.DateTimeField()
    used = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["budget", "code"], name="paper_code_once"),
        ]

    def __str__(self) -> str:
        return self.code


class Ballot(models.Model):
    """One counted ballot: the choice and its receipt, with nothing about who cast it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="ballots")
    receipt = models.CharField(_("kvittokod"), max_length=14)
    # Project numbers; for a ranked vote in order of preference. Null: a spoilt paper ballot.
    choices = models.JSONField(null=True, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # While the vote is open: HMAC(ballot key, budget + identity hash), see the module doc.
    key = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001 - unique when set
    batch = models.ForeignKey(
        PaperBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="ballots"
    )

    class Meta:
        verbose_name = _("röstsedel")
        verbose_name_plural = _("röstsedlar")
        ordering = ["receipt"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "receipt"], name="ballot_receipt_once"),
            models.UniqueConstraint(
                fields=["budget", "key"], condition=Q(key__isnull=False), name="ballot_key_once"
            ),
        ]

    def __str__(self) -> str:
        return self.receipt
