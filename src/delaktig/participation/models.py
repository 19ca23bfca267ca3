"""Participation processes — the spine every participation method plugs into."""

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from delaktig.translations.models import TranslatedModel

from . import registry
from .workflow import PUBLIC_STATUSES, Status

if TYPE_CHECKING:
    from delaktig.accounts.types import Visitor


class LadderStep(models.IntegerChoices):
    """SKR's participation ladder (delaktighetstrappan), lowest influence first."""

    INFORMATION = 1, _("Information")
    CONSULTATION = 2, _("Konsultation")
    DIALOGUE = 3, _("Dialog")
    INFLUENCE = 4, _("Inflytande")
    CO_DECISION = 5, _("Medbeslutande")


LADDER_STEP_MEANING = {
    LadderStep.INFORMATION: _("Du får veta vad som planeras eller har beslutats. Ingen dialog."),
    LadderStep.CONSULTATION: _("Vi frågar efter dina synpunkter innan beslut fattas."),
    LadderStep.DIALOGUE: _(
        "Du och beslutsfattarna utbyter synpunkter; det påverkar vilka alternativ som tas fram."
    ),
    LadderStep.INFLUENCE: _("Du är med och tar fram förslagen och påverkar utfallet på riktigt."),
    LadderStep.CO_DECISION: _("Invånarna fattar beslutet, eller fattar det tillsammans med oss."),
}


class StatusChoices(models.TextChoices):
    DRAFT = Status.DRAFT.value, _("Utkast")
    PUBLISHED = Status.PUBLISHED.value, _("Publicerad")
    OPEN = Status.OPEN.value, _("Öppen för deltagande")
    CLOSED = Status.CLOSED.value, _("Avslutad, återkoppling kommer")
    FEEDBACK_PUBLISHED = Status.FEEDBACK_PUBLISHED.value, _("Återkoppling publicerad")
    ARCHIVED = Status.ARCHIVED.value, _("Arkiverad")


class Perspective(models.Model):
    """A perspective the region's strategies require every process to consider."""

    class Code(models.TextChoices):
        CHILDREN = "barn_och_unga", _("Barn och unga")
        GENDER_EQUALITY = "jamstalldhet", _("Jämställdhet")
        ACCESSIBILITY = "tillganglighet", _("Tillgänglighet")
        MINORITIES = "minoriteter", _("Nationella minoriteter och urfolk")
        ENVIRONMENT = "miljo", _("Miljö")

    code = models.CharField(max_length=30, unique=True, choices=Code.choices)

    class Meta:
        verbose_name = _("perspektiv")
        verbose_name_plural = _("perspektiv")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.get_code_display())


class TargetGroup(models.Model):
    class Code(models.TextChoices):
        ALL = "alla", _("Alla invånare")
        CHILDREN = "barn", _("Barn")
        YOUTH = "unga", _("Unga")
        OLDER = "aldre", _("Äldre")
        DISABILITY = "funktionsnedsattning", _("Personer med funktionsnedsättning")
        NEWLY_ARRIVED = "nyanlanda", _("Nyanlända")
        MINORITIES = "minoriteter", _("Nationella minoriteter och samer")
        PATIENTS = "patienter", _("Patienter och närstående")
        RURAL = "landsbygd", _("Boende på landsbygden")
        LOW_TURNOUT = "lagt_deltagande", _("Områden med lågt valdeltagande")

    code = models.CharField(max_length=30, unique=True, choices=Code.choices)
    usually_not_heard = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("målgrupp")
        verbose_name_plural = _("målgrupper")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.get_code_display())


class SdgGoal(models.Model):
    """One of Agenda 2030's 17 goals (data shipped in ``data/agenda2030``)."""

    number = models.PositiveSmallIntegerField(unique=True)
    name_sv = models.CharField(max_length=120)
    short_en = models.CharField(max_length=120)
    title_en = models.CharField(max_length=300)

    class Meta:
        verbose_name = _("Agenda 2030-mål")
        verbose_name_plural = _("Agenda 2030-mål")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        return self.short_en if (get_language() or "sv").startswith("en") else self.name_sv


class SdgTarget(models.Model):
    goal = models.ForeignKey(SdgGoal, on_delete=models.CASCADE, related_name="targets")
    code = models.CharField(max_length=8, unique=True)  # "1.1", "1.a"
    title_en = models.TextField()
    position = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("Agenda 2030-delmål")
        verbose_name_plural = _("Agenda 2030-delmål")
        ordering = ["goal__number", "position"]

    def __str__(self) -> str:
        return f"{self.code} {self.title_en[:60]}"


