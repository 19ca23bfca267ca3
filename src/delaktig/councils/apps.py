from django.apps import AppConfig


class CouncilsConfig(AppConfig):
    name = "delaktig.councils"
    label = "councils"
    verbose_name = "Råd"
