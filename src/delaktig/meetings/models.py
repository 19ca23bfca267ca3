"""Meetings of councils, fullmäktige and committees, and public events with registration."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from delaktig.translations.models import TranslatedModel


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def public(self) -> "MeetingQuerySet":
        return self.filter(published=True)


class Meeting(TranslatedModel):
    # What the meeting's page, the calendar and the iCalendar feed show. The minutes are left
    # out: the adjusted minutes are the authority's record, in Swedish.
    translated_fields = ("title", "description", "location", "accessibility_info")
    markdown_fields = ("description",)

    class Kind(models.TextChoices):
        ASSEMBLY = "assembly", _("Fullmäktigesammanträde")
        COMMITTEE = "committee", _("Nämndsammanträde")
        COUNCIL = "council", _("Rådsmöte")
        PUBLIC_EVENT = "event", _("Öppet möte")
        WEBINAR = "webinar", _("Webbinarium")

    class Mode(models.TextChoices):
        PHYSICAL = "physical", _("På plats")
        DIGITAL = "digital", _("Digitalt")
        HYBRID = "hybrid", _("På plats och digitalt")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    body = models.ForeignKey(
        "organisations.Body",
        verbose_name=_("organ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    council = models.ForeignKey(
        "councils.Council",
        verbose_name=_("råd"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    module = models.ForeignKey(
        "participation.ProcessModule",
        verbose_name=_("del av deltagandeprocess"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
    )
    kind = models.CharField(_("typ av möte"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("rubrik"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True, help_text=_("Markdown."))
    starts_at = models.DateTimeField(_("börjar"), db_index=True)
    ends_at = models.DateTimeField(_("slutar"))
    mode = models.CharField(_("form"), max_length=10, choices=Mode.choices, default=Mode.PHYSICAL)
    location = models.CharField(_("plats"), max_length=200, blank=True)
    accessibility_info = models.TextField(
        _("tillgänglighet på platsen"),
        blank=True,
        help_text=_("Till exempel hörslinga, ramp, tolk, var närmaste parkering finns."),
    )
    remote_link = models.URLField(_("länk för att delta på distans"), blank=True)
    webcast_link = models.URLField(_("länk till webbsändning"), blank=True)
    capacity = models.PositiveIntegerField(
        _("antal platser"),
        null=True,
        blank=True,
        help_text=_("Tomt betyder ingen anmälan eller obegränsat antal."),
    )
    registration_open = models.BooleanField(_("anmälan öppen"), default=False)
    question_time = models.BooleanField(
        _("allmänhetens frågestund"),
        default=False,
        help_text=_("Invånare kan lämna frågor till mötet enligt organisationens regler."),
    )
    minutes = models.TextField(_("protokoll"), blank=True, help_text=_("Markdown."))
    minutes_published_at = models.DateTimeField(null=True, blank=True)
    published = models.BooleanField(_("publicerat"), default=True)
    created = models.DateTimeField(auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("möte")
        verbose_name_plural = _("möten")
        ordering = ["starts_at", "id"]
        indexes = [
            # The calendar's latest minutes, the whole installation's and one organisation's
            # (its own host name): without them every meeting was read to find five
            # (16 ms at 100,000 meetings, ``bench/pages.py``).
            models.Index(
                fields=["-minutes_published_at"],
                condition=Q(published=True, minutes_published_at__isnull=False),
                name="meeting_minutes_newest",
            ),
            models.Index(
                fields=["organisation", "-minutes_published_at"],
                condition=Q(published=True, minutes_published_at__isnull=False),
                name="meeting_org_minutes_newest",
            ),
            # One organisation's calendar, in order.
            models.Index(
                fields=["organisation", "starts_at", "id"],
                condition=Q(published=True),
                name="meeting_org_calendar",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(mode="physical") | ~Q(remote_link=""),
                name="remote_meeting_has_link",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", kwargs={"pk": self.pk})


class AgendaItem(TranslatedModel):
    translated_fields = ("title", "description")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(_("nummer"))
    title = models.CharField(_("ärende"), max_length=300)
    description = models.TextField(_("beskrivning"), blank=True)
    document_url = models.URLField(_("länk till handling"), blank=True)

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="agenda_position_once")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    @property
    def organisation_id(self) -> int:
        """The meeting's organisation: translators' permissions find the item's here."""
        return int(self.meeting.organisation_id)


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Anmäld")
        WAITING = "waiting", _("På väntelistan")
        CANCELLED = "cancelled", _("Avanmäld")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices)
    interpreter = models.CharField(
        _("tolk"),
        max_length=100,
        blank=True,
        help_text=_("Till exempel teckenspråk, skrivtolk eller ett språk."),
    )
    hearing_loop = models.BooleanField(_("hörslinga"), default=False)
    diet = models.CharField(_("specialkost"), max_length=200, blank=True)
    other_needs = models.CharField(_("andra behov"), max_length=300, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=~Q(status="cancelled"),
                name="one_active_registration",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.user_id}:{self.status}"


class QuestionTimeRules(TranslatedModel):
    """Allmänhetens frågestund: the organisation's local rules."""

    translated_fields = ("rules_text",)
    markdown_fields = ("rules_text",)

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="question_rules"
    )
    deadline_days = models.PositiveSmallIntegerField(
        _("frågor lämnas senast så här många dagar före mötet"), default=10
    )
    max_per_person = models.PositiveSmallIntegerField(
        _("högst antal frågor per person och möte"), default=2
    )
    rules_text = models.TextField(
        _("regler som visas för den som frågar"),
        blank=True,
        help_text=_("Markdown."),
        default="Frågan ska gälla något som fullmäktige ansvarar för. Frågor om enskilda "
        "ärenden tas inte upp.",
    )

    class Meta:
        verbose_name = _("regler för allmänhetens frågestund")
        verbose_name_plural = _("regler för allmänhetens frågestund")

    def __str__(self) -> str:
        return str(self.organisation)


class Question(TranslatedModel):
    # Only the official's published answer: the question is the resident's own words.
    translated_fields = ("answer",)
    markdown_fields = ("answer",)

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Inlämnad, granskas")
        ACCEPTED = "accepted", _("Godkänd, på dagordningen")
        DECLINED = "declined", _("Avvisad")
        ANSWERED = "answered", _("Besvarad")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="questions")
    asker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asker_name = models.CharField(_("namn som visas"), max_length=120)
    text = models.TextField(_("din fråga"), max_length=1500)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    decline_reason = models.TextField(_("skäl"), blank=True)
    answered_by = models.CharField(
        _("besvarad av"),
        max_length=200,
        blank=True,
        help_text=_("Namn och uppdrag, till exempel regionråd."),
    )
    answer = models.TextField(_("svar"), blank=True, help_text=_("Markdown."))
    answered_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fråga")
        verbose_name_plural = _("frågor")
        ordering = ["created", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="answered") | (~Q(answer="") & ~Q(answered_by="")),
                name="answered_question_has_answer",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="declined_question_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def organisation_id(self) -> int:
        """The meeting's organisation: permissions and moderation find the question's here."""
        return int(self.meeting.organisation_id)

    @property
    def public_asker_name(self) -> str:
        """The name shown with the question: none once the asker's account is deleted."""
        return self.asker.signed(self.asker_name)