class ProcessQuerySet(models.QuerySet["Process"]):
    def public(self) -> "ProcessQuerySet":
        return self.filter(status__in=[s.value for s in PUBLIC_STATUSES])

    def visible_to(self, user: "Visitor") -> "ProcessQuerySet":
        """The one place that decides which processes a person may see."""
        from delaktig.accounts.roles import is_administrator, staff_organisation_ids

        if is_administrator(user):
            return self.all()
        public = Q(status__in=[s.value for s in PUBLIC_STATUSES])
        own = staff_organisation_ids(user)
        return self.filter(public | Q(organisation_id__in=own)) if own else self.filter(public)

    def editable_by(self, user: "Visitor") -> "ProcessQuerySet":
        from delaktig.accounts.roles import is_administrator, staff_organisation_ids

        if is_administrator(user):
            return self.all()
        return self.filter(organisation_id__in=staff_organisation_ids(user, ("official",)))

    def owing_feedback(self) -> "ProcessQuerySet":
        return self.filter(status=Status.CLOSED.value)

    def free_slug(self, base: str, *, exclude_pk: int | None = None) -> str:
        """``base``, or ``base-2``, ``base-3`` …: the first no other process uses."""
        others = self.exclude(pk=exclude_pk) if exclude_pk is not None else self
        taken = set(others.filter(slug__startswith=base).values_list("slug", flat=True))
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    def for_list(self) -> "ProcessQuerySet":
        """What a process's card shows: its organisation, responsible body and cover. Not its
        municipalities, perspectives, goals and target groups, which only its page shows (four
        more queries for each list, and a related manager for each card and each of them)."""
        return self.select_related("organisation", "responsible_body", "cover")


