"""Follow-up of strategies and action plans.

A strategy (owned by an organisation, adopted by a body) has goals; an action plan under it has
focus areas with activities. Activities carry a status with progress notes over time and link to
Agenda 2030 targets, the gender-equality sub-goals, perspectives and the participation processes
that informed them. Indicators measure goals over time, by sex where the data allows. External
actors join a strategy and report their own activities; networks group actors for exchange.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delaktig.translations.models import TranslatedModel

from .status import COMMITMENT_STATUS_LABELS, ActivityStatus, CommitmentStatus


class GenderEqualityGoal(models.Model):
    """One of the six sub-goals of gender-equality policy (jämställdhetspolitiska delmål)."""

    class Number(models.IntegerChoices):
        POWER = 1, _("En jämn fördelning av makt och inflytande")
        ECONOMY = 2, _("Ekonomisk jämställdhet")
        EDUCATION = 3, _("Jämställd utbildning")
        UNPAID_WORK = 4, _("Jämn fördelning av det obetalda hem- och omsorgsarbetet")
        HEALTH = 5, _("Jämställd hälsa")
        VIOLENCE = 6, _("Mäns våld mot kvinnor ska upphöra")

    number = models.PositiveSmallIntegerField(unique=True, choices=Number.choices)

    class Meta:
        verbose_name = _("jämställdhetspolitiskt delmål")
        verbose_name_plural = _("jämställdhetspolitiska delmål")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.get_number_display()}"

    @property
    def name(self) -> str:
        return str(self.get_number_display())


class StrategyQuerySet(models.QuerySet["Strategy"]):
    def published(self) -> "StrategyQuerySet":
        return self.filter(published=True)


class Strategy(TranslatedModel):
    """A strategy or policy adopted by a body, e.g. a democracy or gender-equality strategy."""

    translated_fields = ("title", "summary", "body")
    markdown_fields = ("body",)

    class RevisionCycle(models.TextChoices):
        YEARLY = "yearly", _("Varje år")
        TERM = "term", _("En gång per mandatperiod")
        END = "end", _("När perioden löper ut")
        OTHER = "other", _("Annat, se beskrivningen")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("ägare"),
        on_delete=models.CASCADE,
        related_name="strategies",
    )
    title = models.CharField(_("namn"), max_length=200)
    slug = models.SlugField(_("adress"), max_length=80, unique=True)
    summary = models.TextField(_("sammanfattning"), max_length=800)
    body = models.TextField(_("beskrivning"), blank=True, help_text=_("Markdown."))
    adopted_by = models.ForeignKey(
        "organisations.Body",
        verbose_name=_("beslutad av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="strategies",
    )
    decision_date = models.DateField(_("beslutsdatum"), null=True, blank=True)
    decision_reference = models.CharField(
        _("beslutsreferens"),
        max_length=120,
        blank=True,
        help_text=_("Diarienummer eller paragraf i protokollet, till exempel RS/2022/412 § 87."),
    )
    start_year = models.PositiveSmallIntegerField(_("gäller från år"))
    end_year = models.PositiveSmallIntegerField(_("gäller till och med år"))
    revision_cycle = models.CharField(
        _("revideras"), max_length=10, choices=RevisionCycle.choices, default=RevisionCycle.TERM
    )
    next_review = models.DateField(_("nästa revidering"), null=True, blank=True)
    perspectives = models.ManyToManyField(
        "participation.Perspective",
        verbose_name=_("perspektiv"),
        blank=True,
        related_name="strategies",
    )
    joinable = models.BooleanField(
        _("andra aktörer kan ansluta sig"),
        default=False,
        help_text=_(
            "Kommuner, myndigheter, föreningar och företag kan ansluta sig till strategin och "
            "redovisa egna aktiviteter mot dess mål."
        ),
    )
    published = models.BooleanField(_("publicerad"), default=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = StrategyQuerySet.as_manager()

    class Meta:
        verbose_name = _("strategi")
        verbose_name_plural = _("strategier")
        ordering = ["-start_year", "title"]
        indexes = [
            models.Index(fields=["-start_year", "title", "id"], name="strategy_newest_first")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=F("start_year")),
                name="strategy_years_in_order",
                violation_error_message=_("Slutåret kan inte vara före startåret."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("followup:strategy", kwargs={"slug": self.slug})

    @property
    def period(self) -> str:
        return f"{self.start_year}–{self.end_year}"


class Goal(TranslatedModel):
    """A goal of a strategy, e.g. a regional goal under a gender-equality sub-goal."""

    translated_fields = ("title", "description")

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="goals")
    number = models.CharField(
        _("nummer"), max_length=12, help_text=_("Som i strategin, till exempel 1 eller 2.3.")
    )
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    title = models.CharField(_("mål"), max_length=300)
    description = models.TextField(_("beskrivning"), blank=True)
    gender_equality_goals = models.ManyToManyField(
        GenderEqualityGoal,
        verbose_name=_("jämställdhetspolitiska delmål"),
        blank=True,
        related_name="strategy_goals",
    )
    sdg_targets = models.ManyToManyField(
        "participation.SdgTarget",
        verbose_name=_("Agenda 2030-delmål"),
        blank=True,
        related_name="strategy_goals",
    )

    class Meta:
        verbose_name = _("mål")
        verbose_name_plural = _("mål")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "number"], name="goal_number_once"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def organisation_id(self) -> int:
        return self.strategy.organisation_id


class ActionPlan(TranslatedModel):
    """An action plan under a strategy, with focus areas and activities."""

    translated_fields = ("title", "summary")

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="plans")
    title = models.CharField(_("namn"), max_length=200)
    slug = models.SlugField(_("adress"), max_length=80)
    summary = models.TextField(_("sammanfattning"), blank=True, max_length=800)
    start_year = models.PositiveSmallIntegerField(_("gäller från år"))
    end_year = models.PositiveSmallIntegerField(_("gäller till och med år"))
    adopted_by = models.ForeignKey(
        "organisations.Body",
        verbose_name=_("beslutad av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_plans",
    )
    decision_date = models.DateField(_("beslutsdatum"), null=True, blank=True)
    decision_reference = models.CharField(_("beslutsreferens"), max_length=120, blank=True)
    published = models.BooleanField(_("publicerad"), default=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("handlingsplan")
        verbose_name_plural = _("handlingsplaner")
        ordering = ["-start_year", "title"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "slug"], name="plan_slug_once"),
            models.CheckConstraint(
                condition=Q(end_year__gte=F("start_year")),
                name="plan_years_in_order",
                violation_error_message=_("Slutåret kan inte vara före startåret."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("followup:plan", kwargs={"slug": self.strategy.slug, "plan_slug": self.slug})

    @property
    def period(self) -> str:
        return f"{self.start_year}–{self.end_year}"

    @property
    def organisation_id(self) -> int:
        return self.strategy.organisation_id


class FocusArea(TranslatedModel):
    """A focus area (insatsområde) of an action plan."""

    translated_fields = ("title", "description")

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="areas")
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    title = models.CharField(_("namn"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True)
    goals = models.ManyToManyField(
        Goal, verbose_name=_("mål som området bidrar till"), blank=True, related_name="areas"
    )

    class Meta:
        verbose_name = _("insatsområde")
        verbose_name_plural = _("insatsområden")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "title"], name="area_title_once"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def organisation_id(self) -> int:
        return self.plan.strategy.organisation_id


class Activity(TranslatedModel):
    """An activity (aktivitet, insats) in a focus area."""

    # The public texts; the responsible unit and the contact are names, not translated.
    translated_fields = ("title", "description", "status_reason")

    area = models.ForeignKey(FocusArea, on_delete=models.CASCADE, related_name="activities")
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    title = models.CharField(_("aktivitet"), max_length=300)
    description = models.TextField(_("beskrivning"), blank=True)
    responsible_unit = models.CharField(_("ansvarig enhet"), max_length=200, blank=True)
    contact_name = models.CharField(_("kontaktperson"), max_length=150, blank=True)
    contact_email = models.EmailField(_("kontaktpersonens e-post"), blank=True)
    start_year = models.PositiveSmallIntegerField(_("startår"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("slutår"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ActivityStatus.choices,
        default=ActivityStatus.NOT_STARTED,
        db_index=True,
    )
    status_reason = models.TextField(
        _("skäl"),
        blank=True,
        help_text=_("Krävs när aktiviteten skjuts upp eller avbryts."),
    )
    progress = models.PositiveSmallIntegerField(
        _("hur långt har den kommit (procent)"), null=True, blank=True
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    goals = models.ManyToManyField(
        Goal, verbose_name=_("mål"), blank=True, related_name="activities"
    )
    sdg_targets = models.ManyToManyField(
        "participation.SdgTarget",
        verbose_name=_("Agenda 2030-delmål"),
        blank=True,
        related_name="activities",
    )
    gender_equality_goals = models.ManyToManyField(
        GenderEqualityGoal,
        verbose_name=_("jämställdhetspolitiska delmål"),
        blank=True,
        related_name="activities",
    )
    perspectives = models.ManyToManyField(
        "participation.Perspective",
        verbose_name=_("perspektiv"),
        blank=True,
        related_name="activities",
    )
    processes = models.ManyToManyField(
        "participation.Process",
        verbose_name=_("medborgardialoger som låg till grund"),
        blank=True,
        related_name="activities",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("aktivitet")
        verbose_name_plural = _("aktiviteter")
        ordering = ["area__position", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=[ActivityStatus.POSTPONED, ActivityStatus.CANCELLED])
                | ~Q(status_reason=""),
                name="activity_reason_when_postponed_or_cancelled",
                violation_error_message=_(
                    "Skriv skälet till att aktiviteten skjuts upp eller avbryts."
                ),
            ),
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__lte=100),
                name="activity_progress_percent",
                violation_error_message=_(
                    "Ange hur långt aktiviteten har kommit som 0–100 procent."
                ),
            ),
            models.CheckConstraint(
                condition=Q(start_year__isnull=True)
                | Q(end_year__isnull=True)
                | Q(end_year__gte=F("start_year")),
                name="activity_years_in_order",
                violation_error_message=_("Slutåret kan inte vara före startåret."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse(
            "followup:activity",
            kwargs={"slug": self.area.plan.strategy.slug, "pk": self.pk},
        )

    @property
    def is_done(self) -> bool:
        return self.status == ActivityStatus.DONE

    @property
    def code(self) -> str:
        """The activity's number in the plan, e.g. "2.3": area position, activity position."""
        return f"{self.area.position}.{self.position}"

    @property
    def period(self) -> str:
        if self.start_year and self.end_year and self.start_year != self.end_year:
            return f"{self.start_year}–{self.end_year}"
        return str(self.start_year or self.end_year or "")

    @property
    def organisation_id(self) -> int:
        return self.area.plan.strategy.organisation_id


