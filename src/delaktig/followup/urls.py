from django.urls import path

from . import report_views, views

app_name = "followup"

try:
    from .actor_urls import public_patterns
except ImportError:  # pragma: no cover - while joining is being built
    public_patterns = []

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
