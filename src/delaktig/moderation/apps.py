from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "delaktig.moderation"
    label = "moderation"
    verbose_name = _("Moderering")
    default_auto_field = "django.db.models.BigAutoField"
