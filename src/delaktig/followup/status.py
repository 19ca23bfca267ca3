"""An activity's status. Kept apart from the models so that pure code can share the codes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Inte påbörjad")
    ONGOING = "ongoing", _("Pågår")
    DONE = "done", _("Genomförd")
    POSTPONED = "postponed", _("Uppskjuten")
    CANCELLED = "cancelled", _("Avbruten")


# Statuses that need a reason, in the service and in a database check.
NEEDS_REASON = frozenset({ActivityStatus.POSTPONED.value, ActivityStatus.CANCELLED.value})
