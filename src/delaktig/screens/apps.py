from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreensConfig(AppConfig):
    name = "delaktig.screens"
    label = "screens"
    verbose_name = _("Skärmar och affischer")
    default_auto_field = "django.db.models.BigAutoField"
