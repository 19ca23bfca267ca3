"""What an organisation's waiting-room screen shows, and for how long each item stays."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

SECONDS_MIN = 10
SECONDS_MAX = 120
SECONDS_DEFAULT = 20


class ScreenSettings(models.Model):
    """One row per organisation; an organisation without one gets the defaults."""

    organisation = models.OneToOneField(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="screen_settings",
    )
    seconds = models.PositiveSmallIntegerField(
        _("sekunder per sak"),
        default=SECONDS_DEFAULT,
        help_text=_("Hur länge varje sak visas innan skärmen byter, 10–120 sekunder."),
    )
    show_processes = models.BooleanField(_("visa öppna processer"), default=True)
    show_meetings = models.BooleanField(
        _("visa kommande möten med allmänhetens frågestund och öppna möten"), default=True
    )
    show_proposals = models.BooleanField(_("visa medborgarförslag som samlar stöd"), default=True)
    updated = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("inställningar för skärm")
        verbose_name_plural = _("inställningar för skärmar")
        constraints = [
            models.CheckConstraint(
                condition=Q(seconds__gte=SECONDS_MIN) & Q(seconds__lte=SECONDS_MAX),
                name="screen_seconds_in_range",
            )
        ]

    def __str__(self) -> str:
        return str(self.organisation)

    @property
    def kinds(self) -> frozenset[str]:
        """The kinds of item the screen shows (``selectors.KINDS``)."""
        shown = {
            "process": self.show_processes,
            "meeting": self.show_meetings,
            "proposal": self.show_proposals,
        }
        return frozenset(kind for kind, on in shown.items() if on)
