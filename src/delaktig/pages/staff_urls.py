from django.urls import URLPattern, URLResolver, path

from . import staff_views

app_name = "pages_staff"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", staff_views.index, name="index"),
    path("<slug:slug>/", staff_views.organisation, name="organisation"),
    path("<slug:slug>/ny-sida/", staff_views.page_create, name="page_create"),
    path("<slug:slug>/ledamoter/", staff_views.seats, name="seats"),
    path("sida/<int:pk>/", staff_views.page_edit, name="page_edit"),
    path("sida/<int:pk>/flytta/", staff_views.page_move, name="page_move"),
    path("sida/<int:pk>/status/", staff_views.page_transition, name="page_transition"),
    path("sida/<int:pk>/ta-bort/", staff_views.page_delete, name="page_delete"),
    path("uppdrag/<int:pk>/", staff_views.seat_edit, name="seat_edit"),
    path("uppdrag/<int:pk>/ta-bort/", staff_views.seat_delete, name="seat_delete"),
]
