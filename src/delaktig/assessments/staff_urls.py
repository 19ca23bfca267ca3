from django.urls import path

from . import staff_views

app_name = "assessments_staff"

urlpatterns = [
    path("", staff_views.assessment_list, name="list"),
    path("ny/", staff_views.assessment_create, name="create"),
    path("<int:pk>/", staff_views.assessment_detail, name="detail"),
    path("<int:pk>/redigera/", staff_views.assessment_edit, name="edit"),
    path("<int:pk>/klar/", staff_views.assessment_mark_ready, name="mark_ready"),
    path("<int:pk>/godkann/", staff_views.assessment_sign_off, name="sign_off"),
    path("<int:pk>/oppna-igen/", staff_views.assessment_reopen, name="reopen"),
]
