from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "delaktig.proposals"
    label = "proposals"
    verbose_name = "Medborgarförslag"

    def ready(self) -> None:
        from . import selectors

        selectors.connect_signals()
