from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PopulationConfig(AppConfig):
    name = "delaktig.population"
    label = "population"
    verbose_name = _("Befolkning")
    default_auto_field = "django.db.models.BigAutoField"
