from django.urls import path

from . import staff_views, views

app_name = "proposals"

urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("nytt/", views.proposal_create, name="create"),
    path("mina/", views.my_proposals, name="mine"),
    path("flode/", views.ProposalFeed(), name="feed"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.json", views.export_json, name="export_json"),
    path("statistik/", views.statistics, name="statistics"),
    path("<int:pk>/", views.proposal_detail, name="detail"),
    path("<int:pk>/andra/", views.proposal_edit, name="edit"),
    path("<int:pk>/skicka-in/", views.proposal_submit, name="submit"),
    path("<int:pk>/stod/", views.proposal_support, name="support"),
    path("<int:pk>/aterkalla/", views.proposal_withdraw, name="withdraw"),
    path("bilaga/<int:pk>/", views.attachment_download, name="attachment"),
    path("personal/", staff_views.dashboard, name="staff_dashboard"),
    path("personal/<int:pk>/", staff_views.case, name="staff_case"),
    path("personal/rapport/", staff_views.report, name="staff_report"),
    path("personal/regler/<slug:slug>/", staff_views.rules_edit, name="staff_rules"),
    path("personal/rapport.pdf", staff_views.report_pdf, name="staff_report_pdf"),
]
