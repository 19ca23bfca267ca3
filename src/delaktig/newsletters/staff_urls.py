from django.urls import path

from . import staff_views

app_name = "newsletters_staff"

urlpatterns = [
    path("", staff_views.index, name="index"),
    path("brev/<int:pk>/", staff_views.detail, name="detail"),
    path("brev/<int:pk>/andra/", staff_views.edit, name="edit"),
    path("brev/<int:pk>/skicka/", staff_views.send, name="send"),
    path("<slug:slug>/", staff_views.organisation, name="organisation"),
    path("<slug:slug>/nytt/", staff_views.create, name="create"),
]
