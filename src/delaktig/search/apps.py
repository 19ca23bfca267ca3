from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "delaktig.search"
    label = "search"
    verbose_name = _("Sök")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The index follows saves and deletions of every model a SearchSource names.
        from . import index

        index.connect_signals()
