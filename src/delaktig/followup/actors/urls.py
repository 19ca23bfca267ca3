"""URLs for joining strategies and for networks, included by ``urls.py`` and ``staff_urls.py``.

``public_patterns`` go first in the ``followup`` namespace (mounted at /uppfoljning/) so that
``natverk/`` and ``<slug>/anslutna/`` are not read as a strategy or a plan. ``staff_patterns``
go into ``followup_staff`` (mounted at /personal/uppfoljning/).
"""

from django.urls import path

from . import views

public_patterns = [
    path("natverk/", views.networks, name="networks"),
    path("natverk/<slug:slug>/", views.network, name="network"),
    path(
        "natverk/<slug:slug>/dokument/<int:pk>/",
        views.network_document,
        name="network_document",
    ),
    path(
        "natverk/<slug:slug>/dokument/<int:pk>/ta-bort/",
        views.network_document_delete,
        name="network_document_delete",
    ),
    path("<slug:slug>/anslutna/", views.joined, name="joined"),
    path("<slug:slug>/anslut/", views.join, name="join"),
    path(
        "<slug:slug>/anslutna/<int:pk>/bekrafta/<str:token>/",
        views.contact_confirm,
        name="contact_confirm",
    ),
    path(
        "<slug:slug>/anslutna/<int:pk>/redovisa/",
        views.commitment_report,
        name="commitment_report",
    ),
    path(
        "<slug:slug>/anslutna/<int:pk>/redovisa/<int:activity_pk>/",
        views.actor_activity_edit,
        name="actor_activity_edit",
    ),
]

staff_patterns = [
    path("<int:pk>/anslutningar/", views.actors, name="actors"),
    path("<int:pk>/anslutningar/ny/", views.commitment_add, name="commitment_add"),
    path("anslutning/<int:pk>/", views.commitment_review, name="commitment_review"),
    path("natverk/", views.networks_staff, name="networks"),
    path("natverk/ny/", views.network_edit, name="network_create"),
    path("natverk/<int:pk>/", views.network_edit, name="network_edit"),
    path("natverk/<int:pk>/medlemmar/", views.network_members, name="network_members"),
    path(
        "natverk/<int:pk>/medlemmar/<int:member_pk>/ta-bort/",
        views.network_member_remove,
        name="network_member_remove",
    ),
    path("natverk/<int:pk>/traffar/", views.network_meetings, name="network_meetings"),
    path(
        "natverk/<int:pk>/traffar/<int:meeting_pk>/",
        views.network_meetings,
        name="network_meeting_edit",
    ),
    path("natverk/<int:pk>/dokument/", views.network_documents, name="network_documents"),
]
