from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "delaktig.core"
    label = "core"
    verbose_name = "Delaktig core"
