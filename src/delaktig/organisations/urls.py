from django.urls import path

from . import views

app_name = "organisations"

urlpatterns = [
    path("", views.accessibility_primary, name="accessibility_primary"),
    path("<slug:slug>/", views.accessibility, name="accessibility"),
    path("<slug:slug>/redigera/", views.accessibility_edit, name="accessibility_edit"),
]
