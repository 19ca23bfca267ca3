from django.urls import path

from . import views

app_name = "organisations"

urlpatterns = [
    path("tillganglighet/", views.accessibility_primary, name="accessibility_primary"),
    path("tillganglighet/<slug:slug>/", views.accessibility, name="accessibility"),
    path(
        "tillganglighet/<slug:slug>/redigera/", views.accessibility_edit, name="accessibility_edit"
    ),
    path(
        "personal/organisationer/<slug:slug>/profil/",
        views.branding_edit,
        name="branding",
    ),
    path("organisation/<slug:slug>/profil.css", views.brand_stylesheet, name="brand_stylesheet"),
    path(
        "organisation/<slug:slug>/logotyp-<int:version>.png",
        views.logo,
        name="logo",
    ),
    path(
        "personal/organisationer/<slug:slug>/gallring/",
        views.retention_edit,
        name="retention",
    ),
    path(
        "personal/organisationer/<slug:slug>/webbadress/",
        views.host_edit,
        name="host",
    ),
]
