from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "delaktig.pages"
    label = "pages"
    verbose_name = _("Informationssidor")
    default_auto_field = "django.db.models.BigAutoField"
