from django.urls import path

from delaktig.accounts.inbox import inbox_view
from delaktig.accounts.staff_views import audit_log_view

from . import staff_views as views
from . import templates_views

app_name = "staff"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("logg/", audit_log_view, name="audit_log"),
    path("inkorg/", inbox_view, name="inbox"),
    path(
        "organisationer/<slug:slug>/",
        views.organisation_settings,
        name="organisation_settings",
    ),
    path("processer/ny/", views.process_create, name="process_create"),
    path(
        "processer/ny/mall/<int:template_pk>/",
        templates_views.process_create_from_template,
        name="process_create_from_template",
    ),
    path(
        "processer/<int:pk>/spara-som-mall/",
        templates_views.process_save_as_template,
        name="process_save_as_template",
    ),
    path("mallar/<int:template_pk>/", templates_views.process_template_edit, name="template_edit"),
    path(
        "mallar/<int:template_pk>/ta-bort/",
        templates_views.process_template_delete,
        name="template_delete",
    ),
    path("processer/<int:pk>/", views.process_manage, name="process"),
    path("processer/<int:pk>/redigera/", views.process_edit, name="process_edit"),
    path("processer/<int:pk>/omslagsbild/", views.process_cover, name="process_cover"),
    path("processer/<int:pk>/status/", views.process_transition, name="process_transition"),
    path("processer/<int:pk>/moduler/", views.module_add, name="module_add"),
    path("processer/<int:pk>/faser/ny/", views.phase_edit, name="phase_add"),
    path("processer/<int:pk>/faser/<int:phase_pk>/", views.phase_edit, name="phase_edit"),
    path("processer/<int:pk>/aterkoppling/", views.feedback_edit, name="feedback"),
    path(
        "processer/<int:pk>/export/<int:module_pk>/<slug:key>/", views.module_export, name="export"
    ),
]
