from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "delaktig.assessments"
    label = "assessments"
    verbose_name = _("Konsekvensanalyser")
    default_auto_field = "django.db.models.BigAutoField"
