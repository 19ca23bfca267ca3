from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "pages"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.organisation, name="organisation"),
    path("<slug:slug>/<path:path>/", views.page, name="page"),
]
