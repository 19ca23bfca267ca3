from django.urls import path

from . import views

urlpatterns = [
    path("<int:module_pk>/", views.vote_page, name="vote"),
    path("<int:module_pk>/pastaende/", views.statement_create, name="statement_create"),
    path("<int:module_pk>/mina-roster/", views.my_votes, name="my_votes"),
    path("<int:module_pk>/resultat/", views.results, name="results"),
    path("personal/<int:module_pk>/", views.manage, name="manage"),
    path(
        "personal/<int:module_pk>/pastaende/<int:statement_pk>/",
        views.moderate,
        name="moderate",
    ),
    path("personal/<int:module_pk>/import/", views.import_polis, name="import"),
    path("personal/<int:module_pk>/rakna-om/", views.recompute_now, name="recompute"),
]
