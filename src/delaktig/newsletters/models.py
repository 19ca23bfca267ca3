"""Newsletters: who subscribes to an organisation's news, what staff send, and to whom it went.

- ``Subscription``: one address (or account) per organisation, the content language wanted,
  an optional municipality and topics (perspectives, Agenda 2030 goals). An address typed into
  the public form is confirmed by a link e-mailed to it (double opt-in); until then it gets
  nothing, and after seven days unconfirmed it is removed. No secret is stored: the links'
  tokens are keyed hashes of the row (``tokens.py``), so the database alone opens nothing.
- ``Newsletter``: subject, preamble and body (translatable), the segment it goes to, and its
  state (draft → sending → sent, ``workflow.py``).
- ``Delivery``: one row per newsletter and address (a database constraint), the language it
  went in and how far it got; a retried or doubled batch task can never send twice.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delaktig.translations.models import TranslatedModel

from .workflow import STATUS_LABELS, Status


class Subscription(models.Model):
    holds_personal_data = True

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="newsletter_subscriptions",
    )
    # Kept in lower case: one subscription per address and organisation.
    email = models.EmailField(_("e-postadress"), max_length=320)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("konto"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    language = models.CharField(_("språk"), max_length=12, default="sv")
    municipality = models.ForeignKey(
        "organisations.Municipality",
        verbose_name=_("kommun"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    perspectives = models.ManyToManyField(
        "participation.Perspective", verbose_name=_("perspektiv"), blank=True, related_name="+"
    )
    sdg_goals = models.ManyToManyField(
        "participation.SdgGoal", verbose_name=_("Agenda 2030-mål"), blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("prenumeration")
        verbose_name_plural = _("prenumerationer")
        constraints = [
            models.UniqueConstraint(
                "organisation", Lower("email"), name="newsletter_subscription_one_per_address"
            ),
        ]
        indexes = [models.Index(fields=["confirmed_at", "created_at"])]

    def __str__(self) -> str:
        return f"{self.email} ({self.organisation_id})"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class Newsletter(TranslatedModel):
    translated_fields = ("subject", "preamble", "body")
    markdown_fields = ("body",)

    class Combine(models.TextChoices):
        ALL = "all", _("alla villkor (och)")
        ANY = "any", _("något av villkoren (eller)")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="newsletters",
    )
    subject = models.CharField(_("ämnesrad"), max_length=200)
    preamble = models.TextField(_("ingress"), max_length=600, blank=True)
    body = models.TextField(_("text"), help_text=_("Markdown."))
    # The segment: confirmed subscribers (narrowed by municipality and topic), OR the
    # followers of the processes, OR the members of the councils.
    to_subscribers = models.BooleanField(_("bekräftade prenumeranter"), default=True)
    municipalities = models.ManyToManyField(
        "organisations.Municipality", verbose_name=_("kommuner"), blank=True, related_name="+"
    )
    perspectives = models.ManyToManyField(
        "participation.Perspective", verbose_name=_("perspektiv"), blank=True, related_name="+"
    )
    sdg_goals = models.ManyToManyField(
        "participation.SdgGoal", verbose_name=_("Agenda 2030-mål"), blank=True, related_name="+"
    )
    combine = models.CharField(
        _("prenumeranter som uppfyller"),
        max_length=3,
        choices=Combine.choices,
        default=Combine.ALL,
    )
    processes = models.ManyToManyField(
        "participation.Process",
        verbose_name=_("de som följer processerna"),
        blank=True,
        related_name="+",
    )
    councils = models.ManyToManyField(
        "councils.Council", verbose_name=_("ledamöterna i råden"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=[(s.value, label) for s, label in STATUS_LABELS.items()],
        default=Status.DRAFT.value,
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("skickat"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    recipient_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("nyhetsbrev")
        verbose_name_plural = _("nyhetsbrev")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT.value


class Delivery(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Väntar")
        # Written to the e-mail outbox; how it went there is the outbox row's status.
        HANDED = "handed", _("Lämnat till utskick")
        SKIPPED = "skipped", _("Inte skickat (avstängt)")
        FAILED = "failed", _("Misslyckades")

    holds_personal_data = True

    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="deliveries")
    email = models.EmailField(max_length=320)
    language = models.CharField(max_length=12, default="sv")
    # Why the address is on the list: a confirmed subscription, an account (a follower or a
    # council member), or both; says what the unsubscribe link does.
    via_subscription = models.BooleanField(default=False)
    via_account = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    outgoing = models.ForeignKey(
        "notifications.OutgoingEmail",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    handed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("utskick av nyhetsbrev")
        verbose_name_plural = _("utskick av nyhetsbrev")
        constraints = [
            models.UniqueConstraint(
                fields=["newsletter", "email"], name="newsletter_delivery_once"
            ),
            models.CheckConstraint(condition=Q(email=Lower("email")), name="delivery_email_lower"),
        ]
        indexes = [models.Index(fields=["newsletter", "state"])]

    def __str__(self) -> str:
        return f"{self.newsletter_id} → {self.email} ({self.state})"
