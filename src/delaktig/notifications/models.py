"""The e-mail outbox: every e-mail the platform sends is a row here before it is sent.

A row is written in the same transaction as the change it tells about, so an e-mail is queued
if and only if the change happened; a background task sends it after the commit. The row's
status makes sending idempotent: a task run twice, or a retry, finds it SENT and does nothing.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutgoingEmail(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Väntar")
        SENDING = "sending", _("Skickas")
        SENT = "sent", _("Skickat")
        FAILED = "failed", _("Misslyckades")

    holds_personal_data = True

    # SHA-256 of what identifies this e-mail for its sender (say, "proposal_event:12:<address>"),
    # or of a random value when nothing does: a second request for the same e-mail is a no-op.
    key = models.CharField(max_length=64, unique=True)
    recipient = models.CharField(_("mottagare"), max_length=320)
    template = models.CharField(_("vilket e-brev"), max_length=100)
    subject = models.CharField(_("ämne"), max_length=300)
    body = models.TextField(_("text"))
    html_body = models.TextField(blank=True)
    # Extra headers the e-mail is sent with ({"List-Unsubscribe": "<https://…>"}); the
    # Message-ID is always the outbox's own.
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("utgående e-post")
        verbose_name_plural = _("utgående e-post")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.template} → {self.recipient} ({self.status})"


class Channel(models.TextChoices):
    """How a person is notified. Only e-mail now; a new channel is a new choice here, and the
    notification settings page shows it as a new column."""

    EMAIL = "email", _("E-post")


class NotificationSetting(models.Model):
    """A person's choice for one kind of notification on one channel. No row means the kind's
    ``default`` (see ``delaktig.core.contributions.NotificationKind``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_settings",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("slags avisering"), max_length=100)
    channel = models.CharField(
        _("kanal"), max_length=20, choices=Channel.choices, default=Channel.EMAIL
    )
    enabled = models.BooleanField(_("på"), default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("aviseringsinställning")
        verbose_name_plural = _("aviseringsinställningar")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "channel"], name="notification_setting_unique"
            )
        ]

    def __str__(self) -> str:
        state = "på" if self.enabled else "av"
        return f"{self.kind} ({self.channel}): {state}"
