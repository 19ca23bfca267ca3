from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "delaktig.organisations"
    label = "organisations"

    def ready(self) -> None:
        from .hosts import connect_signals

        connect_signals()
