from django.urls import path

from . import views

app_name = "moderation"

urlpatterns = [
    path("moderering/beslut/<int:pk>/", views.decision, name="decision"),
    path("moderering/<slug:slug>/", views.figures, name="figures"),
    path("moderering/<slug:slug>/samtalsregler/", views.conversation_rules, name="rules"),
    path("personal/moderering/", views.queue, name="queue"),
    path("personal/moderering/<slug:slug>/samtalsregler/", views.rules_edit, name="rules_edit"),
    path("personal/moderering/<slug:slug>/ord/", views.terms, name="terms"),
    path(
        "personal/moderering/<slug:slug>/ord/<int:pk>/ta-bort/",
        views.term_delete,
        name="term_delete",
    ),
]
