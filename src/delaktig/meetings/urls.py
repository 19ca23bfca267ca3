from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("kalender.ics", views.calendar_ics, name="calendar_ics"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/mote.ics", views.meeting_ics, name="ics"),
    path("<int:pk>/avanmal/", views.registration_cancel, name="cancel"),
    path("<int:pk>/fraga/", views.question_submit, name="question"),
    path("personal/<int:pk>/fragor/", views.questions_manage, name="questions"),
    path("personal/nytt/", views.meeting_edit, name="create"),
    path("personal/<int:pk>/", views.meeting_edit, name="edit"),
]
