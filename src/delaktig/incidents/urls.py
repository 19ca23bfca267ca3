from django.urls import path

from . import views

app_name = "incidents"

urlpatterns = [
    path("", views.incident_list, name="list"),
    path("rapportera/", views.incident_report, name="report"),
    path("statistik/", views.incident_statistics, name="statistics"),
    path("statistik/export.csv", views.statistics_export, name="statistics_export"),
    path("export.csv", views.incident_export, name="export"),
    path("<int:pk>/", views.incident_detail, name="detail"),
    path("<int:pk>/handlagg/", views.incident_edit, name="edit"),
    path("<int:pk>/status/<slug:action>/", views.incident_transition, name="transition"),
    path("<int:pk>/dela/", views.incident_share, name="share"),
    path("<int:pk>/dela/<int:share_pk>/upphav/", views.incident_share_revoke, name="share_revoke"),
]
