from django.urls import path

from . import views

app_name = "identity"

urlpatterns = [
    path("personal/verifiera/", views.verify_resident, name="verify"),
]