class Process(TranslatedModel):
    # The texts a resident reads on the process's page, in its card and feeds; translators
    # work on them through the workbench (``contributions.py``).
    translated_fields = (
        "title",
        "summary",
        "easy_read_summary",
        "body",
        "question",
        "purpose",
        "target_group_analysis",
        "input_use",
        "decision_maker",
    )
    markdown_fields = ("body",)

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="processes",
    )
    responsible_body = models.ForeignKey(
        "organisations.Body",
        verbose_name=_("ansvarigt organ"),
        on_delete=models.PROTECT,
        related_name="processes",
        null=True,
        blank=True,
    )
    slug = models.SlugField(_("adress"), max_length=80, unique=True)
    title = models.CharField(_("rubrik"), max_length=200)
    summary = models.TextField(_("sammanfattning"), max_length=600)
    easy_read_summary = models.TextField(
        _("sammanfattning på lättläst svenska"),
        blank=True,
        help_text=_("Korta meningar och vanliga ord."),
    )
    body = models.TextField(_("beskrivning"), blank=True, help_text=_("Markdown."))
    language = models.CharField(
        _("innehållets språk"),
        max_length=5,
        default="sv",
        # Lättläst is a version of a Swedish text, not a language a process is written in.
        choices=[(code, name) for code, name in settings.CONTENT_LANGUAGES if code != "lattlast"],
    )
    ladder_step = models.PositiveSmallIntegerField(
        _("steg på delaktighetstrappan"), choices=LadderStep.choices
    )
    question = models.TextField(_("frågan vi ställer"), blank=True)
    purpose = models.TextField(_("syfte"))
    target_groups = models.ManyToManyField(
        TargetGroup, verbose_name=_("målgrupper"), blank=True, related_name="processes"
    )
    target_group_analysis = models.TextField(
        _("målgruppsanalys"),
        blank=True,
        help_text=_("Vilka brukar inte höras i den här frågan, och hur når vi dem?"),
    )
    input_use = models.TextField(_("hur synpunkterna används"))
    decision_maker = models.CharField(_("vem beslutar"), max_length=200)
    decision_expected = models.DateField(_("när beslut väntas"), null=True, blank=True)
    municipalities = models.ManyToManyField(
        "organisations.Municipality",
        verbose_name=_("berörda kommuner"),
        blank=True,
        related_name="processes",
    )
    perspectives = models.ManyToManyField(
        Perspective, verbose_name=_("perspektiv"), blank=True, related_name="processes"
    )
    sdg_goals = models.ManyToManyField(
        SdgGoal, verbose_name=_("Agenda 2030-mål"), blank=True, related_name="processes"
    )
    sdg_targets = models.ManyToManyField(
        SdgTarget, verbose_name=_("Agenda 2030-delmål"), blank=True, related_name="processes"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=StatusChoices.choices,
        default=Status.DRAFT.value,
        db_index=True,
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ProcessQuerySet.as_manager()

    class Meta:
        verbose_name = _("deltagandeprocess")
        verbose_name_plural = _("deltagandeprocesser")
        ordering = ["-published_at", "-id"]
        indexes = [
            # The list's order, and the front page's "decisions coming up".
            models.Index(fields=["-published_at", "-id"], name="process_newest_first"),
            models.Index(fields=["decision_expected"], name="process_decision_expected"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:process", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.status in {s.value for s in PUBLIC_STATUSES}

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN

    @property
    def owes_feedback(self) -> bool:
        """Closed, and the feedback is not published yet."""
        return self.status == Status.CLOSED

    @property
    def ladder_meaning(self) -> str:
        return str(LADDER_STEP_MEANING[LadderStep(self.ladder_step)])

    @cached_property
    def current_phases(self) -> list["Phase"]:
        """The phases running now. A phase runs only while the process is open, as
        ``ProcessModule.allows`` says: a closed process shows none as under way."""
        if self.status != Status.OPEN:
            return []
        now = timezone.now()
        return [p for p in self.phases.all() if p.starts_at <= now < p.ends_at]


class ProcessModule(TranslatedModel):
    """A participation method hosted by a process, e.g. a discussion."""

    translated_fields = ("title", "description")

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="modules")
    kind = models.CharField(_("deltagandeform"), max_length=40)
    title = models.CharField(_("rubrik"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True)
    weight = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("deltagandeform")
        verbose_name_plural = _("deltagandeformer")
        ordering = ["weight", "id"]

    def __str__(self) -> str:
        return self.title

    def source_language(self) -> str:
        return self.process.source_language()

    @property
    def module_type(self) -> registry.ModuleType:
        return registry.get(self.kind)

    def _phases_allowing(self, action: str) -> Iterator["Phase"]:
        """This module's phases whose type allows ``action`` (the process's prefetched
        phases)."""
        for phase in self.process.phases.all():
            if phase.module_id != self.pk:
                continue
            phase_type = self.module_type.phase_type(phase.phase_type)
            if phase_type and action in phase_type.allows:
                yield phase

    def allows_later(self, action: str, at: datetime | None = None) -> bool:
        """Will ``action`` be allowed: the process has not closed, and a phase allowing it is
        still to start (a page says "not now" rather than "closed")."""
        if self.process.status not in (Status.PUBLISHED.value, Status.OPEN.value):
            return False
        now = at or timezone.now()
        return any(phase.starts_at > now for phase in self._phases_allowing(action))

    def allows(self, action: str, at: datetime | None = None) -> bool:
        """Is ``action`` allowed now: the process is open and a phase allowing it runs."""
        if self.process.status != Status.OPEN.value:
            return False
        now = at or timezone.now()
        return any(
            phase.starts_at <= now < phase.ends_at for phase in self._phases_allowing(action)
        )


class Phase(TranslatedModel):
    translated_fields = ("name", "description")

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="phases")
    module = models.ForeignKey(
        ProcessModule,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="phases",
        verbose_name=_("deltagandeform"),
    )
    phase_type = models.CharField(_("typ av fas"), max_length=40, blank=True)
    name = models.CharField(_("namn"), max_length=120)
    description = models.TextField(_("beskrivning"), blank=True)
    starts_at = models.DateTimeField(_("börjar"))
    ends_at = models.DateTimeField(_("slutar"))

    class Meta:
        verbose_name = _("fas")
        verbose_name_plural = _("faser")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="phase_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def source_language(self) -> str:
        return self.process.source_language()


class ProcessTransition(models.Model):
    """The log of the state machine: every change of status, who made it and when."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, choices=StatusChoices.choices)
    to_status = models.CharField(max_length=20, choices=StatusChoices.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"{self.process_id}: {self.from_status} → {self.to_status}"


class Feedback(TranslatedModel):
    """Återkoppling: what was heard, what was decided, and why."""

    translated_fields = ("heard", "decided", "reasons")
    markdown_fields = ("heard", "decided", "reasons")

    process = models.OneToOneField(Process, on_delete=models.CASCADE, related_name="feedback")
    heard = models.TextField(_("det här hörde vi"), help_text=_("Markdown."))
    decided = models.TextField(_("det här beslutades"), help_text=_("Markdown."))
    reasons = models.TextField(_("därför"), help_text=_("Markdown."))
    decision_reference = models.CharField(
        _("hänvisning till beslutet"),
        max_length=200,
        blank=True,
        help_text=_("Till exempel paragraf och datum i protokollet."),
    )
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    updated = models.DateTimeField(auto_now=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("återkoppling")
        verbose_name_plural = _("återkopplingar")

    def __str__(self) -> str:
        return f"{_('Återkoppling')}: {self.process}"

    def source_language(self) -> str:
        return self.process.source_language()


class Follow(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="follows")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "process"], name="follow_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.process_id}"


class ProcessTemplateQuerySet(models.QuerySet["ProcessTemplate"]):
    def usable_by(self, user: "Visitor") -> "ProcessTemplateQuerySet":
        """The templates a person may start a process from: the platform's own, and those of
        the organisations they are an official of (every one, for an administrator)."""
        from delaktig.accounts.roles import is_administrator, staff_organisation_ids

        if is_administrator(user):
            return self.all()
        own = staff_organisation_ids(user, ("official",))
        if not own:
            return self.none()
        return self.filter(Q(organisation__isnull=True) | Q(organisation_id__in=own))


class ProcessTemplate(models.Model):
    """What a new process is prefilled with: a stored process spec (the format of the demo
    content, ``participation/demo.py``) with its modules and phases; see
    ``templates_spec.py``. No organisation: a template for the whole platform."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="process_templates",
        null=True,
        blank=True,
    )
    # Set on the templates the platform ships, so that loading them again updates them.
    key = models.SlugField(max_length=60, blank=True)
    name = models.CharField(_("namn"), max_length=120)
    description = models.TextField(_("när mallen passar"), max_length=600)
    spec = models.JSONField(_("innehåll"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = ProcessTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("processmall")
        verbose_name_plural = _("processmallar")
        ordering = [F("organisation_id").asc(nulls_first=True), "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=~Q(key=""), name="process_template_key_once"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ProcessCover(models.Model):
    """A process's cover image, stored only as renditions re-encoded by Pillow (no metadata,
    so no GPS position from a phone) in the widths a page asks for (``covers.py``).

    Its alternative text is required unless the official marks the image as decorative."""

    WIDTHS = (480, 960, 1600)

    process = models.OneToOneField(Process, on_delete=models.CASCADE, related_name="cover")
    alt_text = models.CharField(_("alternativtext"), max_length=300, blank=True)
    decorative = models.BooleanField(_("bilden är bara dekorativ"), default=False)
    # The largest rendition's size, for the img element's width and height.
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # [{"width": 480, "height": 270, "name": "<storage name>"}, …], narrowest first.
    renditions = models.JSONField(default=list)
    version = models.PositiveIntegerField(default=1)
    updated = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("omslagsbild")
        verbose_name_plural = _("omslagsbilder")
        constraints = [
            models.CheckConstraint(
                condition=Q(decorative=True) | ~Q(alt_text=""), name="cover_alt_or_decorative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.process}: {self.alt_text or '–'}"

    @property
    def alt(self) -> str:
        """The img element's alt: empty for a decorative image."""
        return "" if self.decorative else self.alt_text

    def url(self, width: int) -> str:
        return reverse(
            "participation:cover",
            kwargs={"slug": self.process.slug, "version": self.version, "width": width},
        )

    @property
    def sources(self) -> list[tuple[str, int, int]]:
        """(address, width, height) of each rendition, narrowest first."""
        return [(self.url(r["width"]), r["width"], r["height"]) for r in self.renditions]

    @property
    def srcset(self) -> str:
        return ", ".join(f"{url} {width}w" for url, width, _height in self.sources)

    @property
    def src(self) -> str:
        """The middle rendition: for browsers that ignore srcset."""
        sources = self.sources
        return sources[min(1, len(sources) - 1)][0] if sources else ""

    def thumbnail(self) -> tuple[str, int, int]:
        """The narrowest rendition, for lists."""
        return self.sources[0]
