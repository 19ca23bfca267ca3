from django.urls import URLPattern, URLResolver, path

from . import staff_views

app_name = "translations_staff"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", staff_views.overview, name="overview"),
    path("<slug:slug>/oversattare/", staff_views.translators, name="translators"),
    path(
        "<slug:slug>/oversattare/<int:pk>/",
        staff_views.translator_change,
        name="translator_change",
    ),
    path("<slug:slug>/<str:code>/", staff_views.object_list, name="list"),
    path("<slug:slug>/<str:code>/fil/", staff_views.export, name="export"),
    path("<slug:slug>/<str:code>/importera/", staff_views.import_file, name="import"),
    path("<slug:slug>/<str:code>/<str:kind>/<int:pk>/", staff_views.edit, name="edit"),
    path(
        "<slug:slug>/<str:code>/<str:kind>/<int:pk>/granska/",
        staff_views.review,
        name="review",
    ),
]
