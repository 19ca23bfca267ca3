from django.urls import path

from . import views

urlpatterns = [path("", views.site_search, name="search")]
