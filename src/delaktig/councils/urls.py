from django.urls import path

from . import views

app_name = "councils"

urlpatterns = [
    path("", views.council_list, name="list"),
    path("remisser/<int:pk>/", views.referral_detail, name="referral"),
    path("personal/remisser/", views.referrals_dashboard, name="referrals"),
    path("personal/rad/", views.council_edit, name="create"),
    path("personal/rad/<slug:slug>/", views.council_edit, name="edit"),
    path("personal/moten/<int:meeting_pk>/narvaro/", views.attendance, name="attendance"),
    path("personal/ersattning/<slug:slug>/", views.compensation_model_edit, name="compensation"),
    path("personal/ersattning/<slug:slug>/utbetalning.csv", views.payroll_csv, name="payroll"),
    path("<slug:slug>/", views.council_detail, name="detail"),
    path("<slug:slug>/kalender.ics", views.council_ics, name="ics"),
]
