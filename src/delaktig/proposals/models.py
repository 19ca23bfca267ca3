"""Medborgarförslag and e-förslag, their supports, and the case that follows."""

import math
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .workflow import PUBLIC_STATUSES, Outcome, Status


def default_report_months() -> list[int]:
    return [4, 10]


def default_reminder_days() -> list[int]:
    return [60, 30, 7]


class ProposalSettings(models.Model):
    """The organisation's local rules for proposals. Nothing here is hard-coded elsewhere."""

    class ThresholdKind(models.TextChoices):
        ABSOLUTE = "absolute", _("Antal stöd")
        PER_MILLE = "per_mille", _("Promille av befolkningen")

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="proposal_settings"
    )
    enabled = models.BooleanField(_("medborgarförslag är tillåtna"), default=False)
    support_phase = models.BooleanField(
        _("e-förslag: förslag samlar stöd först"),
        default=True,
        help_text=_("Av: förslagen går direkt vidare efter kontrollen."),
    )
    threshold_kind = models.CharField(
        _("tröskel"), max_length=12, choices=ThresholdKind.choices, default=ThresholdKind.ABSOLUTE
    )
    threshold_value = models.DecimalField(
        _("tröskelvärde"), max_digits=8, decimal_places=2, default=Decimal(50)
    )
    population = models.PositiveIntegerField(
        _("befolkning"),
        null=True,
        blank=True,
        help_text=_("Behövs när tröskeln anges i promille."),
    )
    support_period_days = models.PositiveSmallIntegerField(_("stödperiod i dagar"), default=90)
    residents_only = models.BooleanField(
        _("bara folkbokförda i organisationens kommuner får lämna och stödja förslag"),
        default=True,
    )
    intake_rules = models.TextField(
        _("regler som visas för invånare"), blank=True, help_text=_("Markdown.")
    )
    repeat_window_months = models.PositiveSmallIntegerField(
        _("samma fråga avgjord inom (månader)"), default=24
    )
    report_months = models.JSONField(
        _("månader då oavslutade förslag redovisas"), default=default_report_months
    )
    case_number_format = models.CharField(
        _("format för diarienummer"),
        max_length=40,
        default="RS/{seq}/{year}",
        help_text=_("{seq} är löpnumret, {year} året."),
    )
    reminder_days = models.JSONField(
        _("påminnelser, dagar före sista dag"), default=default_reminder_days
    )

    class Meta:
        verbose_name = _("regler för medborgarförslag")
        verbose_name_plural = _("regler för medborgarförslag")
        constraints = [
            models.CheckConstraint(
                condition=~Q(threshold_kind="per_mille") | Q(population__isnull=False),
                name="per_mille_threshold_needs_population",
            ),
            models.CheckConstraint(condition=Q(threshold_value__gt=0), name="threshold_positive"),
        ]

    def __str__(self) -> str:
        return str(self.organisation)

    def threshold(self) -> int:
        if self.threshold_kind == self.ThresholdKind.PER_MILLE and self.population:
            return max(1, math.ceil(self.population * self.threshold_value / 1000))
        return max(1, math.ceil(self.threshold_value))


