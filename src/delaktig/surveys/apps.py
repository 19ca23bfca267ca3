from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "delaktig.surveys"
    label = "surveys"
    verbose_name = _("Enkäter")
    default_auto_field = "django.db.models.BigAutoField"
