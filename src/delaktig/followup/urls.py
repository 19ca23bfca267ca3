from django.urls import path

from . import views
from .actors.urls import public_patterns
from .reports import views as report_views

app_name = "followup"


# Joining and networks first: "natverk/" must not be read as a strategy's address.
urlpatterns = [
    *public_patterns,
    path("", views.index, name="index"),
    path("<slug:slug>/", views.strategy, name="strategy"),
    path("<slug:slug>/aktivitet/<int:pk>/", views.activity, name="activity"),
    path("<slug:slug>/indikator/<int:pk>/", views.indicator, name="indicator"),
    path("<slug:slug>/rapport/<int:year>/", report_views.report, name="report"),
    path("<slug:slug>/rapport/<int:year>/pdf/", report_views.report_pdf, name="report_pdf"),
    path("<slug:slug>/rapport/<int:year>/docx/", report_views.report_docx, name="report_docx"),
    path("<slug:slug>/<slug:plan_slug>/", views.plan, name="plan"),
]
