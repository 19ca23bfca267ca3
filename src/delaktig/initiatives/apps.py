from django.apps import AppConfig


class InitiativesConfig(AppConfig):
    name = "delaktig.initiatives"
    label = "initiatives"
    verbose_name = "Folkinitiativ"
