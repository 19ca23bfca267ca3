from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "delaktig.incidents"
    label = "incidents"
    verbose_name = _("Incidentlogg")
    default_auto_field = "django.db.models.BigAutoField"