class IntakeRule(models.Model):
    """A reason a proposal may be rejected at intake (avvisas), as the organisation words it."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="intake_rules"
    )
    title = models.CharField(_("regel"), max_length=150)
    explanation = models.TextField(_("förklaring till invånaren"))

    class Meta:
        verbose_name = _("regel vid kontroll")
        verbose_name_plural = _("regler vid kontroll")
        ordering = ["organisation", "id"]

    def __str__(self) -> str:
        return self.title


class Category(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="proposal_categories"
    )
    name = models.CharField(_("namn"), max_length=100)
    skips_support = models.BooleanField(
        _("hoppar över stödinsamlingen"),
        default=False,
        help_text=_("Till exempel förslag som rör nationella minoriteter."),
    )

    class Meta:
        verbose_name = _("kategori")
        verbose_name_plural = _("kategorier")
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="category_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


# The public proposals, as the partial indexes of the public list name them.
PUBLIC = Q(status__in=sorted(s.value for s in PUBLIC_STATUSES))
# What the public list filters by, carried at the end of its sort indexes. (Key columns, not
# ``Index.include``, which SQLite does not have.)
FILTERED = ["status", "organisation", "municipality", "category"]


class ProposalQuerySet(models.QuerySet["Proposal"]):
    def public(self) -> "ProposalQuerySet":
        return self.filter(PUBLIC)


class Proposal(models.Model):
    class StatusChoices(models.TextChoices):
        DRAFT = Status.DRAFT.value, _("Utkast")
        SUBMITTED = Status.SUBMITTED.value, _("Inskickat, kontrolleras")
        REJECTED = Status.REJECTED.value, _("Avvisat")
        WITHDRAWN = Status.WITHDRAWN.value, _("Återkallat")
        COLLECTING = Status.COLLECTING.value, _("Samlar stöd")
        EXPIRED = Status.EXPIRED.value, _("Nådde inte tröskeln")
        LODGED = Status.LODGED.value, _("Väckt, ska diarieföras")
        REGISTERED = Status.REGISTERED.value, _("Diariefört")
        REFERRED = Status.REFERRED.value, _("Under beredning")
        DECISION_PROPOSED = Status.DECISION_PROPOSED.value, _("Förslag till beslut")
        DECIDED = Status.DECIDED.value, _("Beslutat")
        WRITTEN_OFF = Status.WRITTEN_OFF.value, _("Avskrivet")

    class OutcomeChoices(models.TextChoices):
        APPROVED = Outcome.APPROVED.value, _("Bifall")
        REJECTED = Outcome.REJECTED.value, _("Avslag")
        ANSWERED = Outcome.ANSWERED.value, _("Besvarad")

    # organisation, municipality, category and status are indexed together with the list's
    # order (Meta.indexes), which also serves lookups by each alone.
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="proposals",
        db_index=False,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals"
    )
    # The name published with the proposal, as the author gave it when submitting.
    author_name = models.CharField(_("namn som publiceras"), max_length=120)
    title = models.CharField(_("rubrik"), max_length=150)
    body = models.TextField(_("förslag"), max_length=6000)
    background = models.TextField(_("bakgrund"), max_length=6000, blank=True)
    # Redaction (maskning) before publishing: title, body and background above are the
    # proposal as submitted, the record (allmän handling), and never change once it is sent
    # in. When an official removes personal data at intake, the published text is these
    # copies instead (``public_title`` and the others).
    redacted_at = models.DateTimeField(_("personuppgifter borttagna"), null=True, blank=True)
    redacted_title = models.CharField(_("publicerad rubrik"), max_length=150, blank=True)
    redacted_body = models.TextField(_("publicerat förslag"), max_length=6000, blank=True)
    redacted_background = models.TextField(_("publicerad bakgrund"), max_length=6000, blank=True)
    municipality = models.ForeignKey(
        "organisations.Municipality",
        verbose_name=_("berörd kommun"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("kategori"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        db_index=False,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=StatusChoices.choices, default=Status.DRAFT.value
    )
    created = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(_("inskickat"), null=True, blank=True, db_index=True)
    published_at = models.DateTimeField(_("publicerat"), null=True, blank=True)
    support_ends_at = models.DateTimeField(_("stödperioden slutar"), null=True, blank=True)
    support_threshold = models.PositiveIntegerField(_("tröskel"), null=True, blank=True)
    # Kept by support_add and support_withdraw in the transaction that stores the support.
    support_count = models.PositiveIntegerField(_("antal stöd"), default=0)
    threshold_reached_at = models.DateTimeField(null=True, blank=True)
    rejection_rule = models.ForeignKey(
        IntakeRule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("regel"),
    )
    rejection_reason = models.TextField(_("motivering"), blank=True)
    # The case (ärendet) once lodged with fullmäktige.
    case_number = models.CharField(
        _("diarienummer"), max_length=40, null=True, blank=True, unique=True
    )
    registered_on = models.DateField(_("diariefört den"), null=True, blank=True, db_index=True)
    responsible_body = models.ForeignKey(
        "organisations.Body",
        verbose_name=_("beredande nämnd"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    responsible_official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handläggare"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_proposal = models.TextField(_("förslag till beslut"), blank=True)
    outcome = models.CharField(
        _("beslut"), max_length=10, choices=OutcomeChoices.choices, blank=True
    )
    decided_by = models.ForeignKey(
        "organisations.Body",
        verbose_name=_("beslutat av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_on = models.DateField(_("beslutsdatum"), null=True, blank=True)
    minutes_reference = models.CharField(_("protokoll"), max_length=200, blank=True)
    answer = models.TextField(_("svar"), blank=True, help_text=_("Markdown."))
    unfinished_reason = models.TextField(
        _("varför ärendet inte är avgjort"),
        blank=True,
        help_text=_("Redovisas för fullmäktige i rapporten om oavslutade förslag."),
    )
    reported_unfinished_on = models.DateField(
        _("redovisat som oavslutat den"), null=True, blank=True
    )
    last_reminder_days = models.SmallIntegerField(null=True, blank=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("medborgarförslag")
        verbose_name_plural = _("medborgarförslag")
        ordering = ["-submitted_at", "-id"]
        # The public list at 100,000 proposals: its sorts over the public proposals (the
        # newest, the most supported, those closing first), carrying the filtered columns
        # (FILTERED) so that a filter is checked in the index, not in the table, when the list
        # and its count read them in order; and its filters (status, organisation on its own
        # host name, municipality, category) each with the newest first, so that a filter that
        # matches few proposals does not walk them all. Every index is written on every
        # support (the count is in one of them): no more than these.
        indexes = [
            models.Index(fields=["status", "-published_at"], name="proposal_public_list"),
            models.Index(
                fields=["-published_at", "-id", *FILTERED],
                condition=PUBLIC,
                name="proposal_public_newest",
            ),
            models.Index(
                fields=["-support_count", "-published_at", "-id", *FILTERED],
                condition=PUBLIC,
                name="proposal_public_supported",
            ),
            models.Index(
                fields=["support_ends_at", "id"],
                condition=Q(status=Status.COLLECTING.value),
                name="proposal_collecting_closing",
            ),
            models.Index(
                fields=["organisation", "-published_at", "-id"], name="proposal_organisation_newest"
            ),
            models.Index(
                fields=["municipality", "-published_at", "-id"], name="proposal_municipality_newest"
            ),
            models.Index(
                fields=["category", "-published_at", "-id"], name="proposal_category_newest"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=Status.DECIDED.value)
                | (~Q(outcome="") & Q(decided_on__isnull=False)),
                name="decided_has_outcome_and_date",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.WRITTEN_OFF.value)
                | Q(reported_unfinished_on__isnull=False),
                name="written_off_only_after_report",
            ),
            models.CheckConstraint(
                condition=Q(case_number__isnull=True) | Q(registered_on__isnull=False),
                name="case_number_has_registration_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("proposals:detail", kwargs={"pk": self.pk})

    @property
    def is_public(self) -> bool:
        return self.status in {s.value for s in PUBLIC_STATUSES}

    @property
    def status_label(self) -> str:
        """``get_status_display()`` by a lookup in the choices: Django's rebuilds a dictionary
        of every (lazily translated) choice on each call, a third of a list card's cost."""
        return str(self.StatusChoices(self.status).label)

    @property
    def public_title(self) -> str:
        """The title as published: the redacted copy when personal data was removed."""
        return self.redacted_title if self.redacted_at else self.title

    @property
    def public_body(self) -> str:
        return self.redacted_body if self.redacted_at else self.body

    @property
    def public_background(self) -> str:
        return self.redacted_background if self.redacted_at else self.background

    @property
    def public_attachments(self) -> list["Attachment"]:
        """The attachments that are published (prefetch ``attachments`` with lists)."""
        return [a for a in self.attachments.all() if not a.withheld]

    @property
    def public_author_name(self) -> str:
        """The name shown with the proposal: none once the author has deleted the account.

        Deleting the account clears ``author_name``; the account's ``deleted_at`` also covers
        proposals whose author was deleted before that. Select ``author`` with lists.
        """
        return self.author.signed(self.author_name)


