from django.urls import path

from . import views

app_name = "knowledge"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.bank, name="bank"),
    path("<slug:slug>/del/<int:pk>/", views.part, name="part"),
    path("<slug:slug>/del/<int:pk>/dokument/", views.document, name="document"),
    path("<slug:slug>/del/<int:pk>/genomgangen/", views.completion, name="completion"),
]
