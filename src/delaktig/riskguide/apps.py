from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskguideConfig(AppConfig):
    name = "delaktig.riskguide"
    label = "riskguide"
    verbose_name = _("Riskguiden")
    default_auto_field = "django.db.models.BigAutoField"
