from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewslettersConfig(AppConfig):
    name = "delaktig.newsletters"
    label = "newsletters"
    verbose_name = _("Nyhetsbrev")
    default_auto_field = "django.db.models.BigAutoField"
