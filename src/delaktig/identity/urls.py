from django.urls import path

from . import views

app_name = "identity"

urlpatterns = [
    path("personal/verifiera/", views.verify_resident, name="verify"),
    path("personal/kod/", views.issue_code, name="issue_code"),
    path("kod/", views.redeem_code, name="redeem_code"),
]
