from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "delaktig.organisations"
    label = "organisations"
