from django.urls import path

from delaktig.accounts.staff_views import audit_log_view

from . import staff_views as views

app_name = "staff"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("logg/", audit_log_view, name="audit_log"),
    path(
        "organisationer/<slug:slug>/",
        views.organisation_settings,
        name="organisation_settings",
    ),
    path("processer/ny/", views.process_create, name="process_create"),
    path("processer/<int:pk>/", views.process_manage, name="process"),
    path("processer/<int:pk>/redigera/", views.process_edit, name="process_edit"),
    path("processer/<int:pk>/status/", views.process_transition, name="process_transition"),
    path("processer/<int:pk>/moduler/", views.module_add, name="module_add"),
    path("processer/<int:pk>/faser/ny/", views.phase_edit, name="phase_add"),
    path("processer/<int:pk>/faser/<int:phase_pk>/", views.phase_edit, name="phase_edit"),
    path("processer/<int:pk>/aterkoppling/", views.feedback_edit, name="feedback"),
    path(
        "processer/<int:pk>/export/<int:module_pk>/<slug:key>/", views.module_export, name="export"
    ),
]
