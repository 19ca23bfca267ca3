"""Surveys: a participation module with sections, questions, responses and themes.

The texts staff write (the survey's intro and thanks, section titles, questions and choices)
carry translations as every public text does (``translations.TranslatedModel``); the
``organisation_id`` of each says whose officials and translators may translate it."""

import secrets
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from delaktig.insights.suppression import AGE_GROUPS
from delaktig.translations.models import TranslatedModel


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Survey(TranslatedModel):
    class Access(models.TextChoices):
        ANONYMOUS = "anonymous", _("Alla, utan konto (anonymt)")
        ACCOUNT = "account", _("Inloggade, ett svar per konto")
        INVITATION = "invitation", _("Med inbjudningslänk, ett svar per länk")

    translated_fields = ("intro", "easy_read_intro", "thanks")

    module = models.OneToOneField(
        "participation.ProcessModule", on_delete=models.CASCADE, related_name="survey"
    )
    intro = models.TextField(_("inledning"), blank=True)
    easy_read_intro = models.TextField(
        _("inledning på lättläst svenska"),
        blank=True,
        help_text=_("Korta meningar och vanliga ord: vad enkäten handlar om och hur lång den är."),
    )
    thanks = models.TextField(
        _("tack-text"),
        blank=True,
        help_text=_("Visas när svaret är skickat, till exempel när resultatet kommer."),
    )
    access = models.CharField(
        _("vem kan svara"), max_length=20, choices=Access.choices, default=Access.ACCOUNT
    )
    ask_background = models.BooleanField(
        _("ställ bakgrundsfrågorna"),
        default=True,
        help_text=_(
            "Ålder, kön och kommun i samma form i alla enkäter, så att resultaten kan jämföras "
            "och vägas mot befolkningen. Frivilliga för den som svarar."
        ),
    )
    results_public = models.BooleanField(
        _("visa resultatet publikt"),
        default=False,
        help_text=_("Resultatet visas på processens sida när enkäten har stängt."),
    )
    # Weighting chosen by staff on the results page.
    population_table = models.ForeignKey(
        "population.PopulationTable",
        verbose_name=_("befolkningstabell"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    weighting_margins = models.JSONField(_("vägningsvariabler"), default=list, blank=True)
    target_age_groups = models.JSONField(_("målpopulationens åldersgrupper"), default=list)
    trim_upper = models.FloatField(
        _("högsta vikt (gånger medelvikten)"),
        null=True,
        blank=True,
        help_text=_("Tom: ingen trimning. Till exempel 5."),
    )

    class Meta:
        verbose_name = _("enkät")
        verbose_name_plural = _("enkäter")
        constraints = [
            models.CheckConstraint(
                condition=Q(trim_upper__isnull=True) | Q(trim_upper__gt=1),
                name="survey_trim_above_mean",
            )
        ]

    def __str__(self) -> str:
        return str(self.module)

    def get_absolute_url(self) -> str:
        return reverse("surveys:answer", kwargs={"module_pk": self.module_id})

    @property
    def process(self) -> Any:
        return self.module.process

    @property
    def organisation_id(self) -> int:
        return int(self.module.process.organisation_id)


class Section(TranslatedModel):
    translated_fields = ("title", "description")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    title = models.CharField(_("rubrik"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True)

    class Meta:
        verbose_name = _("avsnitt")
        verbose_name_plural = _("avsnitt")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def organisation_id(self) -> int:
        return self.survey.organisation_id


class Question(TranslatedModel):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Ett svarsalternativ")
        MULTIPLE = "multiple", _("Flera svarsalternativ")
        SCALE = "scale", _("Skala med namngivna steg")
        TEXT = "text", _("Fritext")
        NUMBER = "number", _("Tal")

    translated_fields = ("text", "help_text")

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    kind = models.CharField(_("frågetyp"), max_length=10, choices=Kind.choices)
    text = models.CharField(_("fråga"), max_length=500)
    help_text = models.CharField(_("hjälptext"), max_length=500, blank=True)
    required = models.BooleanField(_("obligatorisk"), default=False)
    min_value = models.DecimalField(
        _("minsta tal"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("största tal"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # A simple condition: show this question only if an earlier question was answered with
    # this choice.
    show_if = models.ForeignKey(
        "Choice",
        verbose_name=_("visa bara om svaret var"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dependent_questions",
    )

    class Meta:
        verbose_name = _("fråga")
        verbose_name_plural = _("frågor")
        ordering = ["section__position", "section_id", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=models.F("max_value")),
                name="question_min_not_above_max",
            )
        ]

    def __str__(self) -> str:
        return self.text

    def is_shown(self, chosen: Mapping[int, set[int]]) -> bool:
        """Whether the question is shown, given the choices made (question id → choice ids)."""
        condition = self.show_if
        return condition is None or condition.pk in chosen.get(condition.question_id, set())

    @property
    def has_choices(self) -> bool:
        return self.kind in {self.Kind.SINGLE, self.Kind.MULTIPLE, self.Kind.SCALE}

    @property
    def organisation_id(self) -> int:
        return self.section.organisation_id


class Choice(TranslatedModel):
    translated_fields = ("label",)

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    label = models.CharField(_("svarsalternativ"), max_length=300)

    class Meta:
        verbose_name = _("svarsalternativ")
        verbose_name_plural = _("svarsalternativ")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def organisation_id(self) -> int:
        return self.question.organisation_id


class Invitation(models.Model):
    """A personal link: whoever holds it may answer once."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    token = models.CharField(max_length=64, unique=True, default=new_token)
    label = models.CharField(
        _("notering"),
        max_length=200,
        blank=True,
        help_text=_("Till exempel utskicksgrupp. Visas bara för personal."),
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("inbjudan")
        verbose_name_plural = _("inbjudningar")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("surveys:invitation", kwargs={"token": self.token})


class Response(models.Model):
    class Sex(models.TextChoices):
        WOMAN = "kvinna", _("Kvinna")
        MAN = "man", _("Man")
        OTHER = "annat", _("Annat")
        UNDISCLOSED = "vill_inte_uppge", _("Vill inte uppge")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
    )
    invitation = models.OneToOneField(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="response"
    )
    # Lets a person come back to an unfinished response without an account.
    resume_token = models.CharField(max_length=64, unique=True, default=new_token)
    # A content language code (``core.languages``: "lattlast" is longer than a language tag).
    language = models.CharField(max_length=12, default="sv")
    started = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Background questions, in the same form in every survey. Blank: not answered.
    age_group = models.CharField(
        _("åldersgrupp"), max_length=10, blank=True, choices=[(a, a) for a in AGE_GROUPS]
    )
    sex = models.CharField(_("kön"), max_length=20, blank=True, choices=Sex.choices)
    municipality = models.ForeignKey(
        "organisations.Municipality",
        verbose_name=_("kommun"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lives_elsewhere = models.BooleanField(_("bor i en annan kommun"), default=False)

    class Meta:
        verbose_name = _("enkätsvar")
        verbose_name_plural = _("enkätsvar")
        ordering = ["id"]
        indexes = [
            # How many responses and when one last changed, read by the public results page
            # on every view to tell whether the results it keeps are current.
            models.Index(fields=["survey", "updated"], name="survey_response_stamp"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "respondent"],
                condition=Q(respondent__isnull=False),
                name="one_response_per_account",
            ),
            models.CheckConstraint(
                condition=~Q(lives_elsewhere=True, municipality__isnull=False),
                name="response_municipality_or_elsewhere",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.pk}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Answer(models.Model):
    """One answer to one question; a multiple-choice answer is one row per ticked choice."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    # PROTECT: a question or choice somebody answered is never deleted on its own (the
    # survey as a whole may be, and takes its answers with it).
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    choice = models.ForeignKey(
        Choice, on_delete=models.PROTECT, null=True, blank=True, related_name="answers"
    )
    text = models.TextField(blank=True)
    number = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "choice"],
                condition=Q(choice__isnull=False),
                name="answer_choice_once",
            ),
            models.UniqueConstraint(
                fields=["response", "question"],
                condition=Q(choice__isnull=True),
                name="answer_value_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}:{self.question_id}"


class Theme(models.Model):
    """A theme among the free-text answers to one question, found by clustering or by staff."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(_("namn"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    # Answer ids, most typical first, as the clustering found them.
    representatives = models.JSONField(default=list, blank=True)
    answers = models.ManyToManyField(Answer, related_name="themes", blank=True)

    class Meta:
        verbose_name = _("tema")
        verbose_name_plural = _("teman")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name
