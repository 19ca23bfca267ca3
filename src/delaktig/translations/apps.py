from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TranslationsConfig(AppConfig):
    name = "delaktig.translations"
    label = "translations"
    verbose_name = _("Översättningar")
    default_auto_field = "django.db.models.BigAutoField"
