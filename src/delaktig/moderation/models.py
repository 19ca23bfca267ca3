"""Moderation kept in the open: decisions with their statements of reasons, reviews by a
second moderator, the organisation's conversation rules and its own screening terms."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Rule(models.TextChoices):
    """Which of the conversation rules a decision applies (the "ground" of a statement of
    reasons, DSA art. 17(3)(d)–(e)). The same list for every kind of text, so the public
    figures can be compared across modules."""

    THREAT = "threat", _("Hot eller uppmaning till våld")
    HATE = "hate", _("Hets eller hat mot en grupp")
    HARASSMENT = "harassment", _("Trakasserier eller kränkningar")
    PERSONAL_DATA = "personal_data", _("Personuppgifter om någon")
    OFF_TOPIC = "off_topic", _("Hör inte till ämnet")
    SPAM = "spam", _("Reklam eller upprepningar")
    UNLAWFUL = "unlawful", _("Annat olagligt innehåll")
    OTHER = "other", _("Annat brott mot samtalsreglerna")


class Decision(models.Model):
    """One moderation decision about one text, and its statement of reasons.

    ``held`` is screening's pre-moderation (the text waits for a person); ``hidden`` and
    ``rejected`` take a text out of public view; ``released`` publishes a held text or shows a
    hidden one again. A decision that withholds may be reviewed once, at the author's request,
    by another moderator than the one who decided.
    """

    class Action(models.TextChoices):
        HELD = "held", _("Väntar på granskning")
        HIDDEN = "hidden", _("Dold")
        REJECTED = "rejected", _("Avvisad")
        RELEASED = "released", _("Publicerad")

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Beslutet står fast")
        REVERSED = "reversed", _("Beslutet ändrades")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    # The ModeratedKind (``discussions.comment``) and the item's primary key.
    kind = models.CharField(max_length=60)
    object_id = models.PositiveBigIntegerField()
    action = models.CharField(max_length=10, choices=Action.choices)
    rule = models.CharField(_("regel"), max_length=20, choices=Rule.choices, blank=True)
    reason = models.CharField(_("skäl som visas för den som skrev"), max_length=500, blank=True)
    # Decided by screening without a person (DSA art. 17(3)(c)), and what screening found:
    # [{"label", "detector", "words", "severity"}].
    automated = models.BooleanField(default=False)
    findings = models.JSONField(default=list, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    # The author's one request for a review, and its outcome by another moderator.
    review_requested_at = models.DateTimeField(null=True, blank=True)
    review_request = models.TextField(_("varför beslutet bör ändras"), max_length=1000, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    review_reply = models.TextField(_("svar till den som skrev"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("modereringsbeslut")
        verbose_name_plural = _("modereringsbeslut")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["kind", "object_id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(action="released") | ~Q(reason=""),
                name="withholding_decision_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(reviewed_at__isnull=True) | Q(review_requested_at__isnull=False),
                name="review_only_after_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} {self.action}"

    @property
    def withholds(self) -> bool:
        return self.action != self.Action.RELEASED

    @property
    def review_pending(self) -> bool:
        return self.review_requested_at is not None and self.reviewed_at is None


class ConversationRules(models.Model):
    """Samtalsregler: the organisation's rules for what may be written, accepted by each person
    before their first post. A new ``version`` asks everyone to accept again."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="conversation_rules"
    )
    text = models.TextField(_("samtalsregler"), max_length=8000)
    version = models.PositiveIntegerField(default=1)
    updated = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("samtalsregler")
        verbose_name_plural = _("samtalsregler")

    def __str__(self) -> str:
        return str(self.organisation)


class RulesAcceptance(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rules_acceptances"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    version = models.PositiveIntegerField()
    accepted = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="one_rules_acceptance_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.organisation_id} v{self.version}"


class ScreeningTerm(models.Model):
    """A word or phrase an organisation adds to the built-in screening lists, or exempts."""

    class Label(models.TextChoices):
        THREAT = "threat", _("Hot")
        HATE = "hate", _("Hat")
        HARASSMENT = "harassment", _("Trakasserier")
        ALLOW = "allow", _("Undantag (flaggas aldrig)")

    class Severity(models.TextChoices):
        LOW = "low", _("Låg")
        MEDIUM = "medium", _("Medel")
        HIGH = "high", _("Hög")

    class Match(models.TextChoices):
        WORD = "word", _("Ordet och dess böjningar")
        PREFIX = "prefix", _("Alla ord som börjar så")
        PHRASE = "phrase", _("Orden i följd")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="screening_terms"
    )
    text = models.CharField(_("ord eller fras"), max_length=100)
    label = models.CharField(_("sort"), max_length=12, choices=Label.choices)
    severity = models.CharField(
        _("allvar"), max_length=6, choices=Severity.choices, default=Severity.MEDIUM
    )
    match = models.CharField(_("matchning"), max_length=6, choices=Match.choices, default="word")
    note = models.CharField(_("anteckning"), max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("screeningord")
        verbose_name_plural = _("screeningord")
        ordering = ["label", "text"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "text", "label"], name="one_screening_term_per_label"
            )
        ]

    def __str__(self) -> str:
        return self.text