class CaseCounter(models.Model):
    """The running number for case numbers, per organisation and year."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="case_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}: {self.last}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"proposals/{instance.proposal_id}/{filename}"


class Attachment(models.Model):
    MAX_SIZE = 10 * 1024 * 1024
    MAX_COUNT = 5

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    # Redaction at intake: an attachment with personal data is kept (the record) but not
    # published; staff and the author still open it.
    withheld = models.BooleanField(_("publiceras inte"), default=False)

    class Meta:
        verbose_name = _("bilaga")
        verbose_name_plural = _("bilagor")

    def __str__(self) -> str:
        return self.original_name


class Support(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Keyed hash of the verified person: one support per person, whatever the account.
    identity_hash = models.CharField(max_length=64)
    wants_updates = models.BooleanField(_("vill ha besked om vad som händer"), default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "identity_hash"], name="support_once"),
            models.UniqueConstraint(fields=["proposal", "user"], name="support_once_per_account"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}:{self.user_id}"


class ProposalEvent(models.Model):
    """The public timeline: every transition, who made it (by role) and when."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, choices=Proposal.StatusChoices.choices)
    to_status = models.CharField(max_length=20, choices=Proposal.StatusChoices.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(blank=True)
    # A correction (rättelse) of registration or decision data: the event it corrects, and
    # what changed, as ``[{"field": ..., "old": ..., "new": ...}]`` (see ``change_lines``).
    corrects = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="corrections"
    )
    changes = models.JSONField(default=list, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.from_status} → {self.to_status}"

    @property
    def is_correction(self) -> bool:
        return self.action == CORRECT

    @property
    def is_redaction(self) -> bool:
        return self.action == REDACT

    def change_lines(self) -> list[str]:
        """What a correction changed, one sentence per field, in the active language."""
        from .corrections import describe_change

        return [describe_change(change) for change in self.changes]


# Timeline entries that are not transitions of the case (``ProposalEvent.action``).
CORRECT = "correct"
REDACT = "redact"
