from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class ParticipationConfig(AppConfig):
    name = "delaktig.participation"
    label = "participation"

    def ready(self) -> None:
        # Every app may declare participation modules in a ``modules.py``; importing it
        # registers them. The spine never imports a method by name.
        autodiscover_modules("modules")
