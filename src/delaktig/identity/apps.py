from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "delaktig.identity"
    label = "identity"
    verbose_name = "Identity verification"
