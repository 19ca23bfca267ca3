from django.urls import path

from . import views

app_name = "population"

urlpatterns = [
    path("", views.table_list, name="list"),
    path("<int:pk>/", views.table_detail, name="detail"),
    path("<int:pk>/ta-bort/", views.table_delete, name="delete"),
]
