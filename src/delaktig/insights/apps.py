from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "delaktig.insights"
    label = "insights"
