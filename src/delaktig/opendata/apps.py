from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "delaktig.opendata"
    label = "opendata"
    verbose_name = _("Öppna data")
    default_auto_field = "django.db.models.BigAutoField"
