from django.urls import path

from . import staff_views

app_name = "riskguide"

urlpatterns = [
    path("", staff_views.analysis_list, name="list"),
    path("ny/", staff_views.analysis_create, name="create"),
    path("kansliga/", staff_views.marks, name="marks"),
    path("kansliga/<int:pk>/ta-bort/", staff_views.mark_remove, name="mark_remove"),
    path("<int:pk>/", staff_views.analysis_detail, name="detail"),
    path("<int:pk>/steg-1/", staff_views.step_risks, name="step1"),
    path("<int:pk>/steg-2/", staff_views.step_ratings, name="step2"),
    path("<int:pk>/steg-3/", staff_views.step_measures, name="step3"),
    path("<int:pk>/skicka/", staff_views.analysis_submit, name="submit"),
    path("<int:pk>/skicka-tillbaka/", staff_views.analysis_send_back, name="send_back"),
    path("<int:pk>/godkann/", staff_views.analysis_sign_off, name="sign_off"),
    path("<int:pk>/bedom-om/", staff_views.analysis_flag, name="flag"),
    path("<int:pk>/revidera/", staff_views.analysis_revise, name="revise"),
    path("risk/<int:pk>/genomford/", staff_views.risk_done, name="risk_done"),
]
