from django.urls import path

from . import views

app_name = "newsletters"

urlpatterns = [
    path("", views.index, name="index"),
    path("bekrafta/<str:token>/", views.confirm, name="confirm"),
    path("avsluta/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("<slug:slug>/", views.subscribe, name="subscribe"),
    path("<slug:slug>/tack/", views.requested, name="requested"),
    path("<slug:slug>/sluta/", views.leave, name="leave"),
]
