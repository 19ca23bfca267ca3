from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "delaktig.notifications"
    label = "notifications"
