from django.urls import path

from . import staff_views, views

urlpatterns = [
    path("<int:module_pk>/", views.budget_page, name="page"),
    path("<int:module_pk>/forslag/nytt/", views.idea_create, name="idea_create"),
    path("<int:module_pk>/forslag/<int:project_pk>/", views.project_detail, name="project"),
    path("<int:module_pk>/rosta/", views.vote, name="vote"),
    path("<int:module_pk>/kvitto/", views.receipt, name="receipt"),
    path("<int:module_pk>/resultat/", views.results, name="results"),
    path("<int:module_pk>/resultat.csv", views.results_csv, name="results_csv"),
    path("<int:module_pk>/resultat.pdf", views.results_pdf, name="results_pdf"),
    path("<int:module_pk>/rostsedlar.csv", views.ballots_csv, name="ballots_csv"),
    path("personal/<int:module_pk>/", staff_views.manage, name="manage"),
    path("personal/<int:module_pk>/installningar/", staff_views.settings, name="settings"),
    path("personal/<int:module_pk>/forslag/nytt/", staff_views.idea_create, name="staff_idea"),
    path("personal/<int:module_pk>/forslag/<int:project_pk>/", staff_views.review, name="review"),
    path("personal/<int:module_pk>/rostsedel/", staff_views.ballot_action, name="ballot_action"),
    path("personal/<int:module_pk>/rakna/", staff_views.count, name="count"),
    path("personal/<int:module_pk>/publicera/", staff_views.publish, name="publish"),
    path("personal/<int:module_pk>/papper/", staff_views.paper, name="paper"),
    path("personal/<int:module_pk>/papper/rostande/", staff_views.paper_voter, name="paper_voter"),
    path("personal/<int:module_pk>/papper/utskrift/", staff_views.paper_print, name="paper_print"),
    path("personal/<int:module_pk>/papper/omgang/", staff_views.batch_create, name="batch_create"),
    path(
        "personal/<int:module_pk>/papper/omgang/<int:batch_pk>/",
        staff_views.batch,
        name="batch",
    ),
    path("personal/<int:module_pk>/vinnare/<int:project_pk>/", staff_views.winner, name="winner"),
]
