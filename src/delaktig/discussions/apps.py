from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "delaktig.discussions"
    label = "discussions"
