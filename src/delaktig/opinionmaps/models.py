"""Opinion maps: statements, participants, votes and the latest computed result.

The maths works on primary keys (participants and statements); the Polis export uses the
per-map ``number`` of each, so that a map's files say nothing about other maps.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

STATEMENT_MAX_LENGTH = 280
# The kind of text the moderation service knows statements as (see contributions.py).
STATEMENT_KIND = "opinionmaps.statement"


class OpinionMap(models.Model):
    class Moderation(models.TextChoices):
        BEFORE = "before", _("Före publicering: nya påståenden granskas innan de visas")
        AFTER = "after", _("Efter publicering: nya påståenden visas direkt och kan tas bort")

    module = models.OneToOneField(
        "participation.ProcessModule", on_delete=models.CASCADE, related_name="opinion_map"
    )
    topic = models.TextField(
        _("frågan eller ämnet"),
        help_text=_("Det påståendena handlar om, i en eller två meningar."),
    )
    moderation = models.CharField(
        _("moderering"), max_length=10, choices=Moderation.choices, default=Moderation.BEFORE
    )
    allow_statements = models.BooleanField(_("deltagarna får skriva egna påståenden"), default=True)
    results_public = models.BooleanField(
        _("visa kartan för alla medan den är öppen"),
        default=True,
        help_text=_("Annars visas resultatet när processen har stängt. Personal ser det alltid."),
    )
    source = models.CharField(_("källa"), max_length=200, blank=True)
    source_attribution = models.TextField(_("källhänvisning och licens"), blank=True)
    seed = models.PositiveIntegerField(default=0)
    # Bumped by every vote, statement decision and import; a result records what it read.
    version = models.PositiveBigIntegerField(default=0)
    recompute_pending = models.BooleanField(default=False)
    # When the pending recompute was asked for: one pending far longer than a recompute takes
    # lost its task, and the hourly job asks again (services.recompute_lost).
    recompute_requested_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("opinionskarta")
        verbose_name_plural = _("opinionskartor")

    def __str__(self) -> str:
        return str(self.module)


class Participant(models.Model):
    """Someone who voted or wrote in one map; imported participants have no account."""

    map = models.ForeignKey(OpinionMap, on_delete=models.CASCADE, related_name="participants")
    number = models.PositiveIntegerField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opinion_participations",
    )
    external_id = models.CharField(max_length=64, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["map", "number"], name="opinion_participant_number"),
            models.UniqueConstraint(
                fields=["map", "user"],
                condition=Q(user__isnull=False),
                name="opinion_participant_once_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"participant:{self.map_id}:{self.number}"


class Statement(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Väntar på granskning")
        PUBLISHED = "published", _("Publicerat")
        REJECTED = "rejected", _("Avvisat")

    map = models.ForeignKey(OpinionMap, on_delete=models.CASCADE, related_name="statements")
    number = models.PositiveIntegerField()
    text = models.CharField(_("påstående"), max_length=STATEMENT_MAX_LENGTH)
    author = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="statements"
    )
    # Written by staff to start the conversation (Polis' "seed" comments).
    is_seed = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    rejection_reason = models.CharField(_("skäl"), max_length=300, blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    external_id = models.CharField(max_length=64, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["map", "number"], name="opinion_statement_number"),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="opinion_statement_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def module(self) -> Any:
        """The map's participation module: the organisation a permission about the statement
        is asked for (``moderation.moderate_item``) is found through it."""
        return self.map.module


class Vote(models.Model):
    class Value(models.IntegerChoices):
        AGREE = 1, _("Håller med")
        DISAGREE = -1, _("Håller inte med")
        PASS = 0, _("Pass / vet inte")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(choices=Value.choices)
    created = models.DateTimeField()
    updated = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "statement"], name="opinion_vote_once_per_statement"
            ),
            models.CheckConstraint(
                condition=Q(value__in=[-1, 0, 1]), name="opinion_vote_value_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"vote:{self.participant_id}:{self.statement_id}={self.value}"


class MapResult(models.Model):
    """The latest result of the maths for one map, with what it was computed from."""

    map = models.OneToOneField(OpinionMap, on_delete=models.CASCADE, related_name="result")
    computed_at = models.DateTimeField()
    version = models.PositiveBigIntegerField()  # the map's version when the votes were read
    n_participants = models.PositiveIntegerField()
    n_grouped = models.PositiveIntegerField()
    n_statements = models.PositiveIntegerField()
    n_votes = models.PositiveIntegerField()
    k = models.PositiveSmallIntegerField()
    seconds = models.FloatField()
    data: Any = models.JSONField()

    def __str__(self) -> str:
        return f"result:{self.map_id}@{self.version}"
