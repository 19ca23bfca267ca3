from django.urls import path

from . import staff_views

app_name = "knowledge_staff"

urlpatterns = [
    path("", staff_views.index, name="index"),
    path("<slug:slug>/", staff_views.organisation, name="organisation"),
    path("<slug:slug>/nytt-avsnitt/", staff_views.section_create, name="section_create"),
    path("<slug:slug>/uppfoljning/", staff_views.follow_up, name="follow_up"),
    path("<slug:slug>/uppfoljning.csv", staff_views.follow_up_csv, name="follow_up_csv"),
    path("avsnitt/<int:pk>/", staff_views.section_edit, name="section_edit"),
    path("avsnitt/<int:pk>/flytta/", staff_views.section_move, name="section_move"),
    path("avsnitt/<int:pk>/ta-bort/", staff_views.section_delete, name="section_delete"),
    path("avsnitt/<int:pk>/ny-del/", staff_views.part_create, name="part_create"),
    path("del/<int:pk>/", staff_views.part_edit, name="part_edit"),
    path("del/<int:pk>/flytta/", staff_views.part_move, name="part_move"),
    path("del/<int:pk>/status/", staff_views.part_transition, name="part_transition"),
    path("del/<int:pk>/ta-bort/", staff_views.part_delete, name="part_delete"),
]
