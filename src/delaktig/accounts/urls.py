from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.profile, name="profile"),
    path("aviseringar/", views.notifications, name="notifications"),
    path("statistikuppgifter/", views.demographics, name="demographics"),
    path("mina-uppgifter.json", views.export, name="export"),
    path("ta-bort/", views.delete, name="delete"),
]
