from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpinionMapsConfig(AppConfig):
    """The Django side of opinion maps. ``maths`` and ``polisdata`` import no Django."""

    name = "delaktig.opinionmaps"
    label = "opinionmaps"
    verbose_name = _("Opinionskartor")
    default_auto_field = "django.db.models.BigAutoField"
