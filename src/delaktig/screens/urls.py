"""Mounted at the site's root (config/urls.py): the paths below sit beside other apps'."""

from django.urls import URLPattern, URLResolver, path

from . import staff_views, views

app_name = "screens"
urlpatterns: list[URLPattern | URLResolver] = [
    path("skarm/", views.screen_primary, name="screen_primary"),
    path("skarm/<slug:slug>/", views.screen, name="screen"),
    path("skarm/<slug:slug>/farger.css", views.screen_colours, name="colours"),
    path("processer/<slug:slug>/affisch.pdf", views.poster, name="poster"),
    path("personal/skarmar/", staff_views.index, name="staff_index"),
    path("personal/skarmar/<slug:slug>/", staff_views.organisation, name="staff_organisation"),
]
