from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path(
        "personal/processer/<int:pk>/siffror/", views.process_figures_view, name="process_figures"
    ),
]