class ProgressNote(models.Model):
    """A dated note on an activity's progress; a status change is recorded in the same row."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="notes")
    created = models.DateTimeField(default=timezone.now, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("vad har hänt"), blank=True)
    previous_status = models.CharField(max_length=20, choices=ActivityStatus.choices, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ActivityStatus.choices)
    status_reason = models.TextField(_("skäl"), blank=True)
    progress = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("lägesrapport")
        verbose_name_plural = _("lägesrapporter")
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.created:%Y-%m-%d}"

    @property
    def status_changed(self) -> bool:
        return bool(self.previous_status) and self.previous_status != self.status


class Sex(models.TextChoices):
    """How indicator values are kept: the total, or by sex as in official statistics."""

    TOTAL = "alla", _("Totalt")
    WOMEN = "kvinna", _("Kvinnor")
    MEN = "man", _("Män")


class Indicator(TranslatedModel):
    """Something measured over time to follow a strategy's goals."""

    translated_fields = ("name", "description", "sex_note")

    class Direction(models.TextChoices):
        INCREASE = "increase", _("Högre är bättre")
        DECREASE = "decrease", _("Lägre är bättre")

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="indicators")
    goal = models.ForeignKey(
        Goal,
        verbose_name=_("mål"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
    )
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    name = models.CharField(_("namn"), max_length=250)
    description = models.TextField(_("beskrivning"), blank=True)
    unit = models.CharField(_("enhet"), max_length=40, help_text=_("Till exempel %, antal, kr."))
    source = models.CharField(_("källa"), max_length=250, blank=True)
    source_url = models.URLField(_("länk till källan"), blank=True)
    kolada_kpi = models.CharField(
        _("Kolada-nyckeltal"),
        max_length=20,
        blank=True,
        help_text=_("Nyckeltalets id i Kolada, till exempel N00945, för import."),
    )
    direction = models.CharField(
        _("riktning"), max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    about_people = models.BooleanField(
        _("handlar om personer"),
        default=True,
        help_text=_("Statistik om personer redovisas uppdelad på kön när det går."),
    )
    by_sex = models.BooleanField(_("finns uppdelad på kön"), default=True)
    sex_note = models.CharField(
        _("varför inte uppdelad på kön"),
        max_length=300,
        blank=True,
        help_text=_("Förklaras på sidan när statistiken om personer inte finns per kön."),
    )
    baseline_year = models.PositiveSmallIntegerField(_("utgångsår"), null=True, blank=True)
    baseline_value = models.DecimalField(
        _("utgångsvärde"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    target_year = models.PositiveSmallIntegerField(_("målår"), null=True, blank=True)
    target_value = models.DecimalField(
        _("målvärde"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("indikator")
        verbose_name_plural = _("indikatorer")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("followup:indicator", kwargs={"slug": self.strategy.slug, "pk": self.pk})

    @property
    def organisation_id(self) -> int:
        return self.strategy.organisation_id

    @property
    def lacks_sex_breakdown(self) -> bool:
        return self.about_people and not self.by_sex


class IndicatorValue(models.Model):
    """One measured value: a year, the total or one sex, the whole area or one municipality."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField(_("år"))
    sex = models.CharField(_("kön"), max_length=10, choices=Sex.choices, default=Sex.TOTAL)
    municipality = models.ForeignKey(
        "organisations.Municipality",
        verbose_name=_("kommun"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Tomt för hela organisationens område."),
    )
    value = models.DecimalField(_("värde"), max_digits=14, decimal_places=4)
    note = models.CharField(_("kommentar"), max_length=300, blank=True)
    updated = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("indikatorvärde")
        verbose_name_plural = _("indikatorvärden")
        ordering = ["year", "sex", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "sex"],
                condition=Q(municipality__isnull=True),
                name="indicator_value_once_for_area",
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "sex", "municipality"],
                condition=Q(municipality__isnull=False),
                name="indicator_value_once_per_municipality",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year} {self.sex}: {self.value}"


class Actor(models.Model):
    """An organisation outside the owner: a municipality, agency, association or company."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Kommun")
        REGION = "region", _("Region")
        AGENCY = "agency", _("Statlig myndighet")
        ASSOCIATION = "association", _("Förening eller civilsamhällesorganisation")
        COMPANY = "company", _("Företag")
        OTHER = "other", _("Annan")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("registrerad hos"),
        on_delete=models.CASCADE,
        related_name="actors",
    )
    name = models.CharField(_("namn"), max_length=200)
    kind = models.CharField(_("typ av aktör"), max_length=20, choices=Kind.choices)
    organisation_number = models.CharField(_("organisationsnummer"), max_length=20, blank=True)
    municipality = models.ForeignKey(
        "organisations.Municipality",
        verbose_name=_("kommun"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    website = models.URLField(_("webbplats"), blank=True)

    class Meta:
        verbose_name = _("aktör")
        verbose_name_plural = _("aktörer")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="actor_name_once"),
        ]

    def __str__(self) -> str:
        return self.name


class Commitment(models.Model):
    """An actor joining (ansluter sig till) a strategy, with its commitment."""

    # Its workflow is ``status.COMMITMENT_MACHINE``.
    Status = CommitmentStatus

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="commitments")
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="commitments")
    commitment = models.TextField(_("åtagande"))
    contact_name = models.CharField(_("kontaktperson"), max_length=150)
    contact_email = models.EmailField(_("kontaktpersonens e-post"))
    contact_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("konto som redovisar"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commitments",
    )
    # Who asked to join through the form (empty for commitments an official registered).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ansökan skickad av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commitment_requests",
    )
    # When the contact address was shown to belong to the requester: at once when it is one
    # of their verified account addresses, otherwise when the link mailed to it was used.
    # Until then decisions go to the requester's own verified address, not to this one.
    contact_confirmed_at = models.DateTimeField(
        _("kontaktadressen bekräftad"), null=True, blank=True
    )
    joined_on = models.DateField(_("anslöt sig"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=[(status.value, label) for status, label in COMMITMENT_STATUS_LABELS.items()],
        default=CommitmentStatus.PENDING,
    )
    status_reason = models.TextField(_("skäl"), blank=True)
    goals = models.ManyToManyField(
        Goal, verbose_name=_("mål aktören arbetar mot"), blank=True, related_name="commitments"
    )
    # What screening found in a request's text (a threat, hate or harassment, an identity
    # number kept): shown to the official who decides, never published by itself. As a
    # moderation decision keeps it: [{"label", "detector", "words", "severity"}].
    screening_findings = models.JSONField(default=list, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("anslutning")
        verbose_name_plural = _("anslutningar")
        ordering = ["joined_on", "actor__name"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "actor"], name="actor_joins_once"),
            # One request waiting for an official per person and strategy.
            models.UniqueConstraint(
                fields=["strategy", "requested_by"],
                condition=Q(status=CommitmentStatus.PENDING),
                name="one_pending_request_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor} → {self.strategy}"

    @property
    def is_pending(self) -> bool:
        return self.status == CommitmentStatus.PENDING

    @property
    def is_active(self) -> bool:
        return self.status == CommitmentStatus.ACTIVE

    @property
    def is_declined(self) -> bool:
        return self.status == CommitmentStatus.DECLINED

    @property
    def organisation_id(self) -> int:
        return self.strategy.organisation_id


class ActorActivity(models.Model):
    """An activity a joined actor reports against the strategy's goals."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="activities")
    title = models.CharField(_("aktivitet"), max_length=300)
    description = models.TextField(_("beskrivning"), blank=True)
    year = models.PositiveSmallIntegerField(_("år"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ActivityStatus.choices,
        default=ActivityStatus.ONGOING,
    )
    goals = models.ManyToManyField(
        Goal, verbose_name=_("mål"), blank=True, related_name="actor_activities"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("aktörens aktivitet")
        verbose_name_plural = _("aktörernas aktiviteter")
        ordering = ["-year", "-reported_at"]

    def __str__(self) -> str:
        return self.title


class Network(models.Model):
    """A network of actors for exchange, e.g. the county's democracy network."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("samordnas av"),
        on_delete=models.CASCADE,
        related_name="networks",
    )
    name = models.CharField(_("namn"), max_length=200)
    slug = models.SlugField(_("adress"), max_length=80, unique=True)
    description = models.TextField(_("beskrivning"), blank=True, help_text=_("Markdown."))
    strategy = models.ForeignKey(
        Strategy,
        verbose_name=_("strategi"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="networks",
    )
    published = models.BooleanField(_("publicerat"), default=True)

    class Meta:
        verbose_name = _("nätverk")
        verbose_name_plural = _("nätverk")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("followup:network", kwargs={"slug": self.slug})


class NetworkMember(models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="members")
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="memberships")
    contact_name = models.CharField(_("kontaktperson"), max_length=150, blank=True)
    contact_email = models.EmailField(_("kontaktpersonens e-post"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("konto"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="network_memberships",
    )
    joined_on = models.DateField(_("medlem sedan"), default=timezone.localdate)

    class Meta:
        verbose_name = _("medlem i nätverk")
        verbose_name_plural = _("medlemmar i nätverk")
        ordering = ["actor__name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "actor"], name="network_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.actor} i {self.network}"


class NetworkMeeting(models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("rubrik"), max_length=200)
    starts_at = models.DateTimeField(_("börjar"))
    place = models.CharField(_("plats eller länk"), max_length=300, blank=True)
    agenda = models.TextField(_("dagordning"), blank=True)
    notes = models.TextField(_("minnesanteckningar"), blank=True)

    class Meta:
        verbose_name = _("nätverksträff")
        verbose_name_plural = _("nätverksträffar")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.title


def network_document_path(instance: "NetworkDocument", filename: str) -> str:
    return f"networks/{instance.network_id}/{filename}"


class NetworkDocument(models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("rubrik"), max_length=200)
    file = models.FileField(_("fil"), upload_to=network_document_path)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    public = models.BooleanField(
        _("synlig för alla"),
        default=False,
        help_text=_("Annars ser bara nätverkets medlemmar och personalen dokumentet."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("delat dokument")
        verbose_name_plural = _("delade dokument")
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.title

    @property
    def organisation_id(self) -> int:
        return self.network.organisation_id


class PlanImport(models.Model):
    """An uploaded plan file, read and waiting for the official to confirm the import."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="imports")
    filename = models.CharField(max_length=255)
    rows = models.JSONField(default=list)  # readable rows, as dictionaries
    errors = models.JSONField(default=list)  # [{"row": 7, "column": "status", "code": …}]
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.filename
