from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "delaktig.consultations"
    label = "consultations"
    verbose_name = _("Samråd om utkast")
    default_auto_field = "django.db.models.BigAutoField"
