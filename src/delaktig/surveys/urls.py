from django.urls import path

from . import views

urlpatterns = [
    path("<int:module_pk>/", views.answer, name="answer"),
    path("<int:module_pk>/tack/", views.thanks, name="thanks"),
    path("<int:module_pk>/sparat/", views.saved, name="saved"),
    path("<int:module_pk>/resultat/", views.results_public, name="results_public"),
    path("fortsatt/<str:token>/", views.resume, name="resume"),
    path("inbjudan/<str:token>/", views.invitation, name="invitation"),
    path("personal/<int:module_pk>/", views.builder, name="builder"),
    path("personal/<int:module_pk>/avsnitt/ny/", views.section_edit, name="section_add"),
    path(
        "personal/<int:module_pk>/avsnitt/<int:section_pk>/",
        views.section_edit,
        name="section_edit",
    ),
    path(
        "personal/<int:module_pk>/avsnitt/<int:section_pk>/fraga/ny/",
        views.question_edit,
        name="question_add",
    ),
    path(
        "personal/<int:module_pk>/avsnitt/<int:section_pk>/fraga/<int:question_pk>/",
        views.question_edit,
        name="question_edit",
    ),
    path(
        "personal/<int:module_pk>/<slug:kind>/<int:pk>/atgard/",
        views.item_action,
        name="item_action",
    ),
    path("personal/<int:module_pk>/forhandsgranska/", views.preview, name="preview"),
    path(
        "personal/<int:module_pk>/oversattning/<slug:language>/",
        views.translate,
        name="translate",
    ),
    path("personal/<int:module_pk>/inbjudningar/", views.invitations, name="invitations"),
    path("personal/<int:module_pk>/resultat/", views.results, name="results"),
    path("personal/<int:module_pk>/export/<slug:kind>/", views.export, name="export"),
    path(
        "personal/<int:module_pk>/fraga/<int:question_pk>/teman/",
        views.themes,
        name="themes",
    ),
    path(
        "personal/<int:module_pk>/fraga/<int:question_pk>/teman/andra/",
        views.theme_action,
        name="theme_action",
    ),
]
