"""The audit log: every staff action, who did it, when, and to what."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    created = models.DateTimeField(_("tidpunkt"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utförd av"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    action = models.CharField(_("händelse"), max_length=80, db_index=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    target_type = models.CharField(max_length=80)
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("loggpost")
        verbose_name_plural = _("granskningslogg")
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"


class JobRun(models.Model):
    """When ``tick`` last ran a time-driven job from the platform registry, and how it went."""

    key = models.CharField(max_length=80, unique=True)
    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)
    result = models.IntegerField(default=0)
    error = models.TextField(blank=True)
    # While a tick runs the job: since when (the real clock) and which tick (host:pid:token).
    # Another tick leaves the job alone until DELAKTIG_TASK_STALE_AFTER has passed (core/jobs.py).
    running_since = models.DateTimeField(null=True)
    running_by = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("körning av schemalagt jobb")
        verbose_name_plural = _("körningar av schemalagda jobb")

    def __str__(self) -> str:
        return self.key
